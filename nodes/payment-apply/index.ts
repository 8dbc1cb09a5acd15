import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { PaymentApplyController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("payment-apply", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "payment-apply", config);
    if (cfg) new PaymentApplyController(this, cfg);
  });
}
