import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { OrderValidateController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-validate", function (this: any, config: any) {
    RED.nodes.createNode(this, config);
    if (readNodeConfig(this, "order-validate", config)) new OrderValidateController(this);
  });
}
