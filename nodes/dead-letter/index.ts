import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { DeadLetterController, type DeadLetterConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("dead-letter", function (this: any, config: DeadLetterConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<DeadLetterConfig>(this, "dead-letter", config);
    if (cfg) new DeadLetterController(RED, this, cfg);
  });
}
