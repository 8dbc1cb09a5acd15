import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { IdempotentController, type IdempotentConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("idempotent", function (this: any, config: IdempotentConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<IdempotentConfig>(this, "idempotent", config);
    if (cfg) new IdempotentController(RED, this, cfg);
  });
}
