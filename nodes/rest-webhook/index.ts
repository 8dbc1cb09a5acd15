import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { RestWebhookController, type RestWebhookConfig } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("rest-webhook", function (this: any, config: RestWebhookConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<RestWebhookConfig>(this, "rest-webhook", config);
    if (cfg) new RestWebhookController(RED, this, cfg);
  });
}
