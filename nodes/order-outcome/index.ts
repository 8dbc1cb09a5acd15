import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { OrderOutcomeController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-outcome", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "order-outcome", config);
    if (cfg) new OrderOutcomeController(this, cfg);
  });
}
