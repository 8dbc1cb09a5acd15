import { applyIncomingPayment, paymentEvent, paymentOf } from "../../runtime/settlement";
import { today } from "../../runtime/today";
import { getHubStore } from "../../store";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import { bodyObject } from "../shared/settlement-input";
import type { Node, NodeDef } from "../shared/types";

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
    onAsyncInput(node, status, async (msg, send) => {
      let payment: ReturnType<typeof paymentOf>;
      try {
        payment = paymentOf(bodyObject(msg.payload, "payment-apply"), today());
      } catch (err) {
        throw new Error(`payment-apply: ${(err as Error).message}`);
      }
      const store = getHubStore();
      const applied = await applyIncomingPayment(store, payment);
      const announced = await paymentEvent(store, payment, applied.allocations);
      status.count(applied.outcome === "repeat" ? "repeats" : "applied");
      msg.settlement = applied;
      msg.repeat = applied.outcome === "repeat";
      msg.topic = "payment.received";
      msg.messageId = announced.messageId;
      msg.payload = announced.event;
      send(msg);
    });
  }
}
