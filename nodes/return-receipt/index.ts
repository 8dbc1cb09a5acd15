import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { ReturnReceiptController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("return-receipt", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "return-receipt", config);
    if (cfg) new ReturnReceiptController(this, cfg);
  });
}
