// Does the document place new (or revised) orders? Responses, changes and cancellations travel in the same envelopes as
// orders: an IDoc ORDERS05 whose message type is ORDRSP, a cXML OrderRequest of type "delete", an EDIFACT ORDERS whose
// BGM says "cancellation". Mapped field by field, each would come out as a valid-looking order, so it is refused here,
// before the mapping, with a sentence that says what it is. Envelopes with several orders (an interchange's messages,
// a file's IDocs) are checked one order at a time: each is refused or taken on its own.
import { DocumentError } from "./errors";
import { text } from "./functions";
import { EdifactMessage, segmentLocation } from "./formats/edifact";
import type { XmlTree } from "./formats/xml";

/** SAP message types that travel in the ORDERS05 basic type. */
const IDOC_MESSAGE_TYPES: Record<string, string> = {
  ORDRSP: "an order response",
  ORDCHG: "an order change",
};

/** EDIFACT 1225 message function codes that take an order back rather than place it. */
const EDIFACT_CANCELLING_FUNCTIONS: Record<string, string> = {
  "1": "cancellation",
  "3": "deletion",
};

const at = (tree: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, step) => (node && typeof node === "object" ? (node as Record<string, unknown>)[step] : undefined), tree);

/** The IDocs of an ORDERS05 file: one, or several one after the other; a file without any holds no order. */
export function idocsOf(tree: XmlTree): unknown[] {
  const idocs = at(tree, "ORDERS05", "IDOC");
  if (idocs === undefined || idocs === null || idocs === "") {
    throw new DocumentError("missing-field", "ORDERS05 holds no IDOC: there is no order in the document", { format: "idoc" });
  }
  return Array.isArray(idocs) ? idocs : [idocs];
}

/** The IDoc number (EDI_DC40/DOCNUM) of one IDoc, when it has one. */
export const idocNumber = (idoc: unknown): string | undefined => text(at(idoc, "EDI_DC40", "DOCNUM"));

/** IDoc ORDERS05: EDI_DC40/MESTYP, when given, must be ORDERS (ORDRSP and ORDCHG travel in the same basic type). */
export function refuseIdocNonOrder(idoc: unknown): void {
  const messageType = text(at(idoc, "EDI_DC40", "MESTYP"))?.toUpperCase();
  if (messageType === undefined || messageType === "ORDERS") return;
  const number = idocNumber(idoc);
  const what = IDOC_MESSAGE_TYPES[messageType] ? ` (${IDOC_MESSAGE_TYPES[messageType]})` : "";
  throw new DocumentError("not-an-order", `EDI_DC40/MESTYP: IDoc${number ? ` ${number}` : ""} is message type ${messageType}${what}, not ORDERS: only orders are taken in`, {
    format: "idoc",
  });
}

/**
 * cXML OrderRequestHeader/@type: "new" (the default) is an order; "update" replaces an earlier version and must say
 * which version it is (a second version 1 would be taken for a duplicate of the first and dropped); "delete" cancels.
 */
export function refuseCxmlNonOrder(tree: XmlTree): void {
  const header = at(tree, "cXML", "Request", "OrderRequest", "OrderRequestHeader");
  const type = (text(at(header, "type")) ?? "new").toLowerCase();
  const orderId = text(at(header, "orderID"));
  const order = orderId ? `order ${orderId}` : "the order";
  if (type === "new") return;
  if (type === "delete") {
    throw new DocumentError("cancellation", `OrderRequestHeader/@type: "delete" cancels ${order}; cancellations are not taken in as orders`, { format: "cxml" });
  }
  if (type === "update") {
    const version = Number(text(at(header, "orderVersion")));
    if (Number.isInteger(version) && version >= 2) return;
    throw new DocumentError(
      "version-missing",
      `OrderRequestHeader/@orderVersion: an "update" of ${order} needs orderVersion 2 or more; as version 1 it would be taken for a duplicate of the original`,
      { format: "cxml" },
    );
  }
  throw new DocumentError("unknown-operation", `OrderRequestHeader/@type: "${type}" is not a cXML order operation (new, update or delete)`, { format: "cxml" });
}

/**
 * One message of an EDIFACT interchange must be an ORDERS (not INVOIC, ORDRSP …) whose BGM 1225 (message function)
 * places the order rather than cancelling or deleting it.
 */
export function refuseEdifactNonOrder(message: EdifactMessage): void {
  if (message.type !== "ORDERS") {
    throw new DocumentError("unknown-format", `EDIFACT message ${message.ref} is ${message.type}, not an ORDERS order`, { format: "edifact" });
  }
  const bgm = message.segments.find((s) => s.tag === "BGM");
  const code = bgm?.e3?.[0];
  if (!bgm || code === undefined || !EDIFACT_CANCELLING_FUNCTIONS[code]) return;
  const order = bgm.e2?.[0] ? `order ${bgm.e2[0]}` : "the order";
  throw new DocumentError(
    "cancellation",
    `${segmentLocation(bgm)}: message function ${code} (${EDIFACT_CANCELLING_FUNCTIONS[code]}) takes back ${order}; cancellations are not taken in as orders`,
    { format: "edifact", line: bgm.line },
  );
}
