import type { BrokerConnection } from "../connectors/amqp";
import { backoffDelay } from "../connectors/amqp/backoff";
import { EVENTS_EXCHANGE } from "../connectors/amqp/topology";
import { DEADLINE_DECIDER, durationWords, escalatedEvent, rejectedEvent, releasedEvent, rescheduledEvents, type ConfirmedQuantity, type Verdict } from "../domain/order/approval";
import type { PushedBack } from "../domain/order/decision";
import { approvals as approvalsGauge } from "../observability/metrics";
import { logger } from "../observability/logger";
import type { ApprovalRow } from "../store/approval-store";
import { approvalMessageId, contextOf, decisionEventOf, factsOf, getApprovals, requestOf, rescheduledMessageId, type ApprovalBook, type ApprovalEvent } from "../store/approvals";

/** Publishes one event on orderhub.events and resolves once the broker confirmed it. */
export type PublishEvent = (routingKey: ApprovalEvent, body: unknown, ids: { messageId: string; correlationId: string }) => Promise<void>;

/**
 * Records a decision's event before it is published (the order's history, an approved order's reservations): called
 * again with the same message id after a crash, so it must record nothing twice, and answer then what it recorded the
 * first time. A failure holds the event back until the next look. It may answer with what it recorded, and the events
 * say that: the approved order's promise (`confirmations`, in `order.released`), the reservations it moved for a rush
 * order (`rescheduled`: one `order.rescheduled` each, in place of the proposal's), and why the promise changed (`reasons`).
 */
export type RecordDecision = (
  event: ReturnType<typeof releasedEvent> | ReturnType<typeof rejectedEvent>,
  messageId: string,
) => Promise<void | { confirmations?: ConfirmedQuantity[]; rescheduled?: PushedBack[]; reasons?: string[] }>;

/** The desk looks at the store at least this often (another hub process may have approvals due). */
const IDLE_LOOK_MS = 30_000;
/** After a failed publish or store call, it tries again after a backoff from this up to IDLE_LOOK_MS. */
const RETRY_INITIAL_MS = 500;

export type DecideOutcome =
  | { kind: "unknown" }
  | { kind: "conflict"; row: ApprovalRow }
  /** Recorded; `published` once the decision's event was confirmed (else it goes out at the desk's next look). */
  | { kind: "decided"; row: ApprovalRow; published: boolean; error?: string };

/**
 * The hub's approval desk: what happens to an approval after the approval-request node opened it. It works from the
 * store alone, so a restart resumes it: escalates a pending approval past its first deadline (`approval.escalated`),
 * rejects an escalated one past its second (`order.rejected`), publishes a person's decision (`order.released` or
 * `order.rejected`), and at every look publishes what a crash left owed. Each event has the message id of its approval
 * (`<event>:<approval id>`) and is marked in the store once confirmed: published once, and after a crash between the
 * confirm and the mark, again under the same id. The desk runs in the hub process on the hub's own broker connection,
 * whatever flows are deployed.
 */
export class ApprovalDesk {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private failures = 0;
  private readonly publishing = new Map<string, Promise<void>>();
  private unlisten: (() => void) | undefined;

  constructor(
    readonly book: ApprovalBook,
    private readonly publish: PublishEvent,
    private readonly clock: () => number = Date.now,
    private readonly record?: RecordDecision,
  ) {}

  start(): void {
    this.unlisten = this.book.onChange(() => this.look(0));
    this.look(0);
  }

  /** No more looks; waits for the one under way and for the publishes in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unlisten?.();
    await this.sweeping;
    await Promise.allSettled([...this.publishing.values()]);
  }

  /** A person's decision: recorded by compare-and-set, then its event published (and awaited). */
  async decide(id: string, verdict: Verdict, by: string, comment: string | null): Promise<DecideOutcome> {
    const { decided, row } = await this.book.decide(id, verdict, by, comment, this.clock());
    if (!row) return { kind: "unknown" };
    if (!decided) return { kind: "conflict", row };
    try {
      await this.publishOwed(row);
      return { kind: "decided", row: (await this.book.get(id)) ?? row, published: true };
    } catch (err) {
      this.look(RETRY_INITIAL_MS);
      return { kind: "decided", row, published: false, error: (err as Error).message };
    }
  }

