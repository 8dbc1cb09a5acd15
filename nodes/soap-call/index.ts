import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { SoapCallController, type SoapCallConfig } from "./controller";
import { operationsRoute } from "./operations-route";

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("soap-call", function (this: any, config: SoapCallConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<SoapCallConfig>(this, "soap-call", config);
    if (cfg) new SoapCallController(RED, this, cfg);
  });
  // for the editor's drop-downs: the services, ports and operations of an erp-system's WSDL
  const auth = (RED as unknown as { auth?: { needsPermission(p: string): (req: unknown, res: unknown, next: () => void) => void } }).auth;
  const permission = auth ? [auth.needsPermission("soap-call.read")] : [];
  RED.httpAdmin.get("/orderhub/soap/operations", ...(permission as []), operationsRoute(RED));
}
