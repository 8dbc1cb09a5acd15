import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { IntercompanyOrderController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("intercompany-order", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "intercompany-order", config);
    if (cfg) new IntercompanyOrderController(this, cfg);
  });
}
