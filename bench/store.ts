/**
 * `npm run bench:store`: the idempotency store alone, as the intake flow uses it, against the same SQLite statements run
 * on the calling thread. No broker, so its figures vary far less than the intake bench's: the tool for judging a change
 * to the store (docs/BENCHMARKS.md).
 *
 * Each turn claims BENCH_STORE_BATCH orders (default 20, what the hub gathers per turn at full speed) with the bench's
 * 1 KB canonical orders as outbox payloads, marks the previous turn's orders done, and waits for the claims.
 *
 *   hub store      SqliteStore: the writer thread, one transaction per batch (group commit), answers by message
 *   SQLite inline  the store's schema and statements (store/sqlite-sql.cjs) on the calling thread, one transaction per
 *                  turn: what the writer thread costs beyond SQLite's own work, which it keeps off the event loop
 *
 * Every run is a child process of its own with a new data dir; rounds alternate. BENCH_STORE_BASE=<dist dir> adds a
 * third contender, the store of another build (e.g. a git worktree of the code before a change).
 */
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configure, migrate } from "../store/sqlite-schema";
import { benchBodies } from "./orders";

const COUNT = Number(process.env.BENCH_ORDERS) || 20_000;
const BATCH = Number(process.env.BENCH_STORE_BATCH) || 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;
const SCOPE = "order.accepted";

interface StoreRun {
  name: string;
  seconds: number;
  cpuMicrosPerOrder: number;
}

interface Writes {
  claim(key: string, messageId: string, payload: string, origin: string): Promise<unknown> | void;
  markDone(key: string): Promise<unknown> | void;
  /** End of a turn: SQLite inline commits here. */
  turn(): void;
  close(): Promise<void> | void;
}

function hubStore(distDir: string, file: string): Writes {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SqliteStore } = require(join(distDir, "store")) as typeof import("../store");
  const store = new SqliteStore(file);
  return {
    claim: (key, messageId, payload, origin) => store.claim(SCOPE, key, messageId, payload, Date.now(), origin),
    markDone: (key) => store.markDone(SCOPE, key, Date.now()),
    turn: () => undefined,
    close: () => store.close(),
  };
}

interface StoreSql {
  insert: string;
  done: string;
}

function sqliteInline(file: string): Writes {
  const db = new Database(file);
  configure(db);
  migrate(db);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sql = require(join(__dirname, "../store/sqlite-sql.cjs")) as StoreSql;
  const insert = db.prepare(sql.insert);
  const done = db.prepare(sql.done);
  db.exec("BEGIN");
  return {
    claim: (key, messageId, payload, origin) => void insert.run(SCOPE, key, messageId, payload, Date.now(), origin),
    markDone: (key) => void done.run(Date.now(), SCOPE, key),
    turn: () => db.exec("COMMIT; BEGIN"),
    close: () => {
      db.exec("COMMIT");
      db.close();
    },
  };
}

/** One contender in this process: the turns, timed by the clock and by this process's CPU (all its threads). */
async function runHere(name: string, base: string): Promise<StoreRun> {
  const payloads = benchBodies(COUNT).map((b) => b.toString("utf8"));
  const dir = mkdtempSync(join(tmpdir(), "orderhub-bench-store-"));
  // The store's writer thread does not keep the process alive; the bench's own timer does until the end.
  const alive = setInterval(() => undefined, 1000);
  try {
    const file = join(dir, "orderhub.db");
    const writes = name === "SQLite inline" ? sqliteInline(file) : hubStore(name === "hub store" ? join(__dirname, "..") : base, file);
    const keys = payloads.map((_, i) => `BENCH-${String(i).padStart(6, "0")}/0`);
    // The clocks start once the store answers: a writer thread's start-up is not the store's work per order.
    await writes.claim("warm-up", "m-warm-up", "{}", "");
    writes.turn();
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let from = 0; from < COUNT; from += BATCH) {
      const claims: Array<Promise<unknown> | void> = [];
      for (let i = from; i < Math.min(from + BATCH, COUNT); i++) claims.push(writes.claim(keys[i], `m-${keys[i]}`, payloads[i], `in-${i}`));
      for (let i = Math.max(0, from - BATCH); i < from; i++) void writes.markDone(keys[i]);
      writes.turn();
      await Promise.all(claims);
    }
    for (let i = Math.max(0, COUNT - BATCH); i < COUNT; i++) void writes.markDone(keys[i]);
    await writes.close();
    const used = process.cpuUsage(cpu);
    return { name, seconds: (performance.now() - started) / 1000, cpuMicrosPerOrder: (used.user + used.system) / COUNT };
  } finally {
    clearInterval(alive);
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(name: string, base = ""): StoreRun {
  const child = spawnSync(process.execPath, [__filename, "--run", name, base], { encoding: "utf8", env: process.env });
  const line = child.stdout.split("\n").find((l) => l.startsWith("{"));
  if (child.status !== 0 || !line) throw new Error(`${name}: the run failed:\n${child.stdout}${child.stderr}`);
  return JSON.parse(line) as StoreRun;
}

const perSecond = (r: StoreRun) => COUNT / r.seconds;

function median(runs: StoreRun[]): StoreRun {
  return [...runs].sort((a, b) => perSecond(a) - perSecond(b))[Math.floor(runs.length / 2)];
}

function main(): void {
  const base = process.env.BENCH_STORE_BASE;
  const names = ["hub store", "SQLite inline", ...(base ? ["base store"] : [])];
  console.log(`${COUNT} claims and done marks of 1 KB orders, ${BATCH} per turn; ${ROUNDS} rounds${base ? `; base store from ${base}` : ""}`);
  const runs = new Map<string, StoreRun[]>(names.map((n) => [n, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? names : [...names].reverse();
    for (const name of order) {
      const run = runChild(name, base);
      runs.get(name)!.push(run);
      console.log(`round ${round}: ${name.padEnd(13)} ${perSecond(run).toFixed(0).padStart(6)} orders/s, CPU ${run.cpuMicrosPerOrder.toFixed(1)} µs/order`);
    }
  }
  const medians = new Map(names.map((n) => [n, median(runs.get(n)!)]));
  console.log("");
  for (const [name, m] of medians) console.log(`median ${name.padEnd(13)} ${perSecond(m).toFixed(0).padStart(6)} orders/s, CPU ${m.cpuMicrosPerOrder.toFixed(1)} µs/order`);
  const hub = medians.get("hub store")!;
  console.log(`ratio: ${(perSecond(hub) / perSecond(medians.get("SQLite inline")!)).toFixed(2)} (hub store / SQLite inline, orders per second)`);
  if (base) console.log(`against the base store: ${(perSecond(hub) / perSecond(medians.get("base store")!)).toFixed(2)} orders per second, ${(hub.cpuMicrosPerOrder / medians.get("base store")!.cpuMicrosPerOrder).toFixed(2)} CPU per order`);
}

if (process.argv[2] === "--run") {
  runHere(process.argv[3], process.argv[4]).then(
    (run) => console.log(JSON.stringify(run)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main();
}
