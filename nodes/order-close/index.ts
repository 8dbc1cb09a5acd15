import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { OrderCloseController, type OrderCloseConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-close", function (this: any, config: OrderCloseConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<OrderCloseConfig>(this, "order-close", config);
    if (cfg) new OrderCloseController(RED, this, cfg);
  });
}
