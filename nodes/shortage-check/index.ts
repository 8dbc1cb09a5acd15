import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { ShortageCheckController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("shortage-check", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "shortage-check", config);
    if (cfg) new ShortageCheckController(this, cfg);
  });
}
