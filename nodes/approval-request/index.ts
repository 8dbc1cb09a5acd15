import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { ApprovalRequestController, type ApprovalRequestConfig, type ApprovalRequestCredentials } from "./controller";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType(
    "approval-request",
    function (this: any, config: ApprovalRequestConfig) {
      RED.nodes.createNode(this, config);
      const cfg = readNodeConfig<ApprovalRequestConfig>(this, "approval-request", config);
      if (cfg) new ApprovalRequestController(RED, this, cfg, (this.credentials ?? {}) as ApprovalRequestCredentials);
    },
    { credentials: { user: { type: "text" }, password: { type: "password" }, token: { type: "password" } } } as any,
  );
}
