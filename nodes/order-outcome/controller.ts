import type { Decision } from "../../domain/order/decision";
import { today } from "../../runtime/order-book";
import { ORDER_OUTCOME_LABELS } from "../order-evaluate/controller";
import { OutcomeStatus } from "../shared/outcome-status";
import { OrderRuleError, RULES, orderOf, withOrderBook, type DecidingMessage } from "../shared/order-rules";
import { failing } from "../shared/status";
import type { DoneFn, Node, NodeDef, SendFn } from "../shared/types";

/**
 * order-outcome: the decisions on the message (from the rule nodes or order-evaluate) become the order's outcome and
 * its event: msg.topic `order.released` (with what ATP confirmed), `order.held`, `order.rejected` or
 * `order.needs-approval`, msg.payload the event (domain/order/decided.ts). A released order's reservations and open
 * order count for the next order from this moment on; `order-record` makes them lasting once the outbox holds the event.
 * Decisions made on master data that changed since (another order released in between, when something outside the
 * hub's nodes let others pass) are made again first, so that no stock or credit is promised twice.
 */
export class OrderOutcomeController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, [...Object.values(ORDER_OUTCOME_LABELS), "decided again"]);
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as DecidingMessage;
      withOrderBook(
        (book, master) => {
          const order = orderOf(msg, "order-outcome");
          const decisions = Array.isArray(msg.decisions) ? msg.decisions : [];
          if (decisions.length === 0) {
            throw new OrderRuleError("order-outcome: msg.decisions is empty: put the rule nodes (order-audit, price-check, credit-check, atp-check) or order-evaluate before this node");
          }
          const at = msg.evaluation?.at ?? today();
          let current: Decision[] = decisions;
          if (msg.evaluation?.version !== book.version) {
            current = decisions.map((d) => (RULES[d.rule] ? RULES[d.rule](order, master, at) : d));
            status.count("decided again");
          }
          const event = book.decide(order, { at, decisions: current });
          msg.decisions = current;
          msg.orderKey = event.orderKey;
          msg.topic = event.event;
          msg.payload = event;
          status.count(ORDER_OUTCOME_LABELS[event.outcome]);
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
