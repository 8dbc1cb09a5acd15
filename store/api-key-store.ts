/**
 * The API keys business systems call /api with (runtime/api-keys.ts): one row per key, the secret kept only as its
 * SHA-256 hash. Times in epoch ms.
 */

export interface ApiKeyRow {
  /** The public part of the key (`ohk_<id>_<secret>`): finds the row, shown by `orderhub keys list`. */
  id: string;
  /** The calling system the key belongs to (ERP, OA, a partner …); the routes see it as `res.locals.apiSystem`. */
  system: string;
  /** The start of the key (`ohk_<id>_` and four characters of the secret), to recognise it in a system's settings. */
  prefix: string;
  /** SHA-256 of the secret, hex. */
  hash: string;
  note: string | null;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export type NewApiKey = Pick<ApiKeyRow, "id" | "system" | "prefix" | "hash" | "note" | "createdAt">;

export type RevokeOutcome =
  | { outcome: "revoked"; key: ApiKeyRow }
  | { outcome: "already-revoked"; key: ApiKeyRow }
  | { outcome: "unknown" };

export interface ApiKeyStore {
  /** Adds a key; fails when its id is taken (ids are random: practically never). */
  addKey(key: NewApiKey): Promise<void>;
  /** Every key, revoked ones included, oldest first. */
  listKeys(): Promise<ApiKeyRow[]>;
  /** Revokes a key once: a second revoke leaves the first time in place. */
  revokeKey(id: string, now: number): Promise<RevokeOutcome>;
  /** Notes that a key was used (the hub does this at most once a minute per key). */
  touchKey(id: string, now: number): Promise<void>;
}
