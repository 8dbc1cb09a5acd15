/**
 * The order timeline: every milestone an order passes, read from the events on `orderhub.events`
 * (docs/ORDER-TO-CASH.md). Pure: an event and the time the hub learnt it in, the milestones out; the order's state,
 * open quantities and lateness follow from its milestones (timeline-progress.ts). Recording each milestone once is the
 * store's part.
 */

/** The milestones an order moves forward through, in order: the state is the furthest reached, never going back. */
export const FORWARD_MILESTONES = [
  "received",
  "normalized",
  "audited",
  "priced",
  "credit-checked",
  "atp-confirmed",
  "approved",
  "booked",
  "delivery-note-sent",
  "picked",
  "shipped",
  "shipment-booked",
  "dispatched",
  "in-transit",
  "delivered",
  "invoiced",
  "ar-posted",
  "paid",
  "closed",
] as const;

/** Milestones recorded beside the forward ones: a decision that stops the order, a change, a hold before shipment. */
export const SIDE_MILESTONES = [
  "held",
  "needs-approval",
  "rejected",
  "cancelled",
  "changed",
  "cancellation-requested",
  "approval-requested",
  "approval-escalated",
  "rescheduled",
  "shipment-held",
  "credited",
  "intercompany-sales-order",
  "intercompany-purchase-order",
  "intercompany-changed",
  "intercompany-goods-receipt",
  "intercompany-supplier-invoice",
] as const;

export type ForwardMilestone = (typeof FORWARD_MILESTONES)[number];
export type Milestone = ForwardMilestone | (typeof SIDE_MILESTONES)[number];

/** Where an order can stand: a forward milestone, or held, needs-approval, rejected, cancelled, shipment-held. */
export const ORDER_STATES: readonly string[] = [...FORWARD_MILESTONES, "held", "needs-approval", "rejected", "cancelled", "shipment-held"];

export const rankOf = (milestone: string): number => (FORWARD_MILESTONES as readonly string[]).indexOf(milestone);

/** One line as an event names it: ordered, confirmed, shipped or invoiced. */
export interface TimelineLine {
  lineNumber?: string;
  sku?: string;
  quantity: number;
}

/** What an entry keeps of its event for the order's progress (only the milestone that carries it has it). */
export interface EntryDetail {
  /** The rule's or the order's outcome, on decision milestones: only "ok" moves the state forward. */
  outcome?: string;
  /** The order's lines (received, changed, decisions): what was ordered, per line. */
  lines?: TimelineLine[];
  /** Shipped or invoiced quantities (order.shipped, order.invoiced). */
  quantities?: TimelineLine[];
  /** ATP's confirmation dates (order.released): the latest is the promised date. */
  confirmations?: { lineNumber?: string; sku?: string; quantity: number; date: string }[];
  /** The order's requested delivery date. */
  requestedDate?: string;
  purpose?: string;
  reasons?: string[];
  by?: string;
  amount?: unknown;
  /** The day a decision was made on (its `at`), where the entry's time is when the hub learnt it. */
  decidedOn?: string;
}

/** One milestone of one order, from one event. */
export interface TimelineEntry {
  /** `<buyer>/<order number>`: the order across its revisions. */
  orderRef: string;
  orderKey: string;
  orderNumber: string;
  buyer: string;
  revision: number | null;
  milestone: Milestone;
  /** The event's routing key. */
  event: string;
  messageId: string;
  system: string;
  document: string;
  /** ISO 8601 time: when it happened as the system says, else when the hub learnt it. */
  at: string;
  detail?: EntryDetail;
}

/** An event as it arrived: its routing key, body and message id, and when the hub took it (ISO 8601). */
export interface TimelineEvent {
  routingKey: string;
  body: unknown;
  messageId: string;
  receivedAt: string;
}

/** Why an event gives no milestone: not about an order, or about one it cannot name. */
export class NotAnOrderEvent extends Error {}

