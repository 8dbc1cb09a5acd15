import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { ReconcileController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("reconcile", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "reconcile", config);
    if (cfg) new ReconcileController(this, cfg);
  });
}
