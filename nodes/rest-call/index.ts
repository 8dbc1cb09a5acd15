import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { RestCallController, type RestCallConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("rest-call", function (this: any, config: RestCallConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<RestCallConfig>(this, "rest-call", config);
    if (cfg) new RestCallController(RED, this, cfg);
  });
}