/** The milestone of each o2c event (docs/ORDER-TO-CASH.md) that names one milestone and what it carries. */
const FULFILMENT: Readonly<Record<string, { milestone: Milestone; system: string }>> = {
  "order.booked": { milestone: "booked", system: "erp" },
  "order.delivery-note-sent": { milestone: "delivery-note-sent", system: "hub" },
  "order.shipment-held": { milestone: "shipment-held", system: "hub" },
  "order.picked": { milestone: "picked", system: "wms" },
  "order.shipped": { milestone: "shipped", system: "wms" },
  "order.shipment-booked": { milestone: "shipment-booked", system: "tms" },
  "order.dispatched": { milestone: "dispatched", system: "tms" },
  "order.in-transit": { milestone: "in-transit", system: "tms" },
  "order.delivered": { milestone: "delivered", system: "tms" },
  "order.invoiced": { milestone: "invoiced", system: "finance" },
  "order.ar-posted": { milestone: "ar-posted", system: "erp" },
  "payment.received": { milestone: "paid", system: "finance" },
  "order.closed": { milestone: "closed", system: "hub" },
  "order.rescheduled": { milestone: "rescheduled", system: "hub" },
  "approval.requested": { milestone: "approval-requested", system: "oa" },
  "approval.escalated": { milestone: "approval-escalated", system: "oa" },
  // settlement (docs/SETTLEMENT.md): a return's credit note booked by finance and ERP; an inter-company order's
  // documents booked in each company's ERP
  "order.credited": { milestone: "credited", system: "erp" },
  "intercompany.sales-order-created": { milestone: "intercompany-sales-order", system: "erp" },
  "intercompany.purchase-order-created": { milestone: "intercompany-purchase-order", system: "erp" },
  "intercompany.order-changed-in-erp": { milestone: "intercompany-changed", system: "erp" },
  "intercompany.goods-received": { milestone: "intercompany-goods-receipt", system: "erp" },
  "intercompany.supplier-invoice-booked": { milestone: "intercompany-supplier-invoice", system: "erp" },
};

/** The decision rule behind each decision milestone. */
const RULE_MILESTONES: Readonly<Record<string, Milestone>> = { audit: "audited", price: "priced", credit: "credit-checked", atp: "atp-confirmed" };

/** The milestone of a decision event's outcome. */
const OUTCOME_MILESTONES: Readonly<Record<string, Milestone>> = {
  released: "approved",
  held: "held",
  "needs-approval": "needs-approval",
  rejected: "rejected",
  cancelled: "cancelled",
};

/** The routing keys the timeline reads (every other event passes by). */
export const TIMELINE_EVENTS: readonly string[] = [
  "order.accepted",
  "order.changed",
  "order.cancelled",
  "order.released",
  "order.held",
  "order.rejected",
  "order.needs-approval",
  "order.cancellation-confirmed",
  ...Object.keys(FULFILMENT),
];

type Body = Record<string, unknown>;

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);

/** The buyer as the hub names it: a string, or a party's id, else GLN, else name. */
function buyerOf(v: unknown): string | undefined {
  if (typeof v === "string") return v || undefined;
  if (typeof v === "object" && v !== null) {
    const p = v as Body;
    return text(p.id) ?? text(p.gln) ?? text(p.name);
  }
  return undefined;
}

