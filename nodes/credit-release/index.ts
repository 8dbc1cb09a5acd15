import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { CreditReleaseController, cloneWith } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("credit-release", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "credit-release", config);
    if (cfg) new CreditReleaseController(this, cfg, cloneWith(RED));
  });
}
