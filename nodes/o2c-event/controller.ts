import { eventMessageId } from "../invoice-build/order-facts";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

export interface O2cEventConfig extends NodeDef {
  /** The routing key announced (`order.booked` …); empty: msg.topic. */
  event?: string;
  /** The system the fact comes from (erp, wms, tms, finance, hub). */
  system?: string;
  /** Where the document id is on the message (`payload.SalesOrderNumber`). */
  document: string;
  /** Where the order (orderKey, orderNumber, buyer, revision) is on the message (`payload`, `released`). */
  order?: string;
  /** Where further fields of the event are (an object, merged in: `payload` for what WMS reports); empty: none. */
  extra?: string;
  /** Where the event's time is (`payload.at`); empty or absent on the message: now. */
  at?: string;
}

/** msg.a.b.c, or undefined. */
export function lookup(msg: object, path: string): unknown {
  let value: unknown = msg;
  for (const part of path.split(".").filter(Boolean)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const ORDER_FIELDS = ["orderKey", "orderNumber", "buyer", "revision"] as const;
/** Fields of the extra object that never pass into the event (they are the event's own). */
const OWN = new Set(["event", "system", "document", "at", ...ORDER_FIELDS]);

/**
 * The order-to-cash event a step announces (docs/ORDER-TO-CASH.md), built from what is on the message: `msg.payload`
 * becomes `{event, orderKey, orderNumber, buyer, revision, system, document, at, …extra}`, msg.topic the event and
 * msg.messageId `sha256:` of `orderKey|event|document`, so that a step done again announces the same message. What
 * msg.payload held before is kept in msg.prior.
 */
export function o2cEvent(msg: object, config: O2cEventConfig, now: Date): { topic: string; messageId: string; payload: Record<string, unknown> } {
  const event = config.event?.trim() || (typeof (msg as HubMessage).topic === "string" ? ((msg as HubMessage).topic as string) : "");
  if (!event) throw new Error("o2c-event: no event: set one on the node or in msg.topic");
  const order = lookup(msg, config.order?.trim() || "payload") as Record<string, unknown> | undefined;
  if (!order || typeof order !== "object" || typeof order.orderKey !== "string" || order.orderKey === "") {
    throw new Error(`o2c-event: ${event}: msg.${config.order?.trim() || "payload"} has no orderKey`);
  }
  const documentValue = lookup(msg, config.document);
  if ((typeof documentValue !== "string" && typeof documentValue !== "number") || documentValue === "") {
    throw new Error(`o2c-event: ${event} for ${order.orderKey}: msg.${config.document} holds no document id (is ${JSON.stringify(documentValue) ?? "absent"})`);
  }
  const document = String(documentValue);
  const extra = config.extra?.trim() ? (lookup(msg, config.extra.trim()) as Record<string, unknown> | undefined) : undefined;
  const atValue = config.at?.trim() ? lookup(msg, config.at.trim()) : undefined;
  const at = typeof atValue === "string" && !Number.isNaN(Date.parse(atValue)) ? atValue : now.toISOString();
  const payload: Record<string, unknown> = { event };
  for (const field of ORDER_FIELDS) if (order[field] !== undefined) payload[field] = order[field];
  Object.assign(payload, { system: config.system?.trim() || "hub", document, at });
  if (extra && typeof extra === "object") {
    for (const [key, value] of Object.entries(extra)) if (!OWN.has(key)) payload[key] = value;
  }
  return { topic: event, messageId: eventMessageId(order.orderKey, event, document), payload };
}

export class O2cEventController {
  constructor(node: Node, config: O2cEventConfig) {
    let count = 0;
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      try {
        const built = o2cEvent(msg, config, new Date());
        msg.prior = msg.payload;
        msg.payload = built.payload;
        msg.topic = built.topic;
        msg.messageId = built.messageId;
        count++;
        node.status({ fill: "green", shape: "dot", text: `${count} ${built.topic}` });
        send(msg);
        done();
      } catch (err) {
        failing(node, (err as Error).message);
        done(err as Error);
      }
    });
  }
}
