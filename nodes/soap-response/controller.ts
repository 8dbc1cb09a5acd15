import { SoapFault, soapRequests } from "../../connectors/soap";
import { errorText } from "../shared/settlement";
import { ThroughputStatus } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/** What answers a waiting SOAP request: its answer, or a Fault. */
export type SoapAnswer = { result: unknown } | { fault: SoapFault };

/**
 * The answer a message carries: a Fault when it comes from a `catch` (msg.error) or sets msg.fault
 * ({faultcode, faultstring, detail}), else msg.payload as the operation's answer.
 */
export function answerOf(msg: HubMessage): SoapAnswer {
  const fault = msg.fault as { faultcode?: unknown; faultstring?: unknown; detail?: unknown } | undefined;
  if (fault && typeof fault === "object") {
    const code = typeof fault.faultcode === "string" && fault.faultcode ? fault.faultcode : "soap:Server";
    const text = typeof fault.faultstring === "string" && fault.faultstring ? fault.faultstring : "the hub's flow answered a fault";
    return { fault: new SoapFault(code, text, fault.detail, code.endsWith(":Client") ? 400 : 500) };
  }
  if (msg.error) {
    const src = msg.error.source;
    const text = errorText(msg, "the hub's flow failed");
    const named = [src?.name, src?.type].some((who) => who && text.startsWith(`${who}:`));
    const who = src?.name || src?.type;
    return { fault: new SoapFault("soap:Server", who && !named ? `${who}: ${text}` : text) };
  }
  return { result: msg.payload ?? {} };
}

/**
 * soap-response: answers the SOAP request a message came from (a soap-endpoint's, by msg._soapRequest) with
 * msg.payload, or with a Fault (see answerOf). A request answered already (a flow error, the timeout) takes nothing:
 * the node warns and goes on.
 */
export class SoapResponseController {
  private readonly rate: ThroughputStatus;

  constructor(node: Node, _config: NodeDef) {
    this.rate = new ThroughputStatus(node, "idle");
    node.on("input", (m: object, _send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const id = msg._soapRequest;
      if (typeof id !== "string") {
        done(new Error("soap-response: msg._soapRequest is missing: the message did not come from a soap-endpoint (or a node dropped the property)"));
        return;
      }
      const answer = answerOf(msg);
      const taken = "fault" in answer ? soapRequests.fault(id, answer.fault) : soapRequests.answer(id, answer.result);
      if (!taken && msg.error) {
        // behind a catch: the failing node's error answered the request already, with this same reason
        this.rate.hit("faults");
      } else if (!taken) {
        node.warn(`soap-response: the SOAP request ${id} was answered already (a flow error or the endpoint's timeout); this answer is dropped`);
        this.rate.hit("late");
      } else {
        this.rate.hit("fault" in answer ? "faults" : undefined);
      }
      done();
    });
    node.on("close", () => this.rate.stop());
  }
}
