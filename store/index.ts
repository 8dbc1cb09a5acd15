import { join, resolve } from "node:path";
import { SqliteStore } from "./sqlite-store";
import type { HubStore } from "./types";

export type { ClaimOutcome, ClaimResult, HubStore, IdempotencyRecord } from "./types";
export { SqliteStore } from "./sqlite-store";

let current: HubStore | undefined;

/** The data directory: ORDERHUB_DATA_DIR, default ./data (relative to the working directory). */
export function dataDir(): string {
  return resolve(process.env.ORDERHUB_DATA_DIR ?? "./data");
}

/** The process's store, opened on first use (SQLite file `orderhub.db` in the data directory). */
export function getHubStore(): HubStore {
  current ??= new SqliteStore(join(dataDir(), "orderhub.db"));
  return current;
}

/** Replace the process's store (tests, or a runtime that opened PostgreSQL). */
export function setHubStore(store: HubStore | undefined): void {
  current = store;
}

export async function closeHubStore(): Promise<void> {
  const store = current;
  current = undefined;
  await store?.close();
}
