import { recordSettlementEvent } from "../../runtime/settlement";
import { getHubStore } from "../../store";
import { OutcomeStatus } from "../shared/outcome-status";
import { bodyObject, routingKeyOf } from "../shared/settlement-input";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/**
 * settlement-record: an `order.shipped`, `order.invoiced` or `payment.received` from orderhub.events is kept as a
 * document of the three-way match (a delivery, an invoice, a payment applied to the customer's invoices), once per
 * document, then passes on to a settle node; any other event passes on unrecorded. A store failure is an error for
 * a catch: the message is dead-lettered, and a replay records it.
 */
export class SettlementRecordController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["deliveries", "invoices", "payments", "repeats", "skipped"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const routingKey = routingKeyOf(msg);
      let body: Record<string, unknown>;
      try {
        if (!routingKey) throw new Error("settlement-record: the message has no routing key (msg.amqp.routingKey, msg.routingKey or msg.topic): which event is it?");
        body = bodyObject(msg.payload, "settlement-record");
      } catch (err) {
        failing(node, (err as Error).message);
        return done(err as Error);
      }
      recordSettlementEvent(getHubStore(), routingKey!, body).then(
        (result) => {
          msg.settlement = result ?? { outcome: "skipped" };
          status.count(!result ? "skipped" : result.outcome === "repeat" ? "repeats" : result.kind === "delivery" ? "deliveries" : result.kind === "invoice" ? "invoices" : "payments");
          send(msg);
          done();
        },
        (err: Error) => {
          failing(node, `settlement-record: ${err.message}`);
          done(new Error(`settlement-record: ${err.message}`));
        },
      );
    });
    node.on("close", () => status.stop());
  }
}
