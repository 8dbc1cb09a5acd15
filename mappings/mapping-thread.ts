// Large documents are normalized on a thread of their own. Parsing a 10 MB document holds the event loop for about a
// second (0.5 s for an EDIFACT interchange, 1.1–1.4 s for an IDoc file), and mapping its orders takes some 6 ms each, in
// 10 ms slices between which the other messages get a turn: on the event loop, every other message, heartbeat and
// HTTP request would stop for the parse and crawl for the rest. And a document that needs far more memory than its
// size suggests ends that thread, not the hub: it is refused as too large, and the next document gets a new thread.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { mappingThreadDocuments } from "../observability/metrics";
import { DocumentError } from "./errors";
import { normalizeOrders, type NormalizeOptions, type OrderOutcome } from "./index";
import type { Answer, Job, PlainDocumentError } from "./mapping-thread-worker";
import { byteLength, DEFAULT_MAX_BYTES, refuseOversized } from "./formats/text";

/** Documents from this size on are normalized on the mapping thread; smaller ones, almost every order, right here. */
export const MAPPING_THREAD_FROM_BYTES = 256 * 1024;

/**
 * The mapping thread's heap: eight times what the hungriest honest document needs. A 10 MB EDIFACT interchange of
 * 3,900 ten-line orders maps within 64 MB (not within 32); an IDoc file, a CSV export or a JSON array of that size
 * needs less.
 */
export const MAPPING_THREAD_MEMORY_MB = 512;

/**
 * The compiled worker: beside this file in dist/, and from dist/ as well when the sources run under the test runner,
 * which cannot start a worker from TypeScript (`npm test` builds first).
 */
function workerFile(): string {
  const beside = join(__dirname, "mapping-thread-worker.js");
  return existsSync(beside) ? beside : resolve(__dirname, "../dist/mappings/mapping-thread-worker.js");
}

const documentError = (e: PlainDocumentError) => new DocumentError(e.code, e.message, { format: e.format, line: e.line });

/** Options of a document for the mapping thread: those of normalizeOrders, and word of its turn. */
export interface ThreadOptions extends NormalizeOptions {
  /**
   * "waiting" when the document has to wait for the documents ahead of it, "mapping" when its turn comes: a message
   * waiting its turn is not late, so its settle deadline stands still meanwhile.
   */
  onTurn?: (turn: "waiting" | "mapping") => void;
}

interface Pending {
  job: Job;
  transfer: ArrayBuffer[];
  resolve(outcomes: OrderOutcome[]): void;
  reject(err: Error): void;
  onProgress: NormalizeOptions["onProgress"];
  onTurn: ThreadOptions["onTurn"];
  waited: boolean;
}

/**
 * One worker, started when first needed and again after it ended. It maps one document at a time, the others wait
 * their turn (mapped side by side they would take as long in all, and a document that ran out of memory could not be
 * told from the ones beside it): only the document under way fails with the worker.
 */
export class MappingThread {
  private worker: Worker | undefined;
  private current: Pending | undefined;
  private readonly waiting: Pending[] = [];
  private nextId = 0;

  private readonly memoryMb: number;
  private readonly file: string;
  private readonly counts: boolean;

  /** `counts`: this thread's documents are the ones /metrics shows (the hub's shared thread). */
  constructor(opts: { memoryMb?: number; file?: string; counts?: boolean } = {}) {
    this.memoryMb = opts.memoryMb ?? MAPPING_THREAD_MEMORY_MB;
    this.file = opts.file ?? workerFile();
    this.counts = opts.counts ?? false;
  }

  normalize(body: Buffer | string, opts: ThreadOptions = {}): Promise<OrderOutcome[]> {
    const { onProgress, onTurn, ...rest } = opts;
    // bytes: a copy of their own, moved to the worker rather than copied again; text crosses as it is (re-encoding it
    // would misread a document whose declared encoding is not UTF-8)
    const bytes = typeof body === "string" ? undefined : new Uint8Array(body);
    const job: Job = { id: this.nextId++, body: bytes ?? (body as string), opts: rest };
    return new Promise<OrderOutcome[]>((resolve, reject) => {
      const waits = this.current !== undefined || this.waiting.length > 0;
      this.waiting.push({ job, transfer: bytes ? [bytes.buffer] : [], resolve, reject, onProgress, onTurn, waited: waits });
      if (waits) onTurn?.("waiting");
      this.next();
    });
  }

  /** Ends the worker; the document under way fails, the waiting ones are mapped by a new worker. */
  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Starts the next waiting document when none is under way; a worker that cannot start fails it and the next tries. */
  private next(): void {
    while (!this.current && this.waiting.length > 0) {
      const job = (this.current = this.waiting.shift()!);
      if (job.waited) job.onTurn?.("mapping");
      try {
        const worker = this.started();
        worker.ref();
        worker.postMessage(job.job, job.transfer);
      } catch (err) {
        // no worker (its file missing from dist/, no memory for a thread)
        this.fail(new Error(`the mapping thread could not start: ${(err as Error).message}`));
      }
    }
    if (!this.current) this.worker?.unref();
    this.counted();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.file, { resourceLimits: { maxOldGenerationSizeMb: this.memoryMb } });
    worker.on("message", (answer: Answer) => this.answered(answer));
    // A worker that failed is replaced at once: the document it was mapping fails, the next goes to a new worker.
    const ended = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.fail(err);
      this.next();
    };
    worker.on("error", (err: Error & { code?: string }) =>
      ended(
        err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new DocumentError("too-large", `mapping the document needed more than the ${this.memoryMb} MB the mapping thread may use: send it in smaller batches`)
          : new Error(`the mapping thread failed: ${err.message}`),
      ),
    );
    worker.on("exit", () => ended(new Error("the mapping thread stopped before the document was mapped")));
    this.worker = worker;
    return worker;
  }

  private answered(answer: Answer): void {
    const job = this.current;
    if (!job || job.job.id !== answer.id) return;
    if ("progress" in answer) return job.onProgress?.(answer.progress);
    this.current = undefined;
    if ("outcomes" in answer) {
      job.resolve(answer.outcomes.map((o) => ("error" in o ? { part: o.part, error: documentError(o.error) } : o)));
    } else if ("documentError" in answer) {
      job.reject(documentError(answer.documentError));
    } else {
      job.reject(new Error(answer.failure));
    }
    this.next();
  }

  private counted(): void {
    if (!this.counts) return;
    mappingThreadDocuments.set({ state: "mapping" }, this.current ? 1 : 0);
    mappingThreadDocuments.set({ state: "waiting" }, this.waiting.length);
  }

  private fail(err: Error): void {
    const job = this.current;
    this.current = undefined;
    job?.reject(err);
  }
}

const shared = new MappingThread({ counts: true });

/**
 * normalizeOrders for a document of any size: a large one (from 256 KB) on the mapping thread, the rest right here.
 * A large one is checked against the size limit first, so an oversized body is refused without being copied anywhere.
 */
export async function normalizeDocument(body: Buffer | string, opts: ThreadOptions = {}): Promise<OrderOutcome[]> {
  if (byteLength(body) < MAPPING_THREAD_FROM_BYTES) {
    const { onTurn: _mapsAtOnce, ...here } = opts;
    return normalizeOrders(body, here);
  }
  refuseOversized(body, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  return shared.normalize(body, opts);
}
