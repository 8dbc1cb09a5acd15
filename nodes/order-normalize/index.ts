import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { OrderNormalizeController, type OrderNormalizeConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-normalize", function (this: any, config: OrderNormalizeConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<OrderNormalizeConfig>(this, "order-normalize", config);
    if (cfg) new OrderNormalizeController(this, cfg, (msg) => RED.util.cloneMessage(msg));
  });
}
