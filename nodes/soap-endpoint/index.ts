import { soapRequests } from "../../connectors/soap";
import { readNodeConfig } from "../shared/config-version";
import type { NodeAPI } from "../shared/types";
import { SoapEndpointController, faultForError, type SoapEndpointConfig } from "./controller";

interface Hooks {
  add(label: string, fn: (event: CompleteEvent) => void): void;
  remove(label: string): void;
}
interface CompleteEvent {
  msg?: { _soapRequest?: unknown };
  error?: unknown;
  node?: { node?: { name?: string; type?: string } };
}

const HOOK = "onComplete.orderhub-soap-endpoint";

/** Node-RED's hooks: the runtime gives them to nodes; node-red-node-test-helper does not, so they come from the module. */
function hooksOf(RED: NodeAPI): Hooks {
  return ((RED as unknown as { hooks?: Hooks }).hooks ?? (require("@node-red/util") as { hooks: Hooks }).hooks) as Hooks;
}

export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("soap-endpoint", function (this: any, config: SoapEndpointConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<SoapEndpointConfig>(this, "soap-endpoint", config);
    if (cfg) new SoapEndpointController(RED, this, cfg);
  });
  // A node that fails a message of a waiting SOAP request (done(err)) answers the request with a Fault naming it.
  const hooks = hooksOf(RED);
  hooks.remove(HOOK);
  hooks.add(HOOK, (event) => {
    const id = event.msg?._soapRequest;
    if (!event.error || typeof id !== "string" || !soapRequests.has(id)) return;
    soapRequests.fault(id, faultForError(event.error, event.node?.node));
  });
}
