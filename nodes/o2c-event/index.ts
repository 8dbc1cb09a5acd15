import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { O2cEventController, type O2cEventConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("o2c-event", function (this: any, config: O2cEventConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<O2cEventConfig>(this, "o2c-event", config);
    if (cfg) new O2cEventController(this, cfg);
  });
}
