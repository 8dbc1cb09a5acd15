// `orderhub keys add|list|revoke`: the API keys business systems call /api with (runtime/api-keys.ts). The command
// opens the hub's store itself (the data dir the hub uses: ORDERHUB_DATA_DIR, else ./data), so it works while the hub
// runs (the hub reads the keys again within a few seconds) and when the hub is down, also when no key exists yet.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { checkSystemName, createApiKey, keyIdOf } from "../../runtime/api-keys";
import { SqliteStore } from "../../store";
import type { ApiKeyRow } from "../../store/api-key-store";

interface Common {
  dataDir?: string;
}

/** A wrong argument exits 2; a store that cannot be opened or written exits 1. */
class Failure extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2,
  ) {
    super(message);
  }
}

function storeFile(opts: Common): string {
  const dir = opts.dataDir || process.env.ORDERHUB_DATA_DIR || "./data";
  return join(resolve(dir), "orderhub.db");
}

/** Opens the store; `create` false: a data dir without a store is a mistake (a wrong dir), not an empty key list. */
async function withStore<T>(opts: Common, create: boolean, work: (store: SqliteStore, file: string) => Promise<T>): Promise<T> {
  const file = storeFile(opts);
  if (!create && !existsSync(file)) {
    throw new Failure(`no store at ${file}: point --data-dir or ORDERHUB_DATA_DIR at the hub's data dir`, 2);
  }
  let store: SqliteStore;
  try {
    store = new SqliteStore(file);
  } catch (err) {
    throw new Failure(`cannot open the store ${file}: ${(err as Error).message}`, 1);
  }
  // the store's writer thread does not hold the process open by itself: hold it until the store is closed
  const hold = setInterval(() => undefined, 60_000);
  try {
    return await work(store, file);
  } finally {
    await store.close();
    clearInterval(hold);
  }
}

function fail(command: string, err: unknown): void {
  const code = err instanceof Failure ? err.code : 1;
  process.stderr.write(`orderhub keys ${command}: ${(err as Error).message.replace(/\s*\n\s*/g, " ")}\n`);
  process.exitCode = code;
}

const iso = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z"));

/** A key as `list` shows it: never the secret nor its hash. */
function shown(k: ApiKeyRow) {
  return { id: k.id, system: k.system, prefix: k.prefix, created: iso(k.createdAt), lastUsed: iso(k.lastUsedAt), revoked: iso(k.revokedAt), note: k.note ?? "" };
}

function table(keys: ApiKeyRow[]): string {
  const rows = keys.map(shown);
  const head = { id: "id", system: "system", prefix: "prefix", created: "created", lastUsed: "last used", revoked: "revoked", note: "note" };
  const cols = ["id", "system", "prefix", "created", "lastUsed", "revoked", "note"] as const;
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[head, ...rows].map((r) => r[c].length))]));
  return [head, ...rows].map((r) => cols.map((c) => r[c].padEnd(width[c])).join("  ").trimEnd()).join("\n");
}

export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("API keys for /api: one per calling system, stored hashed (add, list, revoke)");
  const dataDirOption = ["--data-dir <dir>", "the hub's data dir (default: ORDERHUB_DATA_DIR, else ./data)"] as const;

  keys
    .command("add")
    .description("issue a key for a calling system; the key is printed once and cannot be shown again")
    .argument("<system>", "the calling system, e.g. ERP, OA, partner-acme")
    .option("--note <text>", "what the key is for, shown by keys list")
    .option(...dataDirOption)
    .action(async (system: string, opts: Common & { note?: string }) => {
      try {
        try {
          checkSystemName(system);
        } catch (err) {
          throw new Failure((err as Error).message, 2);
        }
        await withStore(opts, true, async (store) => {
          const issued = await createApiKey(store, system, opts.note);
          process.stdout.write(`${issued.key}\n`);
          process.stderr.write(
            `API key ${issued.id} for system ${issued.row.system}: shown this once, it cannot be shown again (the hub keeps only its hash). ` +
              `Callers send it as Authorization: Bearer <key> or X-Api-Key: <key>; from now on every call to /api needs a key (a running hub notices within a few seconds).\n`,
          );
        });
      } catch (err) {
        fail("add", err);
      }
    });

  keys
    .command("list")
    .description("every key: id, system, created, last used, revoked (never the secret)")
    .option("--json", "print JSON instead of a table")
    .option(...dataDirOption)
    .action(async (opts: Common & { json?: boolean }) => {
      try {
        await withStore(opts, false, async (store) => {
          const all = await store.apiKeys.listKeys();
          if (opts.json) process.stdout.write(`${JSON.stringify(all.map(shown), null, 2)}\n`);
          else if (all.length === 0) process.stdout.write("no API keys: /api answers loopback callers only; add one with orderhub keys add <system>\n");
          else process.stdout.write(`${table(all)}\n`);
        });
      } catch (err) {
        fail("list", err);
      }
    });

  keys
    .command("revoke")
    .description("revoke a key: the hub refuses it from then on (a running hub within a few seconds)")
    .argument("<id>", "the key's id as keys list shows it (or the key itself)")
    .option(...dataDirOption)
    .action(async (given: string, opts: Common) => {
      try {
        const id = keyIdOf(given);
        if (!id) throw new Failure(`"${given}" is not a key id: keys list shows the ids (16 hex digits)`, 2);
        await withStore(opts, false, async (store, file) => {
          const result = await store.apiKeys.revokeKey(id, Date.now());
          if (result.outcome === "unknown") throw new Failure(`no key with id ${id} in ${file} (keys list shows the ids)`, 2);
          const k = result.key;
          if (result.outcome === "already-revoked") process.stdout.write(`key ${k.id} (system ${k.system}) was revoked already, at ${iso(k.revokedAt)}\n`);
          else process.stdout.write(`revoked key ${k.id} (system ${k.system}) at ${iso(k.revokedAt)}; a running hub refuses it within a few seconds\n`);
        });
      } catch (err) {
        fail("revoke", err);
      }
    });
}
