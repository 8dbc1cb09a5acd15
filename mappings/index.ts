// Order intake: any supported order document → canonical orders, one per order it holds.
// document-parts.ts parses the syntax and splits the document into its orders; each is mapped by the .jsonata file of
// its format, finished and validated here.
import type { CanonicalOrder } from "../domain/order/canonical-order";
import { detectFormat } from "./detect";
import { jsonParts, parts, type UnmappedPart } from "./document-parts";
import type { PurposeOf } from "./document-purpose";
import { compileMapping, runMapping } from "./engine";
import { DocumentError, OrderFormat } from "./errors";
import { finishOrder } from "./finish";
import { readJsonOrder, type SourceChannel } from "./json-order";
import { decode, DEFAULT_MAX_BYTES, refuseOversized } from "./formats/text";
import { compileCanonicalSchema, validateCanonicalOrder as validate } from "./validate";

export type { CanonicalOrder } from "../domain/order/canonical-order";
export { DocumentError, isDocumentError } from "./errors";
export type { OrderFormat } from "./errors";
export { detectFormat } from "./detect";
export type { SourceChannel } from "./json-order";

export interface NormalizeOptions {
  format?: OrderFormat | "auto";
  contentType?: string;
  maxBytes?: number;
  /** Orders one document may hold (default 10,000); a larger batch is refused whole, before any order is mapped. */
  maxOrders?: number;
  sourceSystem?: string;
  /**
   * The channel the document came by: the sending system (an AMQP message's app-id) and the transmission's id (its
   * message id). A JSON order that does not give its `source` gets it from here (`json-order.ts`).
   */
  channel?: SourceChannel;
  /**
   * Called while a document with several orders is mapped, at each turn the event loop gets (about every 10 ms) and
   * once at the end: how many of its orders are done. A document that holds one order never calls it.
   */
  onProgress?: (progress: MappingProgress) => void;
}

/** How far the mapping of a document with several orders has come. */
export interface MappingProgress {
  done: number;
  count: number;
  format: OrderFormat;
}

export const DEFAULT_MAX_ORDERS = 10_000;

export const MAPPING_FILES: Record<Exclude<OrderFormat, "json">, string> = {
  ubl: "ubl-order.jsonata",
  idoc: "idoc-orders05.jsonata",
  edifact: "edifact-d96a-orders.jsonata",
  cxml: "cxml-orderrequest.jsonata",
  csv: "csv-order.jsonata",
};

function parseJson(body: Buffer | string): unknown {
  const text = decode(body, "json");
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const truncated = /end of (JSON )?input|unterminated/i.test(message);
    throw new DocumentError(truncated ? "truncated" : "malformed-json", truncated ? `JSON ends before the document is complete (${message})` : `malformed JSON: ${message}`, { format: "json" });
  }
}

/**
 * Compiles the schema and every mapping file. Nodes call it when they start, so a mapping an engineer broke fails the
 * node at deploy (with the file and character) instead of the first order, and the first order pays no compile time.
 */
export function prepareMappings(): void {
  compileCanonicalSchema();
  for (const file of Object.values(MAPPING_FILES)) compileMapping(file);
}

/** Where an order sits in a document that holds several: 1-based index, how many, and the sender's reference. */
export interface DocumentPart {
  index: number;
  count: number;
  ref?: string;
}

/** One order of a document: the canonical order, or why this one was refused (the others stand on their own). */
export type OrderOutcome = { part: DocumentPart; order: CanonicalOrder; error?: undefined } | { part: DocumentPart; order?: undefined; error: DocumentError };

/** "message 2 of 3 (00621)": how a refusal names the order it is about, in a document that holds several. */
export function partLabel(part: DocumentPart, noun = "order"): string {
  return `${noun} ${part.index} of ${part.count}${part.ref ? ` (${part.ref})` : ""}`;
}

async function mapPart(unmapped: UnmappedPart, format: Exclude<OrderFormat, "json">, opts: NormalizeOptions): Promise<CanonicalOrder> {
  const { input, ctx, purpose } = unmapped.parse();
  const draft = withPurpose(await runMapping(MAPPING_FILES[format], input, ctx), purpose);
  return validate(finishOrder(draft, { format, sourceSystem: opts.sourceSystem }), format);
}

/**
 * A change or a cancellation the envelope announced (document-purpose.ts): its purpose, the order it refers to, and its
 * revision (none where the format gives none: the intake numbers it, previous revision + 1).
 */
