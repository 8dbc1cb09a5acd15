import { randomBytes } from "node:crypto";
import { bodyMessageId, type Delivery } from "../../connectors/amqp";
import { connectionOf } from "../amqp-broker/controller";
import { followBroker } from "../shared/broker-status";
import { ThroughputStatus, failing } from "../shared/status";
import type { HubMessage, Node, NodeAPI, NodeDef } from "../shared/types";

export interface AmqpInConfig extends NodeDef {
  broker: string;
  queue: string;
  prefetch: string | number;
  output: "auto" | "buffer" | "string" | "json";
  declare: boolean;
  /** Bind the queue to this exchange (e.g. orderhub.events) before consuming; empty: no binding. */
  bindExchange?: string;
  /** Routing patterns for that binding, separated by commas or spaces (e.g. `master.#`). */
  bindPatterns?: string;
}

/** The binding the node asks for, or undefined (no exchange, or no pattern, given). */
export function bindingOf(config: Pick<AmqpInConfig, "bindExchange" | "bindPatterns">): { exchange: string; patterns: string[] } | undefined {
  const exchange = (config.bindExchange ?? "").trim();
  const patterns = (config.bindPatterns ?? "").split(/[\s,]+/).filter(Boolean);
  return exchange && patterns.length ? { exchange, patterns } : undefined;
}

/** Body as the flow wants it. "auto": JSON content parsed, text as a string, anything else a Buffer. */
export function decodeBody(content: Buffer, contentType: string | undefined, mode: AmqpInConfig["output"]): unknown {
  if (mode === "buffer") return content;
  if (mode === "string") return content.toString("utf8");
  const isJson = /json/i.test(contentType ?? "");
  if (mode === "json" || isJson) {
    try {
      return JSON.parse(content.toString("utf8"));
    } catch {
      return content.toString("utf8");
    }
  }
  return /^text\/|xml|csv|edifact/i.test(contentType ?? "") ? content.toString("utf8") : content;
}

/** Node-RED's `_msgid` (for tracing in the editor): a random process prefix and a counter, cheaper than 8 random bytes. */
const msgidPrefix = randomBytes(4).toString("hex");
let msgidCounter = 0;
function nextMessageId(): string {
  msgidCounter = (msgidCounter + 1) % 0x100000000;
  return `${msgidPrefix}${msgidCounter.toString(16).padStart(8, "0")}`;
}

/** The publisher's message id, or one derived from the body so a redelivery gets the same id. */
export function messageIdOf(delivery: Delivery): string {
  const given = delivery.message.properties.messageId as string | undefined;
  return given || bodyMessageId(delivery.message.content);
}

/**
 * amqp-in: consumes with manual acks and a prefetch, but only once the flows have started, so nothing is taken off
 * the queue before the nodes that handle it exist. Each message carries its settlement key in msg._delivery.
 */
export class AmqpInController {
  private readonly rate: ThroughputStatus;

  constructor(RED: NodeAPI, node: Node, config: AmqpInConfig) {
    this.rate = new ThroughputStatus(node, "consuming");
    const connection = connectionOf(RED, config.broker);
    if (!connection) {
      failing(node, "no amqp-broker configured");
      node.error("amqp-in: choose an amqp-broker config node");
      return;
    }
    if (!config.queue) {
      failing(node, "no queue");
      node.error("amqp-in: set the queue to consume from");
      return;
    }
    const name = node.name || `amqp-in ${config.queue}`;
    const consumer = connection.consume({
      queue: config.queue,
      prefetch: Math.max(1, Number(config.prefetch) || 50),
      name,
      declare: config.declare !== false,
      bind: bindingOf(config),
      onMessage: (d) => {
        node.send(this.toMessage(d, config));
        this.rate.hit();
      },
      onError: (text) => failing(node, text),
      onRunning: () => node.status({ fill: "green", shape: "dot", text: "consuming" }),
    });
    connection.register(node);
    let started = false;
    const unfollow = followBroker(node, connection, () => (started ? "consuming" : "connected · waiting for flows"));
    const start = () => {
      started = true;
      consumer.start();
      node.status({ fill: "green", shape: "dot", text: "consuming" });
    };
    RED.events.on("flows:started", start);
    node.on("close", (_removed: boolean, done: () => void) => {
      RED.events.removeListener("flows:started", start);
      this.rate.stop();
      unfollow();
      consumer
        .stop(5000)
        .then(() => connection.forget(consumer))
        .then(() => connection.deregister(node))
        .then(() => done(), () => done());
    });
  }

  private toMessage(d: Delivery, config: AmqpInConfig): HubMessage {
    const { fields, properties } = d.message;
    const messageId = messageIdOf(d);
    return {
      _msgid: nextMessageId(),
      _delivery: d.key,
      payload: decodeBody(d.message.content, properties.contentType, config.output ?? "auto"),
      topic: fields.routingKey,
      messageId,
      correlationId: (properties.correlationId as string | undefined) ?? messageId,
      amqp: {
        queue: d.queue,
        exchange: fields.exchange,
        routingKey: fields.routingKey,
        redelivered: fields.redelivered,
        messageId,
        correlationId: properties.correlationId,
        contentType: properties.contentType,
        appId: properties.appId,
        headers: properties.headers ?? {},
      },
    };
  }
}
