import { randomUUID } from "node:crypto";
import { PublishError } from "../../connectors/amqp";
import { childOf, publishedTotal } from "../../observability/metrics";

const published = childOf(publishedTotal, ["exchange", "routing_key"]);
import { connectionOf } from "../amqp-broker/controller";
import { followBroker } from "../shared/broker-status";
import { completeOutbox, releaseOutbox, storedJsonOf } from "../shared/outbox";
import { ackMessage, deliveryState } from "../shared/settlement";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";

export interface AmqpOutConfig extends NodeDef {
  broker: string;
  exchange: string;
  routingKey: string;
  /** Acknowledge the inbound message once the publish is confirmed (off when another node settles it later). */
  settle: boolean;
}

export function encodeBody(payload: unknown): { content: Buffer; contentType: string } {
  const stored = storedJsonOf(payload);
  if (stored !== undefined) return { content: Buffer.from(stored, "utf8"), contentType: "application/json" };
  if (Buffer.isBuffer(payload)) return { content: payload, contentType: "application/octet-stream" };
  if (typeof payload === "string") return { content: Buffer.from(payload, "utf8"), contentType: "text/plain" };
  return { content: Buffer.from(JSON.stringify(payload ?? null), "utf8"), contentType: "application/json" };
}

/**
 * amqp-out: publishes on the broker's confirm channel and only then completes the idempotency record and acks the
 * inbound message. The message goes on to the output after the confirm, so more steps can follow a publish.
 */
export class AmqpOutController {
  private readonly rate: ThroughputStatus;

  constructor(RED: NodeAPI, private readonly node: Node, config: AmqpOutConfig) {
    this.rate = new ThroughputStatus(node, "ready");
    const connection = connectionOf(RED, config.broker);
    if (!connection) {
      failing(node, "no amqp-broker configured");
      node.error("amqp-out: choose an amqp-broker config node");
      return;
    }
    connection.register(node);
    const unfollow = followBroker(node, connection);
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      this.publish(connection, config, msg).then(
        () => {
          this.rate.hit();
          send(msg);
          done();
        },
        (err: Error) => {
          if (msg._outbox) releaseOutbox(msg._outbox);
          // The inbound message's channel is gone: the broker redelivers it, so this attempt just ends.
          if (deliveryState(msg) === "gone") return done();
          failing(node, err.message);
          done(err);
        },
      );
    });
    node.on("close", (_removed: boolean, done: () => void) => {
      this.rate.stop();
      unfollow();
      connection.deregister(node).then(done, done);
    });
  }

  private async publish(connection: NonNullable<ReturnType<typeof connectionOf>>, config: AmqpOutConfig, msg: HubMessage) {
    const exchange = config.exchange ?? "orderhub.events";
    const routingKey = config.routingKey || (typeof msg.topic === "string" ? msg.topic : "");
    if (!routingKey && exchange !== "") throw new PublishError("amqp-out: no routing key: set one on the node or in msg.topic");
    const { content, contentType } = encodeBody(msg.payload);
    const headers = msg.amqpHeaders && typeof msg.amqpHeaders === "object" ? (msg.amqpHeaders as Record<string, unknown>) : undefined;
    msg.messageId ??= randomUUID();
    await connection.publish(exchange, routingKey, content, {
      messageId: msg.messageId,
      correlationId: msg.correlationId,
      contentType,
      timestamp: Math.floor(Date.now() / 1000),
      appId: "orderhub",
      type: routingKey,
      headers,
    });
    published(exchange || "(default)", routingKey).inc();
    // The publish is confirmed, so the inbound message can go now, and the key is marked done after it, without waiting
    // for that commit (waiting for the store before acking costs about 8 % of the intake rate, docs/BENCHMARKS.md).
    // Should the hub die in between, the key stays pending: a later duplicate re-sends the stored event under the same
    // id, never under a new one.
    if (config.settle !== false) ackMessage(msg);
    if (msg._outbox) void completeOutbox(msg._outbox, (err) => this.node.warn(`amqp-out: published, but the idempotency record stays pending: ${err.message}`));
  }
}