function withPurpose(draft: unknown, purpose: PurposeOf | undefined): unknown {
  const { purpose: what, orderNumber, revision }: PurposeOf = purpose ?? { purpose: "order" };
  if (what === "order" || !draft || typeof draft !== "object") return draft;
  const order: Record<string, unknown> = { ...(draft as Record<string, unknown>), purpose: what };
  if (orderNumber) order.orderNumber = orderNumber;
  if (revision === null) delete order.revision;
  else if (revision !== undefined) order.revision = revision;
  return order;
}

/**
 * Normalizes an order document of any supported format into validated canonical orders: one for most documents, one
 * per ORDERS message of an EDIFACT interchange, per IDoc of an ORDERS05 file, per order number of a CSV file and per
 * element of a JSON array. A
 * document that cannot be read at all, or whose only order is refused, throws a DocumentError; in a document with
 * several orders, each refused order is an outcome with its error, named by its place in the document, and the others
 * are still taken.
 */
export async function normalizeOrders(body: Buffer | string, opts: NormalizeOptions = {}): Promise<OrderOutcome[]> {
  refuseOversized(body, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const format = !opts.format || opts.format === "auto" ? detectFormat(body, opts.contentType) : opts.format;
  if (format === "json") {
    const value = parseJson(body);
    const channel = opts.channel ?? {};
    if (!Array.isArray(value)) return [{ part: { index: 1, count: 1 }, order: readJsonOrder(value, channel, opts.sourceSystem) }];
    const orders = refuseOverfull(jsonParts(value), format, opts);
    return eachPart(orders, format, opts, async (one, index) => readJsonOrder(one.parse().input, channel, opts.sourceSystem, { index, count: orders.length }));
  }
  return eachPart(refuseOverfull(parts(body, format), format, opts), format, opts, (one) => mapPart(one, format, opts));
}

/**
 * Every order of a batch becomes a message with its own events: a small document of thousands of tiny orders would
 * multiply into far more work than its size suggests, so the number is capped as the size is.
 */
function refuseOverfull(unmapped: UnmappedPart[], format: OrderFormat, opts: NormalizeOptions): UnmappedPart[] {
  const max = opts.maxOrders ?? DEFAULT_MAX_ORDERS;
  if (unmapped.length > max) {
    throw new DocumentError("too-many-orders", `the document holds ${unmapped.length} orders, over the limit of ${max} per document: send them in smaller batches`, { format });
  }
  return unmapped;
}

/** How long a batch is mapped before the event loop gets a turn. */
const TURN_EVERY_MS = 10;

/** Each part normalized on its own; one part alone is the document, so its refusal is thrown as the document's. */
async function eachPart(unmapped: UnmappedPart[], format: OrderFormat, opts: NormalizeOptions, normalize: (one: UnmappedPart, index: number) => Promise<CanonicalOrder>): Promise<OrderOutcome[]> {
  if (unmapped.length === 1) return [{ part: { index: 1, count: 1, ref: unmapped[0].ref }, order: await normalize(unmapped[0], 1) }];
  const outcomes: OrderOutcome[] = [];
  let since = performance.now();
  for (const [i, one] of unmapped.entries()) {
    const part = { index: i + 1, count: unmapped.length, ref: one.ref };
    try {
      outcomes.push({ part, order: await normalize(one, part.index) });
    } catch (err) {
      if (!(err instanceof DocumentError)) throw err;
      outcomes.push({ part, error: new DocumentError(err.code, `${partLabel(part, one.noun)}: ${err.message}`, { format: err.format ?? format, line: err.line }) });
    }
    // The mapping's awaits are all promise continuations, which never let the event loop in: without a turn here, a
    // batch of thousands of orders would hold up heartbeats, HTTP and every other message for seconds.
    if (performance.now() - since >= TURN_EVERY_MS) {
      opts.onProgress?.({ done: i + 1, count: unmapped.length, format });
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
  opts.onProgress?.({ done: unmapped.length, count: unmapped.length, format });
  return outcomes;
}

/**
 * Normalizes a document that holds exactly one order. One that holds several is refused as `multiple-messages`
 * (normalizeOrders takes each of them).
 */
export async function normalizeOrder(body: Buffer | string, opts: NormalizeOptions = {}): Promise<CanonicalOrder> {
  const outcomes = await normalizeOrders(body, opts);
  if (outcomes.length > 1) {
    const refs = outcomes.map((o) => o.part.ref ?? "?").join(", ");
    throw new DocumentError("multiple-messages", `the document holds ${outcomes.length} orders (${refs}), where one was expected`);
  }
  const [only] = outcomes;
  if (only.error) throw only.error;
  return only.order;
}

/** Validates a value as a canonical order; throws DocumentError `schema-violation` with a readable sentence. */
export function validateCanonicalOrder(value: unknown): CanonicalOrder {
  return validate(value);
}
