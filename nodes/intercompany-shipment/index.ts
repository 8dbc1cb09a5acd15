import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { IntercompanyShipmentController, type IntercompanyShipmentConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("intercompany-shipment", function (this: any, config: IntercompanyShipmentConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<IntercompanyShipmentConfig>(this, "intercompany-shipment", config);
    if (cfg) new IntercompanyShipmentController(this, cfg);
  });
}
