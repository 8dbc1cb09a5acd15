import { orderKey as keyOf, type CanonicalOrder } from "../domain/order/canonical-order";
import type { Company, TransferPrice } from "../domain/master/types";
import { SettlementError } from "../domain/settlement/common";
import { intercompanyOrderDocuments, mirrorChange, mirrorSellerDocument, type IntercompanyOrder, type SellerDocument, type Side, type SideDocument } from "../domain/settlement/intercompany";
import type { LinkRecord } from "../store/settlement-types";
import { settlementDocumentsTotal } from "../observability/metrics";
import type { HubStore } from "../store/types";
import type { MasterDataService } from "./master-data";
import { NotFound } from "./settlement-returns";

/**
 * Inter-company orders at work (docs/SETTLEMENT.md, "Inter-company orders"): the group's companies and transfer prices
 * are master data (`companies`, `transfer-prices`); each document the rule makes for a side is written once
 * (intercompany_links), and the events here take them to each company's ERP (flows/settlement-systems.json), the same
 * message id on a repeat.
 */

export interface IntercompanyEvent {
  messageId: string;
  event: Record<string, unknown> & { event: string };
}

/** The group as master data holds it now. */
export async function group(master: MasterDataService): Promise<{ companies: Company[]; prices: TransferPrice[] }> {
  await master.ready();
  return { companies: master.records("companies") as Company[], prices: master.records("transferPrices") as TransferPrice[] };
}

const link = (orderKey: string, source: string, d: SideDocument, now: number): LinkRecord => ({
  orderKey, kind: d.kind, source, side: d.side, document: d.id, body: d, recordedAt: now,
});

/** Each document kept once: counted written or repeat. */
async function recordLinks(store: HubStore, links: LinkRecord[]) {
  const result = await store.settlement.recordLinks(links);
  for (const l of links) settlementDocumentsTotal.inc({ kind: `intercompany-${l.kind}`, outcome: result.created.includes(l.document) ? "written" : "repeat" });
  return result;
}

/**
 * An order of `orderType: intercompany` from the intake (any format): the buyer is company A, the seller company B.
 * A seller missing, or a buyer or seller that is not a company of the group, is refused naming it.
 */
export function intercompanyOrderOf(order: CanonicalOrder): IntercompanyOrder {
  const at = `intercompany order ${order.buyer.id ?? "?"}/${order.orderNumber}`;
  if (!order.buyer.id) throw new SettlementError(`${at}: buyer.id must name the buying company of the group`);
  if (!order.seller?.id) throw new SettlementError(`${at}: seller.id must name the selling company of the group (an order of type intercompany is placed on a sister company)`);
  return {
    orderKey: keyOf(order),
    orderNumber: order.orderNumber,
    buyer: order.buyer.id,
    seller: order.seller.id,
    issueDate: order.issueDate.slice(0, 10),
    lines: order.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity })),
  };
}

/**
 * A change or cancellation of an inter-company order from the intake (A's side: its order changed or withdrawn, any
 * format): mirrored on B's sales order once per revision, as `POST /api/intercompany/events` with `from: buyer` does.
 * The order was placed at its first revision; the change's own order key names the change.
 */
export async function mirrorIntakeChange(store: HubStore, master: MasterDataService, change: CanonicalOrder, now = Date.now()): Promise<IntercompanyEvent> {
  const placed = `${change.buyer.id ?? ""}/${change.orderNumber}/0`;
  const source = keyOf(change);
  const kind = change.purpose === "cancel" ? "cancel" : "change";
  const lines = kind === "cancel" ? undefined : change.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity }));
  const result = await mirrorIntercompany(store, master, placed, { from: "buyer", kind, document: source, at: change.issueDate.slice(0, 10), ...(lines ? { lines } : {}) }, now);
  return result.event;
}

/** B's sales order and A's purchase order, each once however often the order comes. */
export async function placeIntercompanyOrder(store: HubStore, master: MasterDataService, order: IntercompanyOrder, now = Date.now()) {
  const g = await group(master);
  const { salesOrder, purchaseOrder } = intercompanyOrderDocuments(order, g.companies, g.prices);
  return recordLinks(store, [link(order.orderKey, order.orderKey, salesOrder, now), link(order.orderKey, order.orderKey, purchaseOrder, now)]);
}

/**
 * The delivery note of an inter-company order the home company sells (the company whose warehouses the hub runs):
 * the WMS ships it to the buyer as type `intercompany`, from the warehouse that ships first. Undefined when the
 * seller ships it itself (its own systems report the delivery, `POST /api/intercompany/events`).
 */
export async function homeDelivery(master: MasterDataService, order: IntercompanyOrder, salesOrder: SideDocument | undefined) {
  const index = await master.ready();
  const seller = (master.records("companies") as Company[]).find((c) => c.id === order.seller);
  if (!seller?.home || !salesOrder) return undefined;
  const warehouse = [...index.warehouses.values()].sort((a, b) => a.priority - b.priority)[0]?.id;
  if (!warehouse) throw new SettlementError(`intercompany order ${order.orderKey}: ${seller.id} ships it, but the master data has no warehouse to ship from`);
  return {
    deliveryNote: salesOrder.id, orderKey: order.orderKey, orderNumber: order.orderNumber, buyer: order.buyer, type: "intercompany", shipTo: order.buyer,
    lines: salesOrder.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity, warehouse })),
  };
}

