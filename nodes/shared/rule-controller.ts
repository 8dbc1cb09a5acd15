import type { RuleName } from "../../domain/order/decision";
import { OutcomeStatus } from "./outcome-status";
import { RULES, RULE_OUTCOME_LABELS, evaluationDate, orderOf, putDecision, withOrderBook, type DecidingMessage, type RuleNodeConfig } from "./order-rules";
import { failing } from "./status";
import type { DoneFn, Node, SendFn } from "./types";

/**
 * One order rule as a node (order-audit, price-check, credit-check, atp-check): the canonical order in msg.payload,
 * judged by the rule in domain/ on the hub's master data and the evaluation date, the decision appended to
 * msg.decisions, and the message passed on whatever the outcome: order-outcome turns the decisions into the order's
 * outcome. The status counts the outcomes ("812 ok · 12 held").
 */
export class RuleController {
  constructor(node: Node, config: RuleNodeConfig, rule: RuleName, name: string) {
    const status = new OutcomeStatus(node, Object.values(RULE_OUTCOME_LABELS));
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as DecidingMessage;
      withOrderBook(
        (book, master) => {
          const order = orderOf(msg, name);
          const at = evaluationDate(config, msg, name);
          const decision = RULES[rule](order, master, at);
          putDecision(msg, decision, at, book.version);
          status.count(RULE_OUTCOME_LABELS[decision.outcome]);
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
