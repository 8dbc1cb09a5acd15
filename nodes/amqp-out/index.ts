import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { AmqpOutController, type AmqpOutConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("amqp-out", function (this: any, config: AmqpOutConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<AmqpOutConfig>(this, "amqp-out", config);
    if (cfg) new AmqpOutController(RED, this, cfg);
  });
}
