/**
 * Where an order stands, from its timeline (timeline.ts): its state (the furthest milestone reached, never going back,
 * or what stopped it), what is still open per line, the documents of each system, and whether it is late. Pure: the
 * day to judge lateness on is an argument.
 */
import { FORWARD_MILESTONES, rankOf, type ForwardMilestone, type TimelineEntry, type TimelineLine } from "./timeline";

export interface ProgressLine {
  lineNumber: string;
  sku: string;
  ordered: number;
  shipped: number;
  invoiced: number;
  /** Ordered less shipped, never below zero; nothing is open on a cancelled order. */
  open: number;
}

export interface OrderDocuments {
  erpOrder: string | null;
  deliveryNotes: string[];
  shipments: string[];
  invoices: string[];
  payments: string[];
}

export interface OrderProgress {
  orderRef: string;
  /** The key of the latest revision the timeline knows. */
  orderKey: string;
  orderNumber: string;
  buyer: string;
  revision: number | null;
  state: string;
  /** The latest date ATP confirmed (order.released), moved by a rush order's rescheduling; null before a release. */
  promisedDate: string | null;
  /** Delivered (or further): a delivered order is never late. */
  delivered: boolean;
  lines: ProgressLine[];
  documents: OrderDocuments;
}

/** Decision outcomes that can stop an order before fulfilment, weighed within one revision: the later step wins. */
const STATUS_WEIGHT: Readonly<Record<string, number>> = { held: 1, "needs-approval": 2, approved: 3, rejected: 3 };

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Entries in time order (an equal time keeps the order they were recorded in). */
export function inTimeOrder<T extends Pick<TimelineEntry, "at">>(entries: readonly T[]): T[] {
  return entries.map((e, i) => ({ e, i })).sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i)).map(({ e }) => e);
}

/** A milestone counts towards the state unless its rule said other than ok (a hold, a rejection, an approval asked). */
const counts = (e: TimelineEntry) => rankOf(e.milestone) >= 0 && (e.detail?.outcome === undefined || e.detail.outcome === "ok");

/** The decision that stands: the latest revision's, and within it the later step (held → released, needs-approval → rejected). */
function standingDecision(entries: readonly TimelineEntry[]): TimelineEntry | undefined {
  let best: TimelineEntry | undefined;
  let bestKey: [number, number, string] = [-Infinity, -Infinity, ""];
  for (const e of entries) {
    const weight = STATUS_WEIGHT[e.milestone];
    if (weight === undefined || e.detail?.purpose === "document") continue;
    const key: [number, number, string] = [e.revision ?? 0, weight, e.at];
    if (key[0] > bestKey[0] || (key[0] === bestKey[0] && (key[1] > bestKey[1] || (key[1] === bestKey[1] && key[2] >= bestKey[2])))) {
      best = e;
      bestKey = key;
    }
  }
  return best;
}

/** The order's state: cancelled; else what stopped it before ERP booked it (held, needs-approval, rejected); else the furthest milestone. */
export function stateOf(entries: readonly TimelineEntry[]): string {
  if (entries.some((e) => e.milestone === "cancelled")) return "cancelled";
  const furthest = Math.max(-1, ...entries.filter(counts).map((e) => rankOf(e.milestone)));
  const decision = standingDecision(entries);
  if (furthest < rankOf("booked")) {
    if (decision && decision.milestone !== "approved") return decision.milestone;
    // a document the intake refused, for an order nothing else is known of
    if (furthest < 0 && entries.some((e) => e.milestone === "rejected")) return "rejected";
  }
  if (furthest >= rankOf("approved") && furthest < rankOf("shipped") && entries.some((e) => e.milestone === "shipment-held")) {
    const heldAt = Math.max(...entries.filter((e) => e.milestone === "shipment-held").map((e) => Date.parse(e.at) || 0));
    const movedOn = entries.some((e) => counts(e) && rankOf(e.milestone) > rankOf("delivery-note-sent") && (Date.parse(e.at) || 0) > heldAt);
    if (!movedOn) return "shipment-held";
  }
  return furthest < 0 ? "received" : FORWARD_MILESTONES[furthest];
}

/** Adds quantities to the order's lines: by line number, else to the first line of the SKU with something left. */
function addQuantities(lines: ProgressLine[], given: readonly TimelineLine[], field: "shipped" | "invoiced"): void {
  for (const q of given) {
    let line = q.lineNumber !== undefined ? lines.find((l) => l.lineNumber === q.lineNumber) : undefined;
    if (!line && q.sku !== undefined) {
      const ofSku = lines.filter((l) => l.sku === q.sku);
      line = ofSku.find((l) => l.ordered - l[field] > 0) ?? ofSku[0];
    }
    if (!line) {
      line = { lineNumber: q.lineNumber ?? `?${lines.length + 1}`, sku: q.sku ?? "", ordered: 0, shipped: 0, invoiced: 0, open: 0 };
      lines.push(line);
    }
    line[field] = round(line[field] + q.quantity);
  }
}

