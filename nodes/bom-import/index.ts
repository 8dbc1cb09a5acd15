import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { BomImportController, type BomImportConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("bom-import", function (this: any, config: BomImportConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<BomImportConfig>(this, "bom-import", config);
    if (cfg) new BomImportController(this, cfg);
  });
}
