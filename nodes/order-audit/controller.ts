import { RuleController } from "../shared/rule-controller";
import type { RuleNodeConfig } from "../shared/order-rules";
import type { Node } from "../shared/types";

/** order-audit: the audit rule (domain/order/audit.ts) on the order in msg.payload, appended to msg.decisions. */
export class OrderAuditController extends RuleController {
  constructor(node: Node, config: RuleNodeConfig) {
    super(node, config, "audit", "order-audit");
  }
}
