import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { ConsignmentLedgerController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("consignment-ledger", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "consignment-ledger", config);
    if (cfg) new ConsignmentLedgerController(this, cfg);
  });
}
