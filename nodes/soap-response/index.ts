import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { SoapResponseController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("soap-response", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "soap-response", config);
    if (cfg) new SoapResponseController(this, cfg);
  });
}
