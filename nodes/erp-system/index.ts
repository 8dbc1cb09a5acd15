import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { ErpSystemController, type ErpSystemConfig, type ErpSystemCredentials } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType(
    "erp-system",
    function (this: any, config: ErpSystemConfig) {
      RED.nodes.createNode(this, config);
      const cfg = readNodeConfig<ErpSystemConfig>(this, "erp-system", config);
      if (cfg) this.controller = new ErpSystemController(this, cfg, (this.credentials ?? {}) as ErpSystemCredentials);
    },
    { credentials: { user: { type: "text" }, password: { type: "password" } } } as any,
  );
}
