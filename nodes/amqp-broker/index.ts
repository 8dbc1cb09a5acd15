import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { BrokerNodeController, type BrokerNodeConfig, type BrokerCredentials } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType(
    "amqp-broker",
    function (this: any, config: BrokerNodeConfig) {
      RED.nodes.createNode(this, config);
      const cfg = readNodeConfig<BrokerNodeConfig>(this, "amqp-broker", config);
      if (cfg) this.controller = new BrokerNodeController(this, cfg);
    },
    {
      credentials: {
        user: { type: "text" },
        password: { type: "password" },
        ca: { type: "password" },
        cert: { type: "password" },
        key: { type: "password" },
      },
    } as any,
  );
}

export type { BrokerCredentials };
