import { RuleController } from "../shared/rule-controller";
import type { RuleNodeConfig } from "../shared/order-rules";
import type { Node } from "../shared/types";

/** atp-check: the atp rule (domain/order/atp.ts) on the order in msg.payload, appended to msg.decisions. */
export class AtpCheckController extends RuleController {
  constructor(node: Node, config: RuleNodeConfig) {
    super(node, config, "atp", "atp-check");
  }
}
