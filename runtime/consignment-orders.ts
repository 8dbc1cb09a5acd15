import { createHash } from "node:crypto";
import type { CanonicalOrder } from "../domain/order/canonical-order";
import { SettlementError } from "../domain/settlement/common";
import type { Movement, MovementDocument, MovementKind } from "../domain/settlement/consignment";
import type { HubStore } from "../store/types";
import type { MasterDataService } from "./master-data";
import { applyConsignment } from "./settlement";

/**
 * Consignment documents that are no sale (docs/SETTLEMENT.md, "Consignment"): a fill-up (our goods to the customer's
 * site) and a pick-up (our goods back from it), from the REST routes or as orders of type consignment-fillup /
 * consignment-pickup in any intake format (an IDoc KB or KA, an EDIFACT or UBL order of type 227). Neither is decided,
 * booked as a sales order or invoiced: a fill-up goes out through WMS, ERP and TMS, a pick-up off the site's ledger
 * and to ERP. Each event has the message id the routes give it, so the same document from both ways is one.
 */

export interface ConsignmentEvent {
  messageId: string;
  event: Record<string, unknown> & { event: string };
}

/** `sha256:` of the parts: the message id of a consignment event (customer, site, event, document). */
export const consignmentMessageId = (...parts: string[]) => `sha256:${createHash("sha256").update(parts.join("|"), "utf8").digest("hex")}`;

const ORDER_TYPES: Readonly<Record<MovementKind, string>> = { "fill-up": "consignment-fillup", issue: "consignment-issue", pickup: "consignment-pickup", return: "consignment-return" };

/** `consignment.<kind>` of a document's movements, under the message id every way of sending the document gives it. */
export function movementEvent(doc: MovementDocument, movements: readonly Movement[]): ConsignmentEvent {
  const event = `consignment.${doc.kind}`;
  return {
    messageId: consignmentMessageId(doc.customer, doc.site, event, doc.document),
    event: { event, customer: doc.customer, site: doc.site, system: "hub", document: doc.document, at: doc.at, orderType: ORDER_TYPES[doc.kind], lines: movements.map((m) => ({ sku: m.sku, quantity: m.quantity })) },
  };
}

/** The movements a document put on its site's ledger: the applied ones, or on a repeat those the ledger holds for it. */
export async function documentMovements(store: HubStore, doc: MovementDocument, result: { outcome: "applied"; movements: Movement[] } | { outcome: "repeat" }): Promise<Movement[]> {
  if (result.outcome === "applied") return result.movements;
  return (await store.settlement.movements(doc.customer, doc.site)).filter((m) => m.kind === doc.kind && m.document === doc.document);
}

export interface FillUpLine {
  sku?: unknown;
  quantity?: unknown;
  warehouse?: unknown;
}

/**
 * `consignment.fill-up-requested` for a fill-up of the site: each line's warehouse, else the first by priority; one
 * warehouse per fill-up (one delivery note, one ERP transfer). A SettlementError names the line and the field.
 */
export async function fillUpRequest(master: MasterDataService, customer: string, site: string, document: string, at: string, given: readonly FillUpLine[]): Promise<ConsignmentEvent & { lines: Array<{ lineNumber: string; sku: string; quantity: number; warehouse: string }> }> {
  if (!document) throw new SettlementError("document: the fill-up's id is required (it becomes the delivery note's number)");
  if (given.length === 0) throw new SettlementError("lines: a fill-up lists at least one item: [{sku, quantity, warehouse?}]");
  const index = await master.ready();
  const known = [...index.warehouses.values()].sort((a, b) => a.priority - b.priority);
  const lines = given.map((l, n) => {
    if (typeof l?.sku !== "string" || !l.sku) throw new SettlementError(`lines[${n}].sku: is required`);
    if (typeof l.quantity !== "number" || !(l.quantity > 0)) throw new SettlementError(`lines[${n}].quantity: must be a number above 0 (is ${JSON.stringify(l.quantity)})`);
    const warehouse = typeof l.warehouse === "string" && l.warehouse ? l.warehouse : known[0]?.id;
    if (!warehouse || !known.some((w) => w.id === warehouse)) throw new SettlementError(`lines[${n}].warehouse: ${warehouse ? `warehouse ${warehouse} is not in the master data` : "no warehouse given, and the master data has none"}`);
    return { lineNumber: String((n + 1) * 10), sku: l.sku, quantity: l.quantity, warehouse };
  });
  const from = [...new Set(lines.map((l) => l.warehouse))];
  if (from.length > 1) throw new SettlementError(`lines: a fill-up leaves from one warehouse (it is one delivery note and one ERP transfer); these name ${from.join(" and ")}: send one fill-up per warehouse`);
  const event = { event: "consignment.fill-up-requested", customer, site, system: "hub", document, at, orderType: "consignment-fillup", lines };
  return { messageId: consignmentMessageId(customer, site, event.event, document), event, lines };
}

/** The customer and the site an order of a consignment type names: buyer.id and shipTo.id. */
function siteOf(order: CanonicalOrder): { customer: string; site: string } {
  const at = `${order.orderType} ${order.buyer.id ?? "?"}/${order.orderNumber}`;
  if (!order.buyer.id) throw new SettlementError(`${at}: buyer.id must name the customer`);
  const site = order.shipTo?.id ?? order.shipTo?.name;
  if (!site) throw new SettlementError(`${at}: shipTo.id must name the customer's consignment site`);
  return { customer: order.buyer.id, site };
}

/**
 * The event an accepted order of a consignment type that is no sale gives: a fill-up's request, or a pick-up off the
 * site's ledger (refused beyond what the site holds, naming the figure; the same order again a repeat, announced again).
 * A consignment return as an order is refused, saying what to send instead: its credit note needs the consumption
 * report the goods were billed on, which an order does not carry.
 */
export async function consignmentOrderEvent(store: HubStore, master: MasterDataService, order: CanonicalOrder): Promise<ConsignmentEvent> {
  const { customer, site } = siteOf(order);
  const at = order.issueDate.slice(0, 10);
  if (order.orderType === "consignment-fillup") {
    const { messageId, event } = await fillUpRequest(master, customer, site, order.orderNumber, at, order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })));
    return { messageId, event };
  }
  if (order.orderType === "consignment-pickup") {
    const doc = { customer, site, kind: "pickup" as const, document: order.orderNumber, at, lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) };
    const result = await applyConsignment(store, doc);
    if (result.outcome === "refused") throw new SettlementError(result.reasons.join("; "));
    return movementEvent(doc, await documentMovements(store, doc, result));
  }
  if (order.orderType === "consignment-return") {
    throw new SettlementError(
      `consignment return ${customer}/${order.orderNumber}: its credit note needs the consumption report the goods were billed on, which an order does not carry; send it as POST /api/consignment/${customer}/${site}/movements {kind: "return", document, issue, lines}`,
    );
  }
  throw new SettlementError(`order ${customer}/${order.orderNumber} is of type ${order.orderType}, not a consignment fill-up, pick-up or return`);
}
