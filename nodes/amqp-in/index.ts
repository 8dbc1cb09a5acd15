import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { AmqpInController, type AmqpInConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("amqp-in", function (this: any, config: AmqpInConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<AmqpInConfig>(this, "amqp-in", config);
    if (cfg) new AmqpInController(RED, this, cfg);
  });
}
