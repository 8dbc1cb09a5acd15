import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { MrpPlanController, type MrpPlanConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("mrp-plan", function (this: any, config: MrpPlanConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<MrpPlanConfig>(this, "mrp-plan", config);
    if (cfg) new MrpPlanController(this, cfg);
  });
}
