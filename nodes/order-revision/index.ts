import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { OrderRevisionController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-revision", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "order-revision", config);
    if (cfg) new OrderRevisionController(this, cfg);
  });
}
