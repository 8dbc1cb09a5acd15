// The mapping thread: normalizes the large documents mapping-thread.ts hands it, one message per job, and answers with
// the outcomes (errors as plain data: a class does not survive the crossing), and with progress as it goes.
import { parentPort } from "node:worker_threads";
import { DocumentError, normalizeOrders, type NormalizeOptions, type OrderOutcome } from "./index";

export interface Job {
  id: number;
  body: Uint8Array | string;
  opts: Omit<NormalizeOptions, "onProgress">;
}

export interface PlainDocumentError {
  code: string;
  message: string;
  format?: DocumentError["format"];
  line?: number;
}

export type PlainOutcome = { part: OrderOutcome["part"]; order: NonNullable<OrderOutcome["order"]> } | { part: OrderOutcome["part"]; error: PlainDocumentError };

export type Answer =
  | { id: number; progress: Parameters<NonNullable<NormalizeOptions["onProgress"]>>[0] }
  | { id: number; outcomes: PlainOutcome[] }
  | { id: number; documentError: PlainDocumentError }
  | { id: number; failure: string };

const plain = (err: DocumentError): PlainDocumentError => ({ code: err.code, message: err.message, format: err.format, line: err.line });

const port = parentPort!;

port.on("message", async ({ id, body, opts }: Job) => {
  const answer = (a: Answer) => port.postMessage(a);
  try {
    const document = typeof body === "string" ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const outcomes = await normalizeOrders(document, { ...opts, onProgress: (progress) => answer({ id, progress }) });
    answer({ id, outcomes: outcomes.map((o) => (o.error ? { part: o.part, error: plain(o.error) } : { part: o.part, order: o.order })) });
  } catch (err) {
    if (err instanceof DocumentError) answer({ id, documentError: plain(err) });
    else answer({ id, failure: err instanceof Error ? err.message : String(err) });
  }
});
