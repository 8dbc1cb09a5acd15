import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { ConsignmentOrderController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("consignment-order", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "consignment-order", config);
    if (cfg) new ConsignmentOrderController(this, cfg);
  });
}