/**
 * `intercompany.order-placed` of the two documents placeIntercompanyOrder recorded, for each company's ERP: the same
 * message again on a repeat, booked once there.
 */
export async function placedEvent(master: MasterDataService, order: IntercompanyOrder, links: readonly LinkRecord[]): Promise<IntercompanyEvent> {
  const salesOrder = links.find((l) => l.kind === "sales-order")?.body;
  const purchaseOrder = links.find((l) => l.kind === "purchase-order")?.body;
  const delivery = await homeDelivery(master, order, salesOrder);
  const event = {
    event: "intercompany.order-placed", orderKey: order.orderKey, orderNumber: order.orderNumber, buyer: order.buyer, seller: order.seller, system: "hub", document: order.orderKey, at: order.issueDate, salesOrder, purchaseOrder,
    ...(delivery ? { delivery } : {}),
  };
  return { messageId: `intercompany.order-placed/${order.orderKey}`, event };
}

/** The order as placed, with its two documents. */
async function placedOrder(store: HubStore, orderKey: string): Promise<{ order: IntercompanyOrder; salesOrder: SideDocument; purchaseOrder: SideDocument }> {
  const links = await store.settlement.links(orderKey);
  const so = links.find((l) => l.kind === "sales-order");
  const po = links.find((l) => l.kind === "purchase-order");
  if (!so || !po) throw new NotFound(`intercompany order ${orderKey}: not placed (POST /api/intercompany/orders, or an order of type intercompany through the intake, first)`);
  const parts = orderKey.split("/");
  const order = { orderKey, orderNumber: parts.slice(1, -1).join("/"), buyer: po.body.company, seller: so.body.company, issueDate: "", lines: so.body.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity })) };
  return { order, salesOrder: so.body, purchaseOrder: po.body };
}

export interface MirrorInput {
  from: Side;
  kind: SellerDocument["kind"] | "change" | "cancel";
  document: string;
  lines?: SellerDocument["lines"];
  amount?: number;
  /** The source document's day, on the event; absent: today. */
  at?: string;
}

/**
 * B's delivery or invoice mirrored on A's side, or a change or cancellation from one side on the other: once per
 * source document; with the event that takes it to the ERP of the side it is for (the same on a repeat).
 */
export async function mirrorIntercompany(store: HubStore, master: MasterDataService, orderKey: string, input: MirrorInput, now = Date.now()) {
  const placed = await placedOrder(store, orderKey);
  const { order } = placed;
  const g = await group(master);
  let mirrored: SideDocument;
  let notes: string[] = [];
  if (input.kind === "delivery" || input.kind === "invoice") {
    if (input.from !== "seller") throw new SettlementError(`intercompany order ${orderKey}: a ${input.kind} comes from the seller's side (${order.seller})`);
    ({ document: mirrored, notes } = mirrorSellerDocument(order, { kind: input.kind, document: input.document, lines: input.lines ?? [], ...(input.amount !== undefined ? { amount: input.amount } : {}) }, g.companies, g.prices));
  } else {
    mirrored = mirrorChange(order, input.from, { document: input.document, purpose: input.kind, ...(input.lines ? { lines: input.lines } : {}) }, g.companies, g.prices);
  }
  const recorded = await recordLinks(store, [link(orderKey, input.document, mirrored, now)]);
  const at = input.at ?? new Date(now).toISOString().slice(0, 10);
  return { ...recorded, notes, event: mirroredEvent(placed, input.document, recorded.links[0].body, at, notes) };
}

/**
 * The event that takes a mirrored document to the ERP of the side it is for, the same on a repeat:
 * `intercompany.order-changed` (a change or cancellation), `intercompany.delivery-mirrored` (A's goods receipt of B's
 * delivery), `intercompany.invoice-mirrored` (A's supplier invoice of B's invoice). Each carries the order's two
 * documents, so the flow names B's sales order and A's purchase order in the ERP call.
 */
function mirroredEvent(placed: { order: IntercompanyOrder; salesOrder: SideDocument; purchaseOrder: SideDocument }, source: string, document: SideDocument, at: string, notes: readonly string[]): IntercompanyEvent {
  const { order, salesOrder, purchaseOrder } = placed;
  const { orderKey, orderNumber } = order;
  const name =
    document.kind === "goods-receipt" ? "intercompany.delivery-mirrored" : document.kind === "supplier-invoice" ? "intercompany.invoice-mirrored" : "intercompany.order-changed";
  const event = {
    event: name, orderKey, orderNumber, buyer: purchaseOrder?.company, seller: salesOrder?.company, system: "hub", document: document.id, source, kind: document.kind, to: document.side, at,
    ...(name === "intercompany.order-changed" ? { change: document } : { mirrored: document }), salesOrder, purchaseOrder, ...(notes.length ? { notes } : {}),
  };
  return { messageId: `${name}/${document.id}`, event };
}
