import { readNodeConfig } from "../shared/config-version";
import type { RuleNodeConfig } from "../shared/order-rules";
import type { NodeAPI } from "../shared/types";
import { AtpCheckController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("atp-check", function (this: any, config: RuleNodeConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<RuleNodeConfig>(this, "atp-check", config);
    if (cfg) new AtpCheckController(this, cfg);
  });
}
