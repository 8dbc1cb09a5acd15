import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { storeCommitsTotal, storeWritesTotal } from "../observability/metrics";
import { configure, migrate } from "./sqlite-schema";
import { packMasterWrites, unpackMasterData } from "./sqlite-master";
import { SqliteApprovalStore } from "./sqlite-approvals";
import { SqliteOrderStore } from "./sqlite-orders";
import { SqliteInvoiceStore } from "./sqlite-invoices";
import type { InvoiceStore } from "./invoice-types";
import { SqliteTimelineStore } from "./sqlite-timeline";
import type { TimelineStore } from "./timeline-types";
import { SqlitePlanningStore } from "./sqlite-planning";
import type { PlanningStore } from "./planning-types";
import { SqliteProductionStore } from "./sqlite-production";
import type { ProductionStore } from "./production-types";
import { SqliteApiKeyStore } from "./sqlite-api-keys";
import type { ApiKeyStore } from "./api-key-store";
import { SqliteSettlementStore } from "./sqlite-settlement";
import type { SettlementStore } from "./settlement-types";
import type { OrderStore } from "./order-types";
import type { ApprovalStore } from "./approval-store";
import type { ClaimResult, HubStore, IdempotencyRecord, MasterWrite, MasterWriteResult, StoredMasterData } from "./types";

interface Row {
  scope: string;
  key: string;
  message_id: string;
  status: "pending" | "done";
  payload: string;
  created_at: number;
  done_at: number | null;
  origin: string | null;
}

function toRecord(row: Row): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    messageId: row.message_id,
    status: row.status,
    payload: row.payload,
    createdAt: row.created_at,
    doneAt: row.done_at,
    origin: row.origin,
  };
}

/** Operations per batch at most; the rest of a burst follows in the next batch. */
const MAX_BATCH = 64;

/**
 * How long a batch of done marks alone waits before it leaves. A done mark is not urgent (the message is acked
 * already; only a duplicate of it waits), and while orders flow a claim comes along well within this time and takes
 * the marks with it: one commit and one round trip to the writer thread instead of two.
 */
const DONE_LINGER_MS = 2;

/** Keys one purge transaction deletes at most: about 50 ms of the writer's time. */
const PURGE_CHUNK = 5_000;

/** Operation codes; the writer thread (sqlite-writer.cjs) reads the same numbers. */
const CLAIM = 0;
const DONE = 1;
const PURGE = 2;

/**
 * A batch being gathered: the code and time of each operation, and its six strings (scope, key, message id, payload,
 * origin, earlier key) one after the other. It crosses to the writer thread with the strings joined into one text and their
 * lengths beside it: one long string is copied in one go, where an array of strings is cloned string by string.
 */
interface Batched {
  code: number[];
  time: number[];
  strings: string[];
}

function pack(id: number, q: Batched) {
  const lens = new Int32Array(q.strings.length);
  for (let i = 0; i < q.strings.length; i++) lens[i] = q.strings[i].length;
  return { id, code: q.code, time: q.time, lens, text: q.strings.join("") };
}

const emptyBatch = (): Batched => ({ code: [], time: [], strings: [] });

interface Caller {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Batch {
  callers: Caller[];
  answered: Promise<void>;
  settle(): void;
}

interface Answer {
  id: number;
  /** False when the transaction as a whole failed (then every result is an error). */
  committed: boolean;
  /** Per operation: null, a row, a count, or { error }. */
  results: unknown[];
}

const isError = (v: unknown): v is { error: string } => typeof v === "object" && v !== null && "error" in v;

/**
 * The embedded store: one SQLite file in WAL mode. Writes go to a writer thread (sqlite-writer.cjs) that owns the
 * write connection: the writes issued in one turn of the event loop travel together and are committed in one
 * transaction (group commit). Each promise settles only after that commit, so a caller gets the durability of a
 * transaction per write, while SQLite's work runs beside the event loop that moves the messages.
 * synchronous=NORMAL survives a killed process; only a power cut can take the last commits, which redelivery repairs.
 */
export class SqliteStore implements HubStore {
  readonly kind = "sqlite" as const;
  /** Main-thread connection: migrations at open (a bad file fails at once, here) and the health check. */
  private readonly db: Database.Database;
  private readonly writer: Worker;
  private queued: Batched = emptyBatch();
  private callers: Caller[] = [];
  private readonly inFlight = new Map<number, Batch>();
  private batchId = 0;
  private flushing: NodeJS.Immediate | undefined;
  /** Set while the queued batch holds only done marks: they wait DONE_LINGER_MS for a claim to travel with. */
  private lingering: NodeJS.Timeout | undefined;
  private committedBatches = 0;
  private failure: Error | undefined;

