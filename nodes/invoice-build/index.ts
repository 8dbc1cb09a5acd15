import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { InvoiceBuildController, type InvoiceBuildConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("invoice-build", function (this: any, config: InvoiceBuildConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<InvoiceBuildConfig>(this, "invoice-build", config);
    if (cfg) new InvoiceBuildController(RED, this, cfg);
  });
}
