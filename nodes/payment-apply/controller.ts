import { applyIncomingPayment, paymentEvent, paymentOf } from "../../runtime/settlement";
import { today } from "../../runtime/today";
import { getHubStore } from "../../store";
import { OutcomeStatus } from "../shared/outcome-status";
import { bodyObject } from "../shared/settlement-input";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/**
 * payment-apply: a payment in msg.payload ({ payment | document, customer, amount, currency?, invoice?, at? }) is
 * applied to the customer's invoices once (domain/settlement/payment-application.ts: by reference, else oldest first,
 * the rest on account). Output: msg.payload the `payment.received` event (msg.topic, msg.messageId) for amqp-out,
 * which releases held orders as the Order decisions flow does; msg.settlement the allocations and notes; a payment
 * applied before passes on with msg.repeat true and its first allocations.
 */
export class PaymentApplyController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["applied", "repeats"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      let payment: ReturnType<typeof paymentOf>;
      try {
        payment = paymentOf(bodyObject(msg.payload, "payment-apply"), today());
      } catch (err) {
        const e = new Error(`payment-apply: ${(err as Error).message}`);
        failing(node, e.message);
        return done(e);
      }
      const store = getHubStore();
      applyIncomingPayment(store, payment)
        .then(async (applied) => ({ applied, announced: await paymentEvent(store, payment, applied.allocations) }))
        .then(
          ({ applied, announced }) => {
            status.count(applied.outcome === "repeat" ? "repeats" : "applied");
            msg.settlement = applied;
            msg.repeat = applied.outcome === "repeat";
            msg.topic = "payment.received";
            msg.messageId = announced.messageId;
            msg.payload = announced.event;
            send(msg);
            done();
          },
          (err: Error) => {
            failing(node, err.message);
            done(err);
          },
        );
    });
    node.on("close", () => status.stop());
  }
}
