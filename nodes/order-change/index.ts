import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { OrderChangeController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-change", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "order-change", config);
    if (cfg) new OrderChangeController(this, cfg);
  });
}
