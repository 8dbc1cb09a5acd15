import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { ShipmentCreditCheckController, type ShipmentCreditCheckConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("shipment-credit-check", function (this: any, config: ShipmentCreditCheckConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<ShipmentCreditCheckConfig>(this, "shipment-credit-check", config);
    if (cfg) new ShipmentCreditCheckController(RED, this, cfg);
  });
}
