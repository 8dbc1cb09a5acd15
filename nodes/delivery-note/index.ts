import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { DeliveryNoteController, type DeliveryNoteConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("delivery-note", function (this: any, config: DeliveryNoteConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<DeliveryNoteConfig>(this, "delivery-note", config);
    if (cfg) new DeliveryNoteController(RED, this, cfg);
  });
}
