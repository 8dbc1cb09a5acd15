import { evaluateOrder, type OrderOutcome } from "../../domain/order/evaluate";
import { proposeRushRescheduling } from "../../domain/order/rush";
import { OutcomeStatus } from "../shared/outcome-status";
import { evaluationDate, orderOf, withOrderBook, type DecidingMessage, type RuleNodeConfig } from "../shared/order-rules";
import { failing } from "../shared/status";
import type { DoneFn, Node, SendFn } from "../shared/types";

/** The word the status counts an order's outcome under. */
export const ORDER_OUTCOME_LABELS: Readonly<Record<OrderOutcome, string>> = { released: "released", held: "held", "needs-approval": "to approve", rejected: "rejected" };

/**
 * order-evaluate: the whole chain in one node (audit → price → credit → ATP, domain/order/evaluate.ts): msg.decisions
 * gets all four decisions, as the four rule nodes in a row would give them, for less work per order. The status counts
 * the orders' outcomes; order-outcome makes the event.
 */
export class OrderEvaluateController {
  constructor(node: Node, config: RuleNodeConfig) {
    const status = new OutcomeStatus(node, Object.values(ORDER_OUTCOME_LABELS));
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as DecidingMessage;
      withOrderBook(
        (book, master) => {
          const order = orderOf(msg, "order-evaluate");
          const at = evaluationDate(config, msg, "order-evaluate");
          const evaluation = evaluateOrder(order, master, at, { proposeRushRescheduling });
          msg.decisions = evaluation.decisions;
          msg.evaluation = { at, version: book.version };
          status.count(ORDER_OUTCOME_LABELS[evaluation.outcome]);
          send(msg);
          done();
        },
        (err) => {
          failing(node, err.message);
          done(err);
        },
      );
    });
    node.on("close", () => status.stop());
  }
}
