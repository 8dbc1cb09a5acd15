import { readNodeConfig } from "../shared/config-version";
import { ackMessage } from "../shared/settlement";
import { ThroughputStatus } from "../shared/status";
import type { DoneFn, HubMessage, NodeAPI, NodeDef, SendFn } from "../shared/types";

/** settle: acknowledges the inbound AMQP message where a flow ends without an amqp-out (a duplicate, a filter). */
export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("settle", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    if (!readNodeConfig(this, "settle", config)) return;
    const rate = new ThroughputStatus(this, "idle");
    this.on("input", (msg: HubMessage, send: SendFn, done: DoneFn) => {
      const result = ackMessage(msg);
      rate.hit(result === "stale" ? "stale" : undefined);
      send(msg);
      done();
    });
    this.on("close", () => rate.stop());
  });
}