  private readonly purgeChunk: number;
  /** Approvals: one operation per transaction on the writer thread, apart from the claims' batches (store/sqlite-approvals.cjs). */
  readonly approvals: ApprovalStore = new SqliteApprovalStore((operation, args) => this.request({ approvals: operation, args }));
  /** The order book: one operation per transaction on the writer thread (store/sqlite-orders.cjs). */
  readonly orders: OrderStore = new SqliteOrderStore((message) => this.request(message));
  /** Invoices issued, with what each billed per order line: one operation per transaction (store/sqlite-invoices.cjs). */
  readonly invoices: InvoiceStore = new SqliteInvoiceStore((message) => this.request(message));
  /** The order timeline: one operation per transaction on the writer thread (store/sqlite-timeline.cjs). */
  readonly timeline: TimelineStore = new SqliteTimelineStore((message) => this.request(message));
  /** Planning: BOMs, ECOs, BOM history; one operation per transaction on the writer thread (store/sqlite-planning.cjs). */
  readonly planning: PlanningStore = new SqlitePlanningStore((message) => this.request(message));
  /** Production tasks and quotes: one operation per transaction on the writer thread (store/sqlite-production.cjs). */
  readonly production: ProductionStore = new SqliteProductionStore((message) => this.request(message));
  /** API keys: one operation per transaction on the writer thread (store/sqlite-api-keys.cjs). */
  readonly apiKeys: ApiKeyStore = new SqliteApiKeyStore((message) => this.request(message));
  /** Settlement ledgers: one operation per transaction on the writer thread (store/sqlite-settlement.cjs). */
  readonly settlement: SettlementStore = new SqliteSettlementStore((message) => this.request(message));

  /** `purgeChunk`: keys one purge transaction deletes at most (tests make it small). */
  constructor(readonly file: string, options: { purgeChunk?: number } = {}) {
    this.purgeChunk = Math.max(1, options.purgeChunk ?? PURGE_CHUNK);
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    configure(this.db);
    migrate(this.db);
    this.writer = new Worker(join(__dirname, "sqlite-writer.cjs"), { workerData: { file, purgeChunk: this.purgeChunk } });
    this.writer.unref();
    this.writer.on("message", (answer: Answer) => this.answered(answer));
    this.writer.on("error", (err) => this.fail(new Error(`the store's writer thread failed: ${err.message}`)));
    this.writer.on("exit", () => this.fail(new Error("the store is closed")));
  }

  async claim(scope: string, key: string, messageId: string, payload: string, now: number, origin = "", earlierKey = ""): Promise<ClaimResult> {
    const row = (await this.write(CLAIM, scope, key, messageId, payload, now, true, origin, earlierKey)) as Row | null;
    if (!row) return { outcome: "new", record: { scope, key, messageId, status: "pending", payload, createdAt: now, doneAt: null, origin: origin || null } };
    const record = toRecord(row);
    return { outcome: record.status, record };
  }

  markDone(scope: string, key: string, now: number): Promise<void> {
    return this.write(DONE, scope, key, "", "", now, false) as Promise<void>;
  }

  /**
   * Deletes a chunk of the oldest keys per transaction until none is older than `olderThan`: the claims issued
   * meanwhile commit between the chunks instead of waiting for the whole purge (100,000 keys take about a second).
   */
  async purgeBefore(olderThan: number): Promise<number> {
    let purged = 0;
    for (;;) {
      const deleted = (await this.write(PURGE, "", "", "", "", olderThan)) as number;
      purged += deleted;
      if (deleted < this.purgeChunk) return purged;
    }
  }

  /** One transaction on the writer thread, apart from the claims' batches (store/sqlite-master.cjs). */
  async writeMaster(writes: readonly MasterWrite[]): Promise<MasterWriteResult[]> {
    return (await this.request({ master: "write", writes: packMasterWrites(writes) })) as MasterWriteResult[];
  }