/** Milestones whose lines are what moved (a delivery note, a pick), not what was ordered. */
const MOVEMENTS: ReadonlySet<string> = new Set(["booked", "delivery-note-sent", "shipment-held", "picked", "shipped", "shipment-booked", "dispatched", "in-transit", "delivered", "invoiced", "ar-posted", "paid", "closed"]);

/** The lines of the latest revision that names them (a cancellation may carry none). */
function orderedLines(entries: readonly TimelineEntry[]): TimelineLine[] {
  let best: { revision: number; lines: TimelineLine[] } | undefined;
  for (const e of entries) {
    const lines = e.detail?.lines;
    if (!lines || e.detail?.purpose === "cancel" || MOVEMENTS.has(e.milestone)) continue;
    const revision = e.revision ?? 0;
    if (!best || revision >= best.revision) best = { revision, lines };
  }
  return best?.lines ?? [];
}

/** The latest date ATP confirmed in the latest release, or a later one a rescheduling moved it to. */
function promisedDateOf(entries: readonly TimelineEntry[]): string | null {
  const releases = entries.filter((e) => e.milestone === "approved" && e.detail?.confirmations?.length);
  if (releases.length === 0) return null;
  const top = Math.max(...releases.map((e) => e.revision ?? 0));
  const dates = releases.filter((e) => (e.revision ?? 0) === top).flatMap((e) => e.detail!.confirmations!.map((c) => c.date));
  dates.push(...entries.filter((e) => e.milestone === "rescheduled").flatMap((e) => (e.detail?.confirmations ?? []).map((c) => c.date)));
  return dates.reduce((a, b) => (b > a ? b : a));
}

const documentsOf = (entries: readonly TimelineEntry[], ...milestones: ForwardMilestone[]) => [...new Set(inTimeOrder(entries.filter((e) => (milestones as string[]).includes(e.milestone))).map((e) => e.document))];

/** An order's progress from its entries (all of one order: one buyer and number). Undefined for no entries. */
export function orderProgress(entries: readonly TimelineEntry[]): OrderProgress | undefined {
  if (entries.length === 0) return undefined;
  const latest = entries.reduce((a, b) => ((b.revision ?? 0) >= (a.revision ?? 0) ? b : a));
  const state = stateOf(entries);
  const lines: ProgressLine[] = orderedLines(entries).map((l, i) => ({ lineNumber: l.lineNumber ?? String(i + 1), sku: l.sku ?? "", ordered: l.quantity, shipped: 0, invoiced: 0, open: 0 }));
  for (const e of entries) {
    if (e.milestone === "shipped") addQuantities(lines, e.detail?.quantities ?? [], "shipped");
    if (e.milestone === "invoiced") addQuantities(lines, e.detail?.quantities ?? [], "invoiced");
  }
  for (const l of lines) l.open = state === "cancelled" ? 0 : Math.max(0, round(l.ordered - l.shipped));
  const furthest = Math.max(-1, ...entries.filter(counts).map((e) => rankOf(e.milestone)));
  const erp = documentsOf(entries, "booked");
  return {
    orderRef: latest.orderRef,
    orderKey: latest.orderKey,
    orderNumber: latest.orderNumber,
    buyer: latest.buyer,
    revision: latest.revision,
    state,
    promisedDate: promisedDateOf(entries),
    delivered: furthest >= rankOf("delivered"),
    lines,
    documents: {
      erpOrder: erp.at(-1) ?? null,
      deliveryNotes: documentsOf(entries, "delivery-note-sent"),
      shipments: documentsOf(entries, "shipment-booked", "dispatched", "in-transit", "delivered"),
      invoices: documentsOf(entries, "invoiced"),
      payments: documentsOf(entries, "paid"),
    },
  };
}

/** States in which an order is never late: it goes nowhere any more. */
export const NEVER_LATE: readonly string[] = ["cancelled", "rejected", "closed"];

/** Late: the promised date has passed (`asOf`, a YYYY-MM-DD day) and the order is not delivered, cancelled, rejected or closed. */
export function isLate(progress: Pick<OrderProgress, "promisedDate" | "delivered" | "state">, asOf: string): boolean {
  return progress.promisedDate !== null && progress.promisedDate < asOf.slice(0, 10) && !progress.delivered && !NEVER_LATE.includes(progress.state);
}