/** A time as the event gives it, when it names one (a date alone is a day, not a time: the hub's time is better). */
function timeOf(v: unknown): string | undefined {
  const t = text(v);
  if (!t || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function linesOf(v: unknown): TimelineLine[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const lines: TimelineLine[] = [];
  for (const l of v) {
    if (typeof l !== "object" || l === null) continue;
    const line = l as Body;
    const quantity = Number(line.quantity);
    if (!Number.isFinite(quantity)) continue;
    lines.push({ ...(text(line.lineNumber) ? { lineNumber: text(line.lineNumber) } : {}), ...(text(line.sku) ? { sku: text(line.sku) } : {}), quantity });
  }
  return lines;
}

/** The order's identity: from the event's own fields, else its order, else its order key. */
function identityOf(body: Body): { orderRef: string; orderKey: string; orderNumber: string; buyer: string; revision: number | null } {
  const order = (typeof body.order === "object" && body.order !== null ? body.order : undefined) as Body | undefined;
  const key = text(body.orderKey);
  const keyParts = key ? key.split("/") : [];
  const fromKey = keyParts.length >= 3 ? { buyer: keyParts.slice(0, -2).join("/"), orderNumber: keyParts.at(-2)!, revision: Number(keyParts.at(-1)) } : undefined;
  const orderNumber = text(body.orderNumber) ?? text(order?.orderNumber) ?? fromKey?.orderNumber;
  const buyer = buyerOf(body.buyer) ?? buyerOf(order?.buyer) ?? fromKey?.buyer;
  if (!orderNumber || !buyer) throw new NotAnOrderEvent(`names no order: it has no ${orderNumber ? "buyer" : "orderNumber"} and no orderKey`);
  const given = body.revision ?? order?.revision;
  const revision = typeof given === "number" && Number.isInteger(given) ? given : fromKey && Number.isInteger(fromKey.revision) ? fromKey.revision : null;
  return { orderRef: `${buyer}/${orderNumber}`, orderKey: key ?? `${buyer}/${orderNumber}/${revision ?? 0}`, orderNumber, buyer, revision };
}

/** The order's lines and requested date, as far as the canonical order in the event gives them. */
function orderDetail(order: Body | undefined): EntryDetail {
  if (!order) return {};
  const lines = linesOf(order.lines);
  const requested = (order.requestedDelivery as Body | undefined)?.date;
  return { ...(lines ? { lines } : {}), ...(text(requested) ? { requestedDate: text(requested) } : {}), ...(text(order.purpose) ? { purpose: text(order.purpose) } : {}) };
}

const reasonsOf = (body: Body): string[] | undefined => (Array.isArray(body.reasons) ? body.reasons.filter((r): r is string => typeof r === "string") : undefined);

/**
 * The milestones of one event. Throws NotAnOrderEvent for an event that is not about one order the event names (a
 * master data change, a payment for a customer's account, an unreadable document's rejection).
 */
export function timelineEntries(event: TimelineEvent): TimelineEntry[] {
  const { routingKey, messageId } = event;
  if (!TIMELINE_EVENTS.includes(routingKey)) throw new NotAnOrderEvent(`${routingKey} is no order milestone`);
  if (typeof event.body !== "object" || event.body === null || Array.isArray(event.body)) throw new NotAnOrderEvent("has a body that is not a JSON object");
  const raw = event.body as Body;
  // order.accepted, changed and cancelled carry the canonical order itself
  const isOrder = routingKey === "order.accepted" || routingKey === "order.changed" || routingKey === "order.cancelled";
  const body: Body = isOrder ? { order: raw, orderKey: raw.orderKey } : raw;
  const id = identityOf(body);
  const order = (typeof body.order === "object" && body.order !== null ? body.order : undefined) as Body | undefined;
  const at = timeOf(raw.at) ?? event.receivedAt;
  const entry = (milestone: Milestone, system: string, document: string, detail?: EntryDetail): TimelineEntry => ({
    ...id,
    milestone,
    event: routingKey,
    messageId,
    system,
    document,
    at,
    ...(detail && Object.keys(detail).length ? { detail } : {}),
  });

  if (isOrder) {
    const source = (order?.source ?? {}) as Body;
    const received = text(source.documentId) ?? id.orderKey;
    if (routingKey === "order.accepted") {
      return [entry("received", text(source.system) ?? "unknown", received, orderDetail(order)), entry("normalized", "hub", id.orderKey)];
    }
    return [entry(routingKey === "order.changed" ? "changed" : "cancellation-requested", text(source.system) ?? "unknown", received, orderDetail(order))];
  }

  const fulfilment = FULFILMENT[routingKey];
  if (fulfilment) {
    const system = text(raw.system) ?? fulfilment.system;
    const moved = routingKey === "order.rescheduled" && text(raw.sku) ? `${text(raw.sku)}@${text(raw.warehouse) ?? ""}` : undefined;
    const document = text(raw.document) ?? text(raw.payment) ?? text(raw.approvalId) ?? moved ?? id.orderKey;
    const detail: EntryDetail = {};
    const lines = linesOf(raw.lines);
    if (lines && (fulfilment.milestone === "shipped" || fulfilment.milestone === "invoiced")) detail.quantities = lines;
    else if (lines) detail.lines = lines;
    if (reasonsOf(raw)) detail.reasons = reasonsOf(raw);
    if (raw.amount !== undefined) detail.amount = raw.amount;
    // a rush order took this order's supply: its delivery moves to a later date
    if (moved && text(raw.to)) detail.confirmations = [{ sku: text(raw.sku), quantity: Number(raw.quantity) || 0, date: text(raw.to)!.slice(0, 10) }];
    return [entry(fulfilment.milestone, system, document, detail)];
  }

  // a decision: order.released / held / rejected / needs-approval, or order.cancellation-confirmed
  const decisions = Array.isArray(raw.decisions) ? (raw.decisions as Body[]) : [];
  const outcome = text(raw.outcome) ?? (routingKey === "order.rejected" ? "rejected" : routingKey === "order.cancellation-confirmed" ? "cancelled" : undefined);
  const approval = (typeof raw.approval === "object" && raw.approval !== null ? raw.approval : undefined) as Body | undefined;
  const release = (typeof raw.release === "object" && raw.release !== null ? raw.release : undefined) as Body | undefined;
  const system = text(raw.system) ?? (approval ? "oa" : "hub");
  const entries: TimelineEntry[] = [];
  const decidedOn = text(raw.at);
  // an approval's or a release's event repeats the decisions made before: only the order's new outcome is news
  if (!approval && !release) {
    for (const d of decisions) {
      const milestone = RULE_MILESTONES[String(d.rule)];
      if (milestone) entries.push(entry(milestone, "hub", id.orderKey, { outcome: text(d.outcome), ...(decidedOn ? { decidedOn } : {}) }));
    }
  }
  const milestone = OUTCOME_MILESTONES[outcome ?? ""];
  if (!milestone) throw new NotAnOrderEvent(`for ${id.orderKey} has outcome ${JSON.stringify(raw.outcome)}, which is none the timeline knows`);
  const confirmations = Array.isArray(raw.confirmations)
    ? (raw.confirmations as Body[]).filter((c) => text(c.date)).map((c) => ({ lineNumber: text(c.lineNumber), sku: text(c.sku), quantity: Number(c.quantity) || 0, date: text(c.date)!.slice(0, 10) }))
    : undefined;
  const by = text(approval?.decidedBy) ?? text(release?.by) ?? text(raw.rejectedBy);
  const reasons = reasonsOf(raw) ?? (text(raw.reason) ? [text(raw.reason)!] : undefined);
  entries.push(
    entry(milestone, system, id.orderKey, {
      outcome: outcome === "released" ? "ok" : outcome,
      ...orderDetail(order),
      ...(confirmations ? { confirmations } : {}),
      ...(reasons ? { reasons } : {}),
      ...(by ? { by } : {}),
      ...(decidedOn ? { decidedOn } : {}),
      // the intake's rejection of a document comes without decisions: it decides nothing about an order decided already
      ...(decisions.length === 0 && routingKey === "order.rejected" && !approval ? { purpose: "document" } : {}),
    }),
  );
  return entries;
}

/** Whether an entry is the same milestone as one recorded already (the same message, or the same event and document). */
export function isRepeatOf(entry: Pick<TimelineEntry, "milestone" | "event" | "document" | "messageId">, recorded: readonly Pick<TimelineEntry, "milestone" | "event" | "document" | "messageId">[]): boolean {
  return recorded.some((r) => r.milestone === entry.milestone && (r.messageId === entry.messageId || (r.event === entry.event && r.document === entry.document)));
}
