import type { OrderDecidedEvent } from "../../domain/order/decided";
import { getOrderBook } from "../../runtime/order-book";
import { ORDER_OUTCOME_LABELS } from "../order-evaluate/controller";
import { OutcomeStatus } from "../shared/outcome-status";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

function eventOf(msg: HubMessage): OrderDecidedEvent {
  const e = msg.payload as Partial<OrderDecidedEvent> | undefined;
  if (typeof e !== "object" || e === null || typeof e.orderKey !== "string" || typeof e.event !== "string" || !Array.isArray(e.decisions)) {
    throw new Error("order-record: msg.payload must be an order's decision event, as order-outcome makes it");
  }
  return e as OrderDecidedEvent;
}

/**
 * order-record: behind the idempotent node that keeps the decision event in the outbox. Records the event in the order
 * book in one transaction: every decision in the order's history, a held order to be let go later (credit-release), a
 * released order's reservations and open order in the master data. Then output 1, to the amqp-out that announces it
 * (msg.topic is the event's own, also for an event re-sent from the outbox). A repeat (msg.duplicateOf, the idempotent
 * node's output 2) records nothing, takes back what order-outcome counted for it and leaves on output 2, to a settle
 * node. Recording the same event twice (a redelivery after a crash) records it once.
 */
export class OrderRecordController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, [...Object.values(ORDER_OUTCOME_LABELS), "cancelled", "repeats"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      let event: OrderDecidedEvent;
      try {
        event = eventOf(msg);
      } catch (err) {
        failing(node, (err as Error).message);
        return done(err as Error);
      }
      const book = getOrderBook();
      if (msg.duplicateOf !== undefined) {
        book.forget(event.orderKey);
        status.count("repeats");
        send([null, msg]);
        return done();
      }
      msg.topic = event.event;
      book.record(event, typeof msg.messageId === "string" ? msg.messageId : event.orderKey).then(
        () => {
          // a cancellation confirmed is no rule outcome: it counts under its own word
          status.count(ORDER_OUTCOME_LABELS[event.outcome] ?? "cancelled");
          send([msg, null]);
          done();
        },
        (err: Error) => {
          book.forget(event.orderKey);
          failing(node, err.message);
          done(err);
        },
      );
    });
    node.on("close", () => status.stop());
  }
}
