// Order intake: any supported order document → the canonical order.
// Syntax (XML, EDIFACT, CSV) is parsed here; the field mapping lives in the .jsonata files beside this one.
import type { CanonicalOrder } from "../domain/order/canonical-order";
import { detectFormat } from "./detect";
import { refuseCxmlNonOrder, refuseIdocNonOrder, theEdifactOrder } from "./document-purpose";
import { compileMapping, runMapping } from "./engine";
import { DocumentError, OrderFormat } from "./errors";
import { MappingContext } from "./functions";
import { finishOrder } from "./finish";
import { parseCsv } from "./formats/csv";
import { parseEdifact } from "./formats/edifact";
import { decode, DEFAULT_MAX_BYTES, refuseOversized } from "./formats/text";
import { parseXml } from "./formats/xml";
import { compileCanonicalSchema, validateCanonicalOrder as validate } from "./validate";

export type { CanonicalOrder } from "../domain/order/canonical-order";
export { DocumentError, isDocumentError } from "./errors";
export type { OrderFormat } from "./errors";
export { detectFormat } from "./detect";

export interface NormalizeOptions {
  format?: OrderFormat | "auto";
  contentType?: string;
  maxBytes?: number;
  sourceSystem?: string;
}

export const MAPPING_FILES: Record<Exclude<OrderFormat, "json">, string> = {
  ubl: "ubl-order.jsonata",
  idoc: "idoc-orders05.jsonata",
  edifact: "edifact-d96a-orders.jsonata",
  cxml: "cxml-orderrequest.jsonata",
  csv: "csv-order.jsonata",
};

interface Parsed {
  input: unknown;
  ctx: MappingContext;
}

function parseEdifactOrder(body: Buffer | string): Parsed {
  const interchange = parseEdifact(body);
  const message = theEdifactOrder(interchange);
  const { messages: _messages, ...header } = interchange;
  return { input: { interchange: header, message: { ...message, segments: undefined }, segments: message.segments }, ctx: { format: "edifact", decimalMark: interchange.decimalMark } };
}

function parse(body: Buffer | string, format: Exclude<OrderFormat, "json">): Parsed {
  switch (format) {
    case "edifact":
      return parseEdifactOrder(body);
    case "csv":
      return { input: parseCsv(body), ctx: { format } };
    default: {
      const tree = parseXml(body, format);
      if (format === "idoc") refuseIdocNonOrder(tree);
      if (format === "cxml") refuseCxmlNonOrder(tree);
      return { input: tree, ctx: { format } };
    }
  }
}

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

/** Normalizes one order document of any supported format into a validated canonical order. */
export async function normalizeOrder(body: Buffer | string, opts: NormalizeOptions = {}): Promise<CanonicalOrder> {
  refuseOversized(body, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const format = !opts.format || opts.format === "auto" ? detectFormat(body, opts.contentType) : opts.format;
  if (format === "json") return validate(parseJson(body), "json");
  const { input, ctx } = parse(body, format);
  const draft = await runMapping(MAPPING_FILES[format], input, ctx);
  return validate(finishOrder(draft, { format, sourceSystem: opts.sourceSystem }), format);
}

/** Validates a value as a canonical order; throws DocumentError `schema-violation` with a readable sentence. */
export function validateCanonicalOrder(value: unknown): CanonicalOrder {
  return validate(value);
}
