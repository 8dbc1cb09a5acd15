import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { MasterDataController, type MasterDataConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("master-data", function (this: any, config: MasterDataConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<MasterDataConfig>(this, "master-data", config);
    if (cfg) new MasterDataController(this, cfg);
  });
}
