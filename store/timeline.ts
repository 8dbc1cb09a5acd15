/**
 * Recording an event in the order timeline: its milestones (domain/order/timeline.ts) less those recorded before (the
 * same message id, or the same event and document: a repeated webhook, a redelivery), and the order's new summary
 * (domain/order/timeline-progress.ts), in one transaction. The summary is computed over every entry of the order and
 * written only if no other event of the order was recorded in between (compare-and-set on the entry count); else it is
 * read and computed again.
 */
import { NotAnOrderEvent, TIMELINE_EVENTS, isRepeatOf, timelineEntries, type TimelineEntry, type TimelineEvent } from "../domain/order/timeline";
import { orderProgress, type OrderProgress } from "../domain/order/timeline-progress";
import type { TimelineStore } from "./timeline-types";

export type RecordOutcome =
  /** New milestones written. */
  | { outcome: "recorded"; orderRef: string; milestones: string[]; state: string }
  /** Every milestone of the event was recorded before: nothing changed. */
  | { outcome: "repeat"; orderRef: string; milestones: string[] }
  /** Not about one order (a master data change, a payment on account): nothing to record. */
  | { outcome: "skipped"; why: string };

/**
 * Order events that may rightly name no order: a payment on a customer's account, the rejection of a document that
 * could not be read, an approval's announcements (the decision events carry the order).
 */
const MAY_NAME_NO_ORDER = ["payment.received", "order.rejected", "approval.requested", "approval.escalated"];

/** Tries before giving up when other events of the same order keep coming in between. */
const ATTEMPTS = 20;

/**
 * The milestones of an event. A payment that names only its invoice belongs to the order the invoice was recorded
 * for; one that names neither is a payment on the customer's account, no order's milestone.
 */
async function entriesOf(store: TimelineStore, event: TimelineEvent): Promise<TimelineEntry[]> {
  try {
    return timelineEntries(event);
  } catch (err) {
    const body = event.body as Record<string, unknown> | null;
    const invoice = body && typeof body === "object" && typeof body.invoice === "string" ? body.invoice : undefined;
    if (!(err instanceof NotAnOrderEvent) || event.routingKey !== "payment.received" || !invoice) throw err;
    const ref = await store.orderOfDocument("invoiced", invoice);
    if (!ref) throw new NotAnOrderEvent(`payment.received names invoice ${invoice}, which no order's timeline has`);
    const read = await store.read(ref);
    const latest = read.progress?.orderKey ?? read.entries.at(-1)?.orderKey;
    return timelineEntries({ ...event, body: { ...body, orderKey: latest } });
  }
}

/** Per store, the last write queued for each order: the events of one order take turns in the process. */
const turns = new WeakMap<TimelineStore, Map<string, Promise<unknown>>>();

function inTurn<T>(store: TimelineStore, orderRef: string, work: () => Promise<T>): Promise<T> {
  let queue = turns.get(store);
  if (!queue) turns.set(store, (queue = new Map()));
  const result = (queue.get(orderRef) ?? Promise.resolve()).then(work, work);
  const last = result.catch(() => undefined);
  queue.set(orderRef, last);
  void last.then(() => {
    if (queue.get(orderRef) === last) queue.delete(orderRef);
  });
  return result;
}

/**
 * Records one event; `now` is when the hub took it (epoch ms). The events of one order take turns in the process;
 * another process's write in between is what the compare-and-set catches.
 */
export async function recordTimelineEvent(store: TimelineStore, event: Omit<TimelineEvent, "receivedAt">, now: number): Promise<RecordOutcome> {
  let entries: TimelineEntry[];
  try {
    entries = await entriesOf(store, { ...event, receivedAt: new Date(now).toISOString() });
  } catch (err) {
    if (!(err instanceof NotAnOrderEvent)) throw err;
    // an order's event that names no order is a sender's mistake, for the dead-letter queue: not a milestone to lose
    if (TIMELINE_EVENTS.includes(event.routingKey) && !MAY_NAME_NO_ORDER.includes(event.routingKey)) {
      throw new Error(`order timeline: ${event.routingKey} (message ${event.messageId}) ${err.message}`);
    }
    return { outcome: "skipped", why: err.message };
  }
  return inTurn(store, entries[0].orderRef, () => writeEntries(store, event, entries, now));
}

async function writeEntries(store: TimelineStore, event: Omit<TimelineEvent, "receivedAt">, entries: TimelineEntry[], now: number): Promise<RecordOutcome> {
  const orderRef = entries[0].orderRef;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const read = await store.read(orderRef);
    const fresh = entries.filter((e) => !isRepeatOf(e, read.entries));
    if (fresh.length === 0) return { outcome: "repeat", orderRef, milestones: entries.map((e) => e.milestone) };
    const progress = orderProgress([...read.entries, ...fresh]) as OrderProgress;
    const written = await store.write({ orderRef, entries: fresh, progress, expectVersion: read.progress?.version ?? 0, now });
    if (written.outcome === "recorded") return { outcome: "recorded", orderRef, milestones: fresh.map((e) => e.milestone), state: progress.state };
  }
  throw new Error(`order timeline: ${orderRef}: ${event.routingKey} (message ${event.messageId}) could not be recorded: other events of the order kept coming in between ${ATTEMPTS} times`);
}
