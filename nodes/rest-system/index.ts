import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { RestSystemController, type RestSystemConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType(
    "rest-system",
    function (this: any, config: RestSystemConfig) {
      RED.nodes.createNode(this, config);
      const cfg = readNodeConfig<RestSystemConfig>(this, "rest-system", config);
      if (cfg) this.controller = new RestSystemController(this, cfg);
    },
    { credentials: { user: { type: "text" }, password: { type: "password" }, token: { type: "password" }, apiKey: { type: "password" } } } as any,
  );
}
