// Which orders does a document hold? Most formats hold one; an EDIFACT interchange may hold several ORDERS messages,
// an IDoc file several IDocs, a CSV file the rows of several order numbers and a JSON array several canonical orders.
// Each becomes a part that is parsed, checked for its purpose (document-purpose.ts) and mapped on its own.
import { cxmlPurpose, edifactPurpose, idocNumber, idocPurpose, idocsOf, type PurposeOf } from "./document-purpose";
import { DocumentError, OrderFormat } from "./errors";
import { MappingContext } from "./functions";
import { parseCsv, type CsvRow } from "./formats/csv";
import { parseEdifact } from "./formats/edifact";
import { parseXml } from "./formats/xml";

export interface Parsed {
  input: unknown;
  ctx: MappingContext;
  /** A change or a cancellation, and what its envelope says beyond the mapping (document-purpose.ts); none: an order. */
  purpose?: PurposeOf;
}

/**
 * One order of a document, not yet mapped. Most formats hold one; an EDIFACT interchange may hold several ORDERS
 * messages, an IDoc file several IDocs and a CSV file the lines of several order numbers. `parse` refuses a part that
 * places no order (a cancellation, an order response) on its own, so the other orders of the same document are still
 * taken.
 */
export interface UnmappedPart {
  /** What the sender calls it: the EDIFACT message reference (UNH 0062), the IDoc number (DOCNUM), the order number (CSV). */
  ref?: string;
  /** "message", "IDoc" or "order": how an error names the part. */
  noun: string;
  parse(): Parsed;
}

function edifactParts(body: Buffer | string): UnmappedPart[] {
  const { messages, ...header } = parseEdifact(body);
  const ctx: MappingContext = { format: "edifact", decimalMark: header.decimalMark };
  return messages.map((message) => ({
    ref: message.ref,
    noun: "message",
    parse: () => {
      // read from the text now, and only once: a message keeps no segments of its own (formats/edifact.ts)
      const { ref, type, version, segments } = message;
      const purpose = edifactPurpose({ ref, type, version, segments });
      return { input: { interchange: header, message: { ref, type, version }, segments }, ctx, purpose };
    },
  }));
}

function idocParts(body: Buffer | string): UnmappedPart[] {
  const tree = parseXml(body, "idoc");
  const file = (tree as { ORDERS05: Record<string, unknown> }).ORDERS05;
  return idocsOf(tree).map((idoc) => ({
    ref: idocNumber(idoc),
    noun: "IDoc",
    parse: () => {
      const purpose = idocPurpose(idoc);
      return { input: { ...tree, ORDERS05: { ...file, IDOC: idoc } }, ctx: { format: "idoc" }, purpose };
    },
  }));
}

/** A CSV file's rows, one order per order number, in the order the numbers first appear. */
function csvParts(body: Buffer | string): UnmappedPart[] {
  const { columns, rows } = parseCsv(body);
  const byOrder = new Map<string, CsvRow[]>();
  for (const row of rows) {
    const number = String(row.orderNumber ?? "");
    const group = byOrder.get(number);
    if (group) group.push(row);
    else byOrder.set(number, [row]);
  }
  return [...byOrder].map(([number, group]) => ({
    ref: number || undefined,
    noun: "order",
    parse: () => ({ input: { columns, rows: group }, ctx: { format: "csv" } }),
  }));
}

export function parts(body: Buffer | string, format: Exclude<OrderFormat, "json">): UnmappedPart[] {
  switch (format) {
    case "edifact":
      return edifactParts(body);
    case "idoc":
      return idocParts(body);
    case "csv":
      return csvParts(body);
    default: {
      const tree = parseXml(body, format);
      const purpose = format === "cxml" ? cxmlPurpose(tree) : undefined;
      return [{ noun: "order", parse: () => ({ input: tree, ctx: { format }, purpose }) }];
    }
  }
}

/** A JSON array of canonical orders: a batch, each element an order of its own. */
export function jsonParts(orders: unknown[]): UnmappedPart[] {
  if (orders.length === 0) throw new DocumentError("missing-field", "the JSON array holds no order", { format: "json" });
  return orders.map((order) => {
    const number = (order as { orderNumber?: unknown } | null)?.orderNumber;
    return { ref: typeof number === "string" ? number : undefined, noun: "order", parse: () => ({ input: order, ctx: { format: "json" } }) };
  });
}
