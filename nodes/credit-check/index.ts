import { readNodeConfig } from "../shared/config-version";
import type { RuleNodeConfig } from "../shared/order-rules";
import type { NodeAPI } from "../shared/types";
import { CreditCheckController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("credit-check", function (this: any, config: RuleNodeConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<RuleNodeConfig>(this, "credit-check", config);
    if (cfg) new CreditCheckController(this, cfg);
  });
}
