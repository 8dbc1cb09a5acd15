import { getBroker, type BrokerConnection, type DeadLetterReason, type DeliveryState, type SettleResult } from "../../connectors/amqp";
import type { HubMessage } from "./types";

function brokerOf(key: string): BrokerConnection | undefined {
  return getBroker<BrokerConnection>(key.slice(0, key.indexOf(":")));
}

/** Acknowledge the delivery a message came from. A message that did not come from AMQP has nothing to settle. */
export function ackMessage(msg: HubMessage): SettleResult | "none" {
  if (!msg._delivery) return "none";
  return brokerOf(msg._delivery)?.ack(msg._delivery) ?? "stale";
}

/**
 * The message goes on as `count` messages (one per order of its document): the settlement keys for them, each
 * settled on its own; the delivery is acked or dead-lettered once all are. Undefined when it did not come from a queue.
 */
export function splitDelivery(msg: HubMessage, count: number): string[] | undefined {
  if (!msg._delivery) return undefined;
  const broker = brokerOf(msg._delivery);
  return broker ? broker.deliveries.split(msg._delivery, count, Date.now() + broker.settleDeadlineMs) : Array.from({ length: count }, () => msg._delivery!);
}

/**
 * The message is still being worked on (a large document being mapped): its delivery gets the broker node's settle
 * deadline again from now. A message that did not come from a queue has no deadline.
 */
export function stillWorking(msg: HubMessage): void {
  if (!msg._delivery) return;
  const broker = brokerOf(msg._delivery);
  broker?.deliveries.extend(msg._delivery, Date.now() + broker.settleDeadlineMs);
}

/**
 * The message waits for something that is not its fault (its turn on the mapping thread): its delivery's deadline
 * stands still until `stillWorking` starts it again.
 */
export function waitingTurn(msg: HubMessage): void {
  if (!msg._delivery) return;
  brokerOf(msg._delivery)?.deliveries.pauseDeadline(msg._delivery);
}

export async function deadLetterMessage(msg: HubMessage, reason: DeadLetterReason): Promise<SettleResult | "none"> {
  if (!msg._delivery) return "none";
  return (await brokerOf(msg._delivery)?.deadLetter(msg._delivery, reason)) ?? "stale";
}

/**
 * Where the message's delivery stands: "live" (unsettled), "settled" (another branch of a fan-out acknowledged it,
 * the broker will not send it again) or "gone" (its channel closed: the broker sends it again). "none" when the
 * message did not come from a queue.
 */
export function deliveryState(msg: HubMessage): DeliveryState | "none" {
  if (!msg._delivery) return "none";
  return brokerOf(msg._delivery)?.deliveries.state(msg._delivery) ?? "gone";
}

/** "Error: x" → "x": Node-RED puts err.toString() into msg.error.message. */
export function errorText(msg: HubMessage, fallback: string): string {
  const text = msg.error?.message ?? fallback;
  return text.replace(/^[A-Za-z]*Error: /, "");
}

export function failedNode(msg: HubMessage): string {
  const src = msg.error?.source;
  return src?.name || src?.type || "unknown";
}
