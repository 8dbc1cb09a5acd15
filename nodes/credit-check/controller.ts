import { RuleController } from "../shared/rule-controller";
import type { RuleNodeConfig } from "../shared/order-rules";
import type { Node } from "../shared/types";

/** credit-check: the credit rule (domain/order/credit.ts) on the order in msg.payload, appended to msg.decisions. */
export class CreditCheckController extends RuleController {
  constructor(node: Node, config: RuleNodeConfig) {
    super(node, config, "credit", "credit-check");
  }
}
