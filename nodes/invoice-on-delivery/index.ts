import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { InvoiceOnDeliveryController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("invoice-on-delivery", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "invoice-on-delivery", config);
    if (cfg) new InvoiceOnDeliveryController(RED, this, cfg);
  });
}
