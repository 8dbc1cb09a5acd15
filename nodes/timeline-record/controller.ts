import { getHubStore } from "../../store";
import { recordTimelineEvent } from "../../store/timeline";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import type { HubMessage, Node, NodeDef } from "../shared/types";

/** The event's routing key: amqp-in's msg.amqp.routingKey, else msg.routingKey, else msg.topic. */
export function routingKeyOf(msg: HubMessage): string | undefined {
  const amqp = msg.amqp as { routingKey?: unknown } | undefined;
  for (const k of [amqp?.routingKey, msg.routingKey, msg.topic]) if (typeof k === "string" && k) return k;
  return undefined;
}

/** The event's message id: amqp-in's msg.messageId, else the AMQP properties', else Node-RED's _msgid. */
export function messageIdOf(msg: HubMessage): string {
  const properties = msg.properties as { messageId?: unknown } | undefined;
  for (const id of [msg.messageId, (msg.amqp as { messageId?: unknown } | undefined)?.messageId, properties?.messageId, msg._msgid]) {
    if (typeof id === "string" && id) return id;
  }
  return "";
}

/** The body as JSON: amqp-in with output json gives an object; a string or Buffer of JSON is read here. */
function bodyOf(payload: unknown): unknown {
  if (Buffer.isBuffer(payload)) payload = payload.toString("utf8");
  if (typeof payload !== "string") return payload;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

/**
 * timeline-record: records the event in msg.payload as milestones of its order's timeline (GET
 * /api/orders/{orderNumber}/timeline), each once however often it comes (the same message id, or the same event and
 * document), and the order's new state, in one store transaction; then passes the message on, to a settle node. An
 * event about no order (master data, a payment on account) passes on unrecorded. A store failure is an error for a
 * catch node: the message is dead-lettered, and a replay records it.
 */
export class TimelineRecordController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["recorded", "repeats", "not an order's"], "idle");
    onAsyncInput(node, status, async (msg, send) => {
      const routingKey = routingKeyOf(msg);
      if (!routingKey) throw new Error("timeline-record: the message has no routing key (msg.amqp.routingKey, msg.routingKey or msg.topic): which event is it?");
      const result = await recordTimelineEvent(getHubStore().timeline, { routingKey, body: bodyOf(msg.payload), messageId: messageIdOf(msg) }, Date.now());
      msg.timeline = result;
      status.count(result.outcome === "recorded" ? "recorded" : result.outcome === "repeat" ? "repeats" : "not an order's");
      send(msg);
    });
  }
}
