import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { KittingController, type KittingConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("kitting", function (this: any, config: KittingConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<KittingConfig>(this, "kitting", config);
    if (cfg) new KittingController(this, cfg);
  });
}
