import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { DunningController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("dunning", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "dunning", config);
    if (cfg) new DunningController(this, cfg);
  });
}
