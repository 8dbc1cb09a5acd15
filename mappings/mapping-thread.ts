// Large documents are normalized on a thread of their own. Parsing a 10 MB document takes about a second and mapping
// its orders some 6 ms each: on the event loop that would stall every other message, heartbeat and HTTP request for
// the parse and slow them down for the rest. And a document that needs far more memory than its size suggests ends
// that thread, not the hub: it is refused as too large, and the next document gets a new thread.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { DocumentError } from "./errors";
import { normalizeOrders, type NormalizeOptions, type OrderOutcome } from "./index";
import type { Answer, Job, PlainDocumentError } from "./mapping-thread-worker";
import { byteLength, DEFAULT_MAX_BYTES, refuseOversized } from "./formats/text";

/** Documents from this size on are normalized on the mapping thread; smaller ones, almost every order, right here. */
export const MAPPING_THREAD_FROM_BYTES = 256 * 1024;

/** The mapping thread's heap: some 50 times the largest document allowed (10 MB), ample for any honest one. */
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

interface Pending {
  resolve(outcomes: OrderOutcome[]): void;
  reject(err: Error): void;
  onProgress: NormalizeOptions["onProgress"];
}

/** One worker, started when first needed and again after it ended; jobs run side by side in it. */
export class MappingThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly memoryMb = MAPPING_THREAD_MEMORY_MB) {}

  normalize(body: Buffer | string, opts: NormalizeOptions = {}): Promise<OrderOutcome[]> {
    const { onProgress, ...rest } = opts;
    const id = this.nextId++;
    // bytes: a copy of their own, moved to the worker rather than copied again; text crosses as it is (re-encoding it
    // would misread a document whose declared encoding is not UTF-8)
    const bytes = typeof body === "string" ? undefined : new Uint8Array(body);
    const job: Job = { id, body: bytes ?? (body as string), opts: rest };
    return new Promise<OrderOutcome[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      const worker = this.started();
      worker.ref();
      worker.postMessage(job, bytes ? [bytes.buffer] : []);
    });
  }

  /** Ends the worker; jobs still under way fail. */
  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile(), { resourceLimits: { maxOldGenerationSizeMb: this.memoryMb } });
    worker.on("message", (answer: Answer) => this.answered(answer));
    worker.on("error", (err: Error & { code?: string }) => {
      const outOfMemory = err.code === "ERR_WORKER_OUT_OF_MEMORY";
      this.failAll(
        outOfMemory
          ? new DocumentError("too-large", `mapping the document needed more than the ${this.memoryMb} MB the mapping thread may use: send it in smaller batches`)
          : new Error(`the mapping thread failed: ${err.message}`),
      );
    });
    worker.on("exit", () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error("the mapping thread stopped before the document was mapped"));
    });
    this.worker = worker;
    return worker;
  }

  private answered(answer: Answer): void {
    const job = this.pending.get(answer.id);
    if (!job) return;
    if ("progress" in answer) return job.onProgress?.(answer.progress);
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ("outcomes" in answer) {
      job.resolve(answer.outcomes.map((o) => ("error" in o ? { part: o.part, error: documentError(o.error) } : o)));
    } else if ("documentError" in answer) {
      job.reject(documentError(answer.documentError));
    } else {
      job.reject(new Error(answer.failure));
    }
  }

  private failAll(err: Error): void {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) job.reject(err);
  }
}

const shared = new MappingThread();

/**
 * normalizeOrders for a document of any size: a large one (from 256 KB) on the mapping thread, the rest right here.
 * The size limit is checked first, so an oversized body is refused without being copied anywhere.
 */
export async function normalizeDocument(body: Buffer | string, opts: NormalizeOptions = {}): Promise<OrderOutcome[]> {
  refuseOversized(body, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  return byteLength(body) >= MAPPING_THREAD_FROM_BYTES ? shared.normalize(body, opts) : normalizeOrders(body, opts);
}
