import { readNodeConfig } from "../shared/config-version";
import type { RuleNodeConfig } from "../shared/order-rules";
import type { NodeAPI } from "../shared/types";
import { OrderEvaluateController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-evaluate", function (this: any, config: RuleNodeConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<RuleNodeConfig>(this, "order-evaluate", config);
    if (cfg) new OrderEvaluateController(this, cfg);
  });
}
