// API keys on their way to and from the writer thread (store/sqlite-api-keys.cjs): an operation and its arguments go,
// plain records come back.
import type { ApiKeyRow, ApiKeyStore, NewApiKey, RevokeOutcome } from "./api-key-store";

/** Sends one operation to the writer thread and resolves with its answer. */
export type SendToWriter = (message: Record<string, unknown>) => Promise<unknown>;

/** A key's id travels as `keyId`: `id` is the writer message's own (it pairs the answer with its request). */
export class SqliteApiKeyStore implements ApiKeyStore {
  constructor(private readonly send: SendToWriter) {}

  async addKey(key: NewApiKey): Promise<void> {
    await this.send({ apiKeys: "add", key });
  }

  async listKeys(): Promise<ApiKeyRow[]> {
    return (await this.send({ apiKeys: "list" })) as ApiKeyRow[];
  }

  async revokeKey(id: string, now: number): Promise<RevokeOutcome> {
    return (await this.send({ apiKeys: "revoke", keyId: id, now })) as RevokeOutcome;
  }

  async touchKey(id: string, now: number): Promise<void> {
    await this.send({ apiKeys: "touch", keyId: id, now });
  }
}
