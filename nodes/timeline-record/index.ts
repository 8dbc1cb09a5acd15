import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI, NodeDef } from "../shared/types";
import { TimelineRecordController } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("timeline-record", function (this: any, config: NodeDef) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<NodeDef>(this, "timeline-record", config);
    if (cfg) new TimelineRecordController(this, cfg);
  });
}
