import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { OrderRecordController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-record", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "order-record", config);
    if (cfg) new OrderRecordController(this, cfg);
  });
}
