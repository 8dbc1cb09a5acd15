import { readNodeConfig } from "../shared/config-version";
import type { RuleNodeConfig } from "../shared/order-rules";
import type { NodeAPI } from "../shared/types";
import { PriceCheckController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("price-check", function (this: any, config: RuleNodeConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<RuleNodeConfig>(this, "price-check", config);
    if (cfg) new PriceCheckController(this, cfg);
  });
}