  /** Read on the writer thread, in one transaction: it sees every write made before it, and one state of all kinds. */
  async readMaster(): Promise<StoredMasterData> {
    return unpackMasterData((await this.request({ master: "read" })) as Record<string, string | null>);
  }

  /** Transactions the writer thread has committed so far (each holding a batch of operations). */
  get commits(): number {
    return this.committedBatches;
  }

  async ping(): Promise<boolean> {
    try {
      return !this.failure && (this.db.prepare("SELECT 1 AS ok").get() as { ok: number }).ok === 1;
    } catch {
      return false;
    }
  }

  /** Commits what is queued, waits for every answer, then stops the writer thread. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    this.flush();
    await Promise.all([...this.inFlight.values()].map((b) => b.answered));
    if (!this.failure) {
      const exited = new Promise<void>((r) => this.writer.once("exit", () => r()));
      this.writer.postMessage({ close: true });
      await exited;
    }
    this.db.close();
  }

  /** `urgent` writes leave at the end of this turn of the event loop; the others may wait a little (DONE_LINGER_MS). */
  private write(code: number, scope: string, key: string, messageId: string, payload: string, time: number, urgent = true, origin = "", earlier = ""): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    // A value that is not text would break the whole batch it travels in: refuse it alone, here.
    if (typeof scope !== "string" || typeof key !== "string" || typeof messageId !== "string" || typeof payload !== "string" || typeof origin !== "string" || typeof earlier !== "string") {
      const given = Object.entries({ scope, key, "message id": messageId, payload, origin, "earlier key": earlier }).filter(([, v]) => typeof v !== "string");
      return Promise.reject(new Error(`store: scope, key, message id, payload, origin and earlier key must be text (${given.map(([n, v]) => `${n} is ${typeof v}`).join(", ")})`));
    }
    return new Promise((resolve, reject) => {
      const q = this.queued;
      q.code.push(code);
      q.time.push(time);
      q.strings.push(scope, key, messageId, payload, origin, earlier);
      this.callers.push({ resolve, reject });
      // A full batch leaves at once, so the writer commits it while this thread goes on with the next messages.
      if (q.code.length >= MAX_BATCH) {
        this.flush();
      } else if (urgent) {
        this.flushing ??= setImmediate(() => this.flush());
      } else if (!this.flushing) {
        this.lingering ??= setTimeout(() => this.flush(), DONE_LINGER_MS);
      }
    });
  }

  /** An operation that travels alone (master data), answered as a batch of one. */
  private request(message: object): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const id = ++this.batchId;
      let settle!: () => void;
      const answered = new Promise<void>((r) => (settle = r));
      this.inFlight.set(id, { callers: [{ resolve, reject }], answered, settle });
      this.writer.postMessage({ id, ...message });
    });
  }

  private flush(): void {
    clearImmediate(this.flushing);
    clearTimeout(this.lingering);
    this.flushing = undefined;
    this.lingering = undefined;
    if (this.queued.code.length === 0) return;
    const id = ++this.batchId;
    let settle!: () => void;
    const answered = new Promise<void>((r) => (settle = r));
    this.inFlight.set(id, { callers: this.callers, answered, settle });
    this.writer.postMessage(pack(id, this.queued));
    this.queued = emptyBatch();
    this.callers = [];
  }

  private answered({ id, committed, results }: Answer): void {
    const batch = this.inFlight.get(id);
    if (!batch) return;
    this.inFlight.delete(id);
    let written = 0;
    batch.callers.forEach((c, i) => {
      const result = results[i];
      if (isError(result)) c.reject(new Error(`store: ${result.error}`));
      else {
        written++;
        c.resolve(result);
      }
    });
    if (committed) {
      this.committedBatches++;
      storeCommitsTotal.inc();
      storeWritesTotal.inc(written);
    }
    batch.settle();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    clearImmediate(this.flushing);
    clearTimeout(this.lingering);
    for (const batch of this.inFlight.values()) {
      for (const c of batch.callers) c.reject(err);
      batch.settle();
    }
    this.inFlight.clear();
    for (const c of this.callers) c.reject(err);
    this.callers = [];
    this.queued = emptyBatch();
  }
}