  /** A look at the store in `ms` (sooner looks win; one under way is followed by another). */
  private look(ms: number): void {
    if (this.stopped) return;
    if (this.sweeping) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.sweep(), Math.max(0, ms));
    this.timer.unref();
  }

  private sweep(): void {
    this.timer = undefined;
    this.again = false;
    this.sweeping = this.work().then(
      (next) => {
        this.failures = 0;
        return next;
      },
      (err: Error) => {
        this.failures++;
        if (this.failures === 1 || this.failures % 20 === 0) logger.warn({ err: err.message, failures: this.failures }, `approvals: ${err.message}; trying again`);
        return this.clock() + backoffDelay(this.failures - 1, RETRY_INITIAL_MS, IDLE_LOOK_MS);
      },
    ).then((next) => {
      this.sweeping = undefined;
      const wait = this.again ? 0 : Math.min(IDLE_LOOK_MS, Math.max(0, next - this.clock()));
      this.look(wait);
    });
  }

  /** One look: the deadlines that passed, then every event owed. Resolves with when to look next. */
  private async work(): Promise<number> {
    const now = this.clock();
    const due = await this.book.due(now);
    let changed = false;
    for (const id of due.escalate) changed = (await this.book.escalate(id, now)) !== undefined || changed;
    for (const id of due.expire) {
      const row = await this.book.get(id);
      if (row) changed = (await this.book.expire(id, now, DEADLINE_DECIDER, deadlineReason(row))) !== undefined || changed;
    }
    const owed = changed ? (await this.book.due(now)).unpublished : due.unpublished;
    let failed: Error | undefined;
    for (const row of owed) {
      if (this.stopped) break;
      await this.publishOwed(row).catch((err: Error) => (failed ??= err));
    }
    await this.showCounts();
    if (failed) throw new Error(`an approval event could not be published: ${failed.message}`);
    const next = changed ? (await this.book.due(now)).next : due.next;
    return next ?? now + IDLE_LOOK_MS;
  }

  /** The escalation's event and then the decision's, whichever the row still owes. */
  private async publishOwed(row: ApprovalRow): Promise<void> {
    if (row.escalatedAt !== null && row.escalationPublishedAt === null) await this.once(row, "approval.escalated");
    if ((row.state === "approved" || row.state === "rejected") && row.publishedAt === null) await this.once(row, decisionEventOf(row));
  }

  /** One publish of an event at a time in this process (a decision and a look may both find it owed). */
  private once(row: ApprovalRow, event: ApprovalEvent): Promise<void> {
    const key = approvalMessageId(event, row.id);
    let running = this.publishing.get(key);
    if (!running) {
      running = this.send(row, event).finally(() => this.publishing.delete(key));
      this.publishing.set(key, running);
    }
    return running;
  }

  private async send(row: ApprovalRow, event: ApprovalEvent): Promise<void> {
    // the row as it is now: a look and a decision may both have found it owed, and only one must publish
    const current = (await this.book.get(row.id)) ?? row;
    const mark = event === "approval.escalated" ? "escalation-published" : "published";
    if ((mark === "published" ? current.publishedAt : current.escalationPublishedAt) !== null) return;
    const facts = factsOf(current);
    const context = contextOf(current);
    const request = requestOf(current);
    let body: object =
      event === "approval.escalated"
        ? escalatedEvent(facts, context, request, new Date(current.rejectAt ?? this.clock()).toISOString())
        : event === "order.released"
          ? releasedEvent(facts, context, request)
          : rejectedEvent(facts, context, request, current.escalateAfterMs + current.rejectAfterMs);
    const messageId = approvalMessageId(event, current.id);
    const recorded = this.record && event !== "approval.escalated" ? await this.record(body as Parameters<RecordDecision>[0], messageId) : undefined;
    if (event === "order.released" && recorded?.confirmations) {
      const released = body as ReturnType<typeof releasedEvent>;
      body = { ...released, confirmations: recorded.confirmations, reasons: [...(recorded.reasons ?? []), ...released.reasons] };
    }
    await this.publish(event, body, { messageId, correlationId: current.correlationId });
    // an approved rush order's pushed-back orders: owed under the same mark as the release, each under its own id
    if (event === "order.released") {
      for (const moved of rescheduledEvents(facts, context, request, recorded ? recorded.rescheduled : undefined)) {
        await this.publish("order.rescheduled", moved, { messageId: rescheduledMessageId(current.id, moved), correlationId: current.correlationId });
      }
    }
    await this.book.mark(current.id, mark, this.clock());
    logger.info({ approval: current.id, orderKey: current.orderKey, event }, `approval ${current.id} (${current.orderKey}): ${event} published`);
  }

  private async showCounts(): Promise<void> {
    const counts = await this.book.counts();
    for (const [state, n] of Object.entries(counts.byState)) approvalsGauge.set({ state }, n);
    approvalsGauge.set({ state: "unsent" }, counts.unsent);
    approvalsGauge.set({ state: "events_owed" }, counts.eventsOwed);
  }
}

/** Why the hub rejected an approval nobody decided: the whole wait, and who it was escalated to. */
function deadlineReason(row: ApprovalRow): string {
  return `no approval within ${durationWords(row.escalateAfterMs + row.rejectAfterMs)}${row.escalateTo ? ` (escalated to ${row.escalateTo} after ${durationWords(row.escalateAfterMs)})` : ""}`;
}

let running: ApprovalDesk | undefined;

/** Publishes on `orderhub.events` through the hub's own connection, with confirms, as the REST API does. */
export function publishOn(broker: BrokerConnection): PublishEvent {
  return (routingKey, body, ids) =>
    broker.publish(EVENTS_EXCHANGE, routingKey, Buffer.from(JSON.stringify(body), "utf8"), {
      ...ids,
      contentType: "application/json",
      timestamp: Math.floor(Date.now() / 1000),
      appId: "orderhub",
      type: routingKey,
    });
}

/** Starts the process's approval desk on the hub's own broker connection (the hub does, as it starts). */
export function startApprovalDesk(broker: BrokerConnection, options: { book?: ApprovalBook; record?: RecordDecision } = {}): ApprovalDesk {
  running = new ApprovalDesk(options.book ?? getApprovals(), publishOn(broker), Date.now, options.record);
  running.start();
  return running;
}

export async function stopApprovalDesk(): Promise<void> {
  const desk = running;
  running = undefined;
  await desk?.stop();
}

/** The desk the REST API hands decisions to; undefined while the hub is not running one. */
export function runningApprovalDesk(): ApprovalDesk | undefined {
  return running;
}
