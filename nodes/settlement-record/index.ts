import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { SettlementRecordController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("settlement-record", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "settlement-record", config);
    if (cfg) new SettlementRecordController(this, cfg);
  });
}
