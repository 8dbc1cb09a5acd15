import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { ArVoucherController, type ArVoucherConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("ar-voucher", function (this: any, config: ArVoucherConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<ArVoucherConfig>(this, "ar-voucher", config);
    if (cfg) new ArVoucherController(RED, this, cfg);
  });
}
