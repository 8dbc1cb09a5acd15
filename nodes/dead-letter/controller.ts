import { deadLetterHeaders, type DeadLetterReason } from "../../connectors/amqp";
import { deadLettersTotal } from "../../observability/metrics";
import { connectionOf } from "../amqp-broker/controller";
import { encodeBody } from "../amqp-out/controller";
import { releaseOutbox } from "../shared/outbox";
import { deadLetterMessage, deliveryState, errorText, failedNode } from "../shared/settlement";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";

export interface DeadLetterConfig extends NodeDef {
  /** Used for messages that did not come from a queue (HTTP, inject): their payload is dead-lettered as it is. */
  broker: string;
  /** Fixed reason; empty means the error in msg.error (as a catch node delivers it). */
  reason: string;
}

/**
 * dead-letter: sits behind a catch node. The original AMQP body goes to orderhub.dlq with headers saying which node
 * failed, why and when; the inbound message is acked only after the dead letter is confirmed.
 */
export class DeadLetterController {
  private readonly rate: ThroughputStatus;

  constructor(RED: NodeAPI, node: Node, config: DeadLetterConfig) {
    this.rate = new ThroughputStatus(node, "idle");
    const own = connectionOf(RED, config.broker);
    own?.register(node);
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const reason = { error: config.reason || errorText(msg, "dead-lettered by the flow"), node: failedNode(msg), flow: node.z };
      this.deadLetter(RED, config, msg, reason).then(
        () => {
          this.rate.hit("dead-lettered");
          send(msg);
          done();
        },
        (err: Error) => {
          failing(node, err.message);
          done(err);
        },
      );
    });
    node.on("close", (_removed: boolean, done: () => void) => {
      this.rate.stop();
      if (own) own.deregister(node).then(done, done);
      else done();
    });
  }

  private async deadLetter(RED: NodeAPI, config: DeadLetterConfig, msg: HubMessage, reason: DeadLetterReason) {
    if (msg._outbox) releaseOutbox(msg._outbox);
    if (deliveryState(msg) === "live" && (await deadLetterMessage(msg, reason)) !== "stale") return;
    // Its channel closed: the broker delivers the original again, and that attempt settles it.
    if (deliveryState(msg) === "gone") return;
    // Not from a queue, or acknowledged already by another branch of a fan-out: keep this branch's failure with the
    // payload as it is here, so it is not lost with the acknowledged original.
    const connection = connectionOf(RED, config.broker);
    if (!connection) {
      throw new Error(`dead-letter: the original cannot be dead-lettered any more (not from a queue, or already acknowledged) and no amqp-broker is set here to keep this copy (${reason.error})`);
    }
    const { content, contentType } = encodeBody(msg.payload);
    const kept = await connection.keepDeadLetter(
      "orderhub.flow",
      content,
      { messageId: msg.messageId, correlationId: msg.correlationId, contentType, headers: deadLetterHeaders(reason) },
      () => true,
    );
    if (!kept) throw new Error(`dead-letter: the broker node stopped before a queue took the dead letter (${reason.error})`);
    deadLettersTotal.inc({ queue: "(none)", node: reason.node });
  }
}
