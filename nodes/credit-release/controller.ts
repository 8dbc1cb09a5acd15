import { PaymentError, receivePayment, type PaymentReceived } from "../../runtime/credit-release";
import { getOrderBook } from "../../runtime/order-book";
import { OutcomeStatus } from "../shared/outcome-status";
import { splitDelivery } from "../shared/settlement";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";

type CloneMessage = (msg: HubMessage) => HubMessage;

/** The payment in a `payment.received` body: customer, amount, invoice (optional), its reference (else the message id). */
export function paymentOf(msg: HubMessage): PaymentReceived {
  const body = (Buffer.isBuffer(msg.payload) || typeof msg.payload === "string" ? JSON.parse(msg.payload.toString()) : msg.payload) as Record<string, unknown> | null;
  if (typeof body !== "object" || body === null) throw new PaymentError("credit-release: msg.payload must be a payment: { customer, amount, invoice?, payment? }");
  const reference = body.payment ?? body.document ?? msg.messageId;
  const problems: string[] = [];
  if (typeof body.customer !== "string" || body.customer === "") problems.push("customer must name the customer (its id)");
  if (typeof body.amount !== "number" || !(body.amount > 0)) problems.push(`amount must be a positive number (is ${JSON.stringify(body.amount)})`);
  if (body.invoice !== undefined && typeof body.invoice !== "string") problems.push("invoice must be the invoice's number");
  if (typeof reference !== "string" || reference === "") problems.push("the payment needs a reference (payment or document), else a message id, to be applied once");
  if (problems.length) throw new PaymentError(`credit-release: ${problems.join("; ")}`);
  return {
    payment: reference as string,
    customer: body.customer as string,
    amount: body.amount as number,
    ...(typeof body.invoice === "string" ? { invoice: body.invoice } : {}),
    ...(typeof body.currency === "string" ? { currency: body.currency } : {}),
  };
}

/**
 * credit-release: a `payment.received` lowers the customer's open items and lets go every order held for credit that
 * now fits, oldest first, each once (runtime/credit-release.ts). Output 1: one message per released order, msg.topic
 * its event (`order.released`, or `order.needs-approval` for one that also waits for approval), msg.payload the event,
 * each settled on its own (the payment is acknowledged once all are): wire it to an idempotent node (scope
 * order.credit-released, key payload.orderKey) and amqp-out. Output 2: the payment released nothing; a settle node
 * acknowledges it. A payment redelivered after a crash is applied once and sends its releases again, under the same ids.
 */
export class CreditReleaseController {
  constructor(node: Node, _config: NodeDef, clone: CloneMessage) {
    const status = new OutcomeStatus(node, ["payments", "released"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      let payment: PaymentReceived;
      try {
        payment = paymentOf(msg);
      } catch (err) {
        failing(node, (err as Error).message);
        return done(err as Error);
      }
      receivePayment(getOrderBook(), payment).then(
        (events) => {
          status.count("payments");
          msg.released = events.map((e) => e.orderKey);
          if (events.length === 0) {
            send([null, msg]);
            return done();
          }
          const keys = splitDelivery(msg, events.length);
          const { payload: _payment, ...rest } = msg;
          const parts = events.map((event, i) => {
            const part = clone(rest as HubMessage);
            if (keys) part._delivery = keys[i];
            part.payload = event;
            part.topic = event.event;
            part.orderKey = event.orderKey;
            part.payment = payment;
            if (typeof msg.messageId === "string") part.messageId = `${msg.messageId}/${i + 1}`;
            status.count("released");
            return part;
          });
          for (const part of parts) send([part, null]);
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

export function cloneWith(RED: NodeAPI): CloneMessage {
  return (msg) => RED.util.cloneMessage(msg) as HubMessage;
}
