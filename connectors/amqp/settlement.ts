import type { BrokerConnection } from "./connection";
import { partOf, type Delivery, type Split } from "./deliveries";
import { bodyMessageId } from "./message-id";
import { DEAD_LETTER_EXCHANGE } from "./topology";
import { childOf, deadLettersTotal, messageDuration } from "../../observability/metrics";
import { logger } from "../../observability/logger";

export type SettleResult = "acked" | "dead-lettered" | "stale";

export interface DeadLetterReason {
  /** What went wrong, in words an operator can act on. */
  error: string;
  /** The node that failed (name or type). */
  node: string;
  /** The flow (tab) it sits in, when known. */
  flow?: string;
}

/** Headers a dead letter carries besides the original ones. */
export const DEAD_LETTER_HEADERS = {
  error: "x-orderhub-error",
  node: "x-orderhub-node",
  failedAt: "x-orderhub-failed-at",
  queue: "x-orderhub-queue",
  flow: "x-orderhub-flow",
  /** How many times its queue had delivered it when it failed (1: the first delivery); more points at crashes. */
  deliveries: "x-orderhub-deliveries",
} as const;

/** The failure headers of a dead letter; `queue` is where a replay sends it back, when there is one. */
export function deadLetterHeaders(reason: DeadLetterReason, queue?: string): Record<string, unknown> {
  const headers: Record<string, unknown> = {
    [DEAD_LETTER_HEADERS.error]: reason.error,
    [DEAD_LETTER_HEADERS.node]: reason.node,
    [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
  };
  if (queue) headers[DEAD_LETTER_HEADERS.queue] = queue;
  if (reason.flow) headers[DEAD_LETTER_HEADERS.flow] = reason.flow;
  return headers;
}

const duration = childOf(messageDuration, ["queue", "outcome"]);

function observe(d: Delivery, outcome: "ack" | "dead-letter"): void {
  duration(d.queue, outcome).observe((Date.now() - d.takenAt) / 1000);
}

export function settleAck(broker: BrokerConnection, key: string): SettleResult {
  if (partOf(key)) return settlePart(broker, key);
  const d = broker.deliveries.take(key);
  if (!d) return "stale";
  d.acks.ack(d.message);
  observe(d, "ack");
  return "acked";
}

/**
 * Publishes the original body, properties and headers plus the reason to orderhub.dlx, mandatory and confirmed, then
 * acks the original: only once a queue holds the dead letter. While none can (orderhub.dlq deleted and not declarable),
 * the original stays unacknowledged on its queue and the broker connection keeps trying (`keepDeadLetter`); should its
 * channel close meanwhile, the broker delivers it again, and that attempt settles it.
 */
export async function settleDeadLetter(
  broker: BrokerConnection,
  key: string,
  reason: DeadLetterReason,
): Promise<SettleResult> {
  if (partOf(key)) return settlePart(broker, key, reason);
  const d = broker.deliveries.take(key);
  if (!d) return "stale";
  d.acks.hold(d.message);
  const props = d.message.properties;
  const headers = { ...(props.headers ?? {}), ...deadLetterHeaders(reason, d.queue) };
  // A quorum queue counts earlier deliveries in x-delivery-count; in the DLQ that header counts the DLQ's own.
  headers[DEAD_LETTER_HEADERS.deliveries] = Number(props.headers?.["x-delivery-count"] ?? 0) + 1;
  let kept = false;
  try {
    kept = await broker.keepDeadLetter(
      d.queue,
      d.message.content,
      {
        messageId: props.messageId ?? bodyMessageId(d.message.content),
        correlationId: props.correlationId,
        contentType: props.contentType,
        contentEncoding: props.contentEncoding,
        timestamp: props.timestamp,
        type: props.type,
        appId: props.appId,
        headers,
      },
      () => broker.deliveries.channelOpen(d.channelSeq),
    );
  } catch (err) {
    logger.error({ queue: d.queue, messageId: props.messageId }, `amqp: dead-lettering failed; the original goes back to its queue: ${String(err)}`);
  }
  if (!kept) {
    // Not kept: the original goes back to its queue (its channel closes or has closed), never acknowledged.
    d.acks.release(d.message);
    requeue(d);
    return "stale";
  }
  // Should the channel die before this ack goes out, the broker redelivers the original, which then fails the same
  // way and is dead-lettered again: a repeated dead letter, never a lost one.
  d.acks.ack(d.message);
  deadLettersTotal.inc({ queue: d.queue, node: reason.node });
  observe(d, "dead-letter");
  logger.warn({ queue: d.queue, messageId: props.messageId, node: reason.node }, `dead-lettered: ${reason.error}`);
  return "dead-lettered";
}

/** Gives a delivery back to its queue while its channel is open (no-op when it has closed: the broker requeued it). */
function requeue(d: Delivery): void {
  try {
    d.channel.nack(d.message, false, true);
  } catch {
    /* the channel closed: the broker requeued it */
  }
}

/**
 * One part of a split delivery (one order of a document that held several) is done. The last part settles the
 * delivery: an ack when every part went through, else one dead letter of the whole document whose reason lists the
 * parts that failed. A replay of it sends every part again: those that went through before are repeats by then.
 */
function settlePart(broker: BrokerConnection, key: string, failure?: DeadLetterReason): SettleResult {
  const settled = broker.deliveries.settlePart(key, failure && { error: failure.error, node: failure.node, flow: failure.flow });
  if (settled === undefined) return "stale";
  if (settled !== "open") {
    const { parent, split } = settled;
    if (split.failures.length === 0) settleAck(broker, parent);
    else void settleDeadLetter(broker, parent, splitFailureReason(split));
  }
  return failure ? "dead-lettered" : "acked";
}

/** Failed parts a dead letter's reason names one by one; a header has to fit in one AMQP frame (128 KB). */
const NAMED_FAILURES = 20;

export function splitFailureReason(split: Split): DeadLetterReason {
  const failures = [...split.failures].sort((a, b) => a.part - b.part);
  const passed = split.count - failures.length;
  const others = passed === 0 ? "" : ` (the other ${passed} of ${split.count} went through)`;
  const named = failures.slice(0, NAMED_FAILURES).map((f) => f.error);
  if (failures.length > NAMED_FAILURES) named.push(`and ${failures.length - NAMED_FAILURES} more`);
  const error = failures.length === 1 ? failures[0].error : `${failures.length} of ${split.count} failed: ${named.join("; ")}`;
  return { error: `${error}${others}`, node: [...new Set(failures.map((f) => f.node))].join(", "), flow: failures[0].flow };
}
