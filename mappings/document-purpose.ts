// Is the document one new (or revised) order? Some formats carry several documents in one envelope, or responses,
// changes and cancellations in the same envelope as orders: an IDoc ORDERS05 whose message type is ORDRSP, a cXML
// OrderRequest of type "delete", an EDIFACT ORDERS whose BGM says "cancellation". Mapped field by field, each would
// come out as a valid-looking order, so it is refused here, before the mapping, with a sentence that says what it is.
import { DocumentError } from "./errors";
import { text } from "./functions";
import { EdifactInterchange, EdifactMessage, segmentLocation } from "./formats/edifact";
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

/** IDoc ORDERS05: one IDoc per document (as one ORDERS message per EDIFACT interchange), and EDI_DC40/MESTYP, when given, ORDERS. */
export function refuseIdocNonOrder(tree: XmlTree): void {
  const idocs = at(tree, "ORDERS05", "IDOC");
  if (Array.isArray(idocs)) {
    const numbers = idocs.map((idoc) => text(at(idoc, "EDI_DC40", "DOCNUM")) ?? "?").join(", ");
    throw new DocumentError("multiple-messages", `ORDERS05 holds ${idocs.length} IDocs (${numbers}); send one order per document`, { format: "idoc" });
  }
  const control = at(tree, "ORDERS05", "IDOC", "EDI_DC40");
  const messageType = text(at(control, "MESTYP"))?.toUpperCase();
  if (messageType === undefined || messageType === "ORDERS") return;
  const idoc = text(at(control, "DOCNUM"));
  const what = IDOC_MESSAGE_TYPES[messageType] ? ` (${IDOC_MESSAGE_TYPES[messageType]})` : "";
  throw new DocumentError("not-an-order", `EDI_DC40/MESTYP: IDoc${idoc ? ` ${idoc}` : ""} is message type ${messageType}${what}, not ORDERS: only orders are taken in`, {
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
 * The one ORDERS message of an EDIFACT interchange: an interchange with several messages, a message of another type
 * (INVOIC, ORDRSP …) and an ORDERS whose BGM 1225 (message function) is a cancellation or deletion are refused.
 */
export function theEdifactOrder(interchange: EdifactInterchange): EdifactMessage {
  const [message, ...others] = interchange.messages;
  if (others.length > 0) {
    throw new DocumentError("multiple-messages", `interchange ${interchange.controlRef ?? ""} holds ${interchange.messages.length} messages; send one order per interchange`, { format: "edifact" });
  }
  if (message.type !== "ORDERS") {
    throw new DocumentError("unknown-format", `EDIFACT message ${message.ref} is ${message.type}, not an ORDERS order`, { format: "edifact" });
  }
  const bgm = message.segments.find((s) => s.tag === "BGM");
  const code = bgm?.e3?.[0];
  if (!bgm || code === undefined || !EDIFACT_CANCELLING_FUNCTIONS[code]) return message;
  const order = bgm.e2?.[0] ? `order ${bgm.e2[0]}` : "the order";
  throw new DocumentError(
    "cancellation",
    `${segmentLocation(bgm)}: message function ${code} (${EDIFACT_CANCELLING_FUNCTIONS[code]}) takes back ${order}; cancellations are not taken in as orders`,
    { format: "edifact", line: bgm.line },
  );
}
