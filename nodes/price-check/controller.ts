import { RuleController } from "../shared/rule-controller";
import type { RuleNodeConfig } from "../shared/order-rules";
import type { Node } from "../shared/types";

/** price-check: the price rule (domain/order/price.ts) on the order in msg.payload, appended to msg.decisions. */
export class PriceCheckController extends RuleController {
  constructor(node: Node, config: RuleNodeConfig) {
    super(node, config, "price", "price-check");
  }
}
