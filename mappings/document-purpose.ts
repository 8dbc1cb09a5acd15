// What does the document do with an order: place it, change it or cancel it? Changes and cancellations travel in the
// same envelopes as orders (an IDoc ORDERS05 of message type ORDCHG, a cXML OrderRequest of type "update" or
// "delete", an EDIFACT ORDERS whose BGM cancels, an EDIFACT ORDCHG, UBL OrderChange and OrderCancellation): each
// becomes a canonical order with its `purpose` ("change" or "cancel"). What takes no order at all (an order response)
// is refused here, before the mapping, with a sentence that says what it is. Envelopes with several orders (an
// interchange's messages, a file's IDocs) are checked one order at a time: each is refused or taken on its own.
import { DocumentError } from "./errors";
import { text } from "./functions";
import type { EdifactMessage, Segment } from "./formats/edifact";
import type { XmlTree } from "./formats/xml";

/** What a document does with its order; "order" places it (the default, left out of the canonical order). */
export type OrderPurpose = "order" | "change" | "cancel";

/**
 * A document's purpose and what the format says beyond its mapping: the order a change refers to, and its revision
 * (`null`: the format gives none, the hub assigns the previous revision + 1 at intake).
 */
export interface PurposeOf {
  purpose: OrderPurpose;
  orderNumber?: string;
  revision?: number | null;
}

const ORDER: PurposeOf = { purpose: "order" };

/** SAP message types that travel in the ORDERS05 basic type and take no order. */
const IDOC_NON_ORDERS: Record<string, string> = {
  ORDRSP: "an order response",
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

/** IDoc ORDERS05: EDI_DC40/MESTYP ORDERS (or none) places an order, ORDCHG changes one (the hub numbers the revision); ORDRSP is refused. */
export function idocPurpose(idoc: unknown): PurposeOf {
  const messageType = text(at(idoc, "EDI_DC40", "MESTYP"))?.toUpperCase();
  if (messageType === undefined || messageType === "ORDERS") return ORDER;
  if (messageType === "ORDCHG") return { purpose: "change", revision: null };
  const number = idocNumber(idoc);
  const what = IDOC_NON_ORDERS[messageType] ? ` (${IDOC_NON_ORDERS[messageType]})` : "";
  throw new DocumentError("not-an-order", `EDI_DC40/MESTYP: IDoc${number ? ` ${number}` : ""} is message type ${messageType}${what}, not ORDERS or ORDCHG: only orders and their changes are taken in`, {
    format: "idoc",
  });
}

/**
 * cXML OrderRequestHeader/@type: "new" (the default) is an order; "update" replaces an earlier version and must say
 * which version it is (a second version 1 would be taken for a duplicate of the first and dropped); "delete" cancels
 * (its version when it gives one, else the hub numbers it).
 */
export function cxmlPurpose(tree: XmlTree): PurposeOf {
  const header = at(tree, "cXML", "Request", "OrderRequest", "OrderRequestHeader");
  const type = (text(at(header, "type")) ?? "new").toLowerCase();
  const orderId = text(at(header, "orderID"));
  const order = orderId ? `order ${orderId}` : "the order";
  const version = Number(text(at(header, "orderVersion")));
  if (type === "new") return ORDER;
  if (type === "delete") return { purpose: "cancel", revision: Number.isInteger(version) && version >= 2 ? version - 1 : null };
  if (type === "update") {
    if (Number.isInteger(version) && version >= 2) return { purpose: "change" };
    throw new DocumentError(
      "version-missing",
      `OrderRequestHeader/@orderVersion: an "update" of ${order} needs orderVersion 2 or more; as version 1 it would be taken for a duplicate of the original`,
      { format: "cxml" },
    );
  }
  throw new DocumentError("unknown-operation", `OrderRequestHeader/@type: "${type}" is not a cXML order operation (new, update or delete)`, { format: "cxml" });
}

/** RFF+ON (the buyer's order number a change refers to), when the message gives one. */
const referencedOrder = (segments: readonly Segment[]): string | undefined =>
  segments.find((s) => s.tag === "RFF" && s.e1?.[0] === "ON" && s.e1?.[1])?.e1?.[1];

/**
 * One message of an EDIFACT interchange: an ORDERS places an order, unless its BGM 1225 (message function) cancels or
 * deletes it; an ORDCHG changes the order RFF+ON names (else BGM's number), or cancels it with 1225 = 1 or 3. Neither
 * gives a revision: the hub numbers it. Any other message type (INVOIC, ORDRSP …) is refused.
 */
export function edifactPurpose(message: EdifactMessage): PurposeOf {
  if (message.type !== "ORDERS" && message.type !== "ORDCHG") {
    throw new DocumentError("unknown-format", `EDIFACT message ${message.ref} is ${message.type}, not an ORDERS order or an ORDCHG change`, { format: "edifact" });
  }
  const bgm = message.segments.find((s) => s.tag === "BGM");
  const code = bgm?.e3?.[0];
  const cancels = code !== undefined && EDIFACT_CANCELLING_FUNCTIONS[code] !== undefined;
  if (message.type === "ORDERS" && !cancels) return ORDER;
  const firstLine = message.segments.findIndex((s) => s.tag === "LIN");
  const header = firstLine < 0 ? message.segments : message.segments.slice(0, firstLine);
  const orderNumber = referencedOrder(header);
  return { purpose: cancels ? "cancel" : "change", revision: null, ...(orderNumber ? { orderNumber } : {}) };
}
