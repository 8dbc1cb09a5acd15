import { readNodeConfig } from "../shared/config-version";
import type { RuleNodeConfig } from "../shared/order-rules";
import type { NodeAPI } from "../shared/types";
import { OrderAuditController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-audit", function (this: any, config: RuleNodeConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<RuleNodeConfig>(this, "order-audit", config);
    if (cfg) new OrderAuditController(this, cfg);
  });
}
