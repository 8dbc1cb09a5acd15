import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { MasterSyncController, type MasterSyncConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("master-sync", function (this: any, config: MasterSyncConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<MasterSyncConfig>(this, "master-sync", config);
    if (cfg) new MasterSyncController(RED, this, cfg);
  });
}
