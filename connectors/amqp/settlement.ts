import type { BrokerConnection } from "./connection";
import type { Delivery } from "./deliveries";
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
  const d = broker.deliveries.take(key);
  if (!d) return "stale";
  d.acks.ack(d.message);
  observe(d, "ack");
  return "acked";
}

/**
 * Publishes the original body, properties and headers plus the reason to orderhub.dlx (confirmed), then acks the
 * original. If the dead letter cannot be published, the original is rejected without requeue so the queue's own
 * dead-letter exchange still keeps it, without our reason headers but not lost.
 */
/** Reject without requeue: the queue's own dead-letter exchange keeps it, without our reason headers but not lost. */
function reject(d: Delivery): SettleResult {
  d.acks.release(d.message);
  try {
    d.channel.nack(d.message, false, false);
  } catch {
    return "stale";
  }
  deadLettersTotal.inc({ queue: d.queue, node: "broker" });
  observe(d, "dead-letter");
  return "dead-lettered";
}

export async function settleDeadLetter(
  broker: BrokerConnection,
  key: string,
  reason: DeadLetterReason,
): Promise<SettleResult> {
  const d = broker.deliveries.take(key);
  if (!d) return "stale";
  d.acks.hold(d.message);
  const props = d.message.properties;
  const headers = { ...(props.headers ?? {}), ...deadLetterHeaders(reason, d.queue) };
  try {
    await broker.publish(DEAD_LETTER_EXCHANGE, d.queue, d.message.content, {
      messageId: props.messageId ?? bodyMessageId(d.message.content),
      correlationId: props.correlationId,
      contentType: props.contentType,
      contentEncoding: props.contentEncoding,
      timestamp: props.timestamp,
      type: props.type,
      appId: props.appId,
      headers,
    });
  } catch (err) {
    logger.error({ queue: d.queue, messageId: props.messageId }, `amqp: dead-lettering failed, rejecting instead: ${String(err)}`);
    return reject(d);
  }
  // Should the channel die before this ack goes out, the broker redelivers the original, which then fails the same
  // way and is dead-lettered again: a repeated dead letter, never a lost one.
  d.acks.ack(d.message);
  deadLettersTotal.inc({ queue: d.queue, node: reason.node });
  observe(d, "dead-letter");
  logger.warn({ queue: d.queue, messageId: props.messageId, node: reason.node }, `dead-lettered: ${reason.error}`);
  return "dead-lettered";
}
