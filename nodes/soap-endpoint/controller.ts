import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Express, IRoute } from "express";
import { SoapFault, soapRequests, soapService, type SoapRequest } from "../../connectors/soap";
import { failing } from "../shared/status";
import type { Node, NodeAPI, NodeDef } from "../shared/types";

export interface SoapEndpointConfig extends NodeDef {
  /** Where the endpoint answers, under the hub's /api ("/erp/orders" → http://hub/api/erp/orders, WSDL at ?wsdl). */
  path: string;
  /** The WSDL file it publishes (relative paths from the hub's working directory). */
  wsdl: string;
  /** Seconds the flow has to answer a request before it is answered with a Fault. */
  timeout?: string | number;
}

/** What is wrong with the config, or undefined. */
export function problemOf(config: SoapEndpointConfig): string | undefined {
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(config.path ?? "")) return `path must start with / and hold only letters, digits and . _ ~ - / (is "${config.path ?? ""}")`;
  if (!config.wsdl?.trim()) return "choose the WSDL file to publish";
  const timeout = config.timeout === undefined || config.timeout === "" ? 30 : Number(config.timeout);
  if (!(timeout > 0)) return `timeout must be a positive number of seconds (is "${config.timeout}")`;
  return undefined;
}

/**
 * soap-endpoint: publishes a WSDL at a path of the hub's /api and turns each SOAP request into a message
 * (`msg.payload` {operation, args}, `msg.soap` {service, port, operation, headers}). The request waits, by the id in
 * `msg._soapRequest`, until a `soap-response` node answers it with msg.payload, so it is answered only after what
 * the flow does before that node; a node that fails the message answers it with a Fault (the hook in index.ts), and
 * so does the flow taking longer than the timeout.
 */
export class SoapEndpointController {
  private route: IRoute | undefined;
  private closed = false;
  private requests = 0;
  private faults = 0;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly config: SoapEndpointConfig,
  ) {
    const problem = problemOf(config);
    node.on("close", (_removed: boolean, done: () => void) => {
      this.closed = true;
      soapRequests.closeOwner(node.id, `the endpoint ${config.path} stopped (a deploy or the hub stopping) before the flow answered`);
      this.removeRoute();
      done();
    });
    if (problem) {
      failing(node, problem);
      node.error(`soap-endpoint: ${problem}`);
      return;
    }
    node.status({ fill: "grey", shape: "ring", text: "reading the WSDL" });
    void this.start().catch((err: Error) => {
      failing(node, err.message);
      node.error(`soap-endpoint ${config.path}: ${err.message}`);
    });
  }

  private async start(): Promise<void> {
    const file = resolve(this.config.wsdl.trim());
    const wsdl = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
      throw new Error(`the WSDL file ${file} cannot be read (${err.code ?? err.message})`);
    });
    const service = await soapService(wsdl, (request) => this.request(request)).catch((err: Error) => {
      throw new Error(`the WSDL file ${file} is not a WSDL the hub can serve: ${err.message}`);
    });
    if (this.closed) return;
    const app = this.RED.httpNode as unknown as Express;
    this.route = app.route(this.config.path);
    this.route.get(service.handle).post(service.handle);
    this.showCounts(`${service.operations.length} operations`);
  }

  private request(request: SoapRequest): Promise<unknown> {
    const timeoutMs = Math.round((this.config.timeout === undefined || this.config.timeout === "" ? 30 : Number(this.config.timeout)) * 1000);
    const { id, answer } = soapRequests.open(this.node.id, request.operation, timeoutMs);
    this.requests++;
    this.node.send({
      payload: { operation: request.operation, args: request.args ?? {} },
      soap: { service: request.service, port: request.port, operation: request.operation, headers: request.headers ?? null },
      _soapRequest: id,
    } as never);
    this.showCounts();
    return answer.catch((fault: SoapFault) => {
      this.faults++;
      this.showCounts(undefined, fault.faultstring);
      throw fault;
    });
  }

  private showCounts(note?: string, fault?: string): void {
    if (this.closed) return;
    const parts = [`/api${this.config.path}`, ...(note ? [note] : [`${this.requests} requests`]), ...(this.faults ? [`${this.faults} faults`] : []), ...(fault ? [`last: ${fault}`] : [])];
    const text = parts.join(" · ");
    this.node.status({ fill: fault ? "red" : "green", shape: "dot", text: text.length > 60 ? `${text.slice(0, 57)}...` : text });
  }

  /** Takes the route off the router, as Node-RED's http in does on a redeploy. */
  private removeRoute(): void {
    const route = this.route;
    this.route = undefined;
    if (!route) return;
    const router = (this.RED.httpNode as unknown as { _router?: { stack: Array<{ route?: unknown }> } })._router;
    if (router) router.stack = router.stack.filter((layer) => layer.route !== route);
  }
}

/** The fault a node's error answers a waiting SOAP request with. */
export function faultForError(error: unknown, node: { name?: string; type?: string } | undefined): SoapFault {
  const text = (error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error)).replace(/^[A-Za-z]*Error: /, "");
  const named = [node?.name, node?.type].some((who) => who && text.startsWith(`${who}:`));
  const who = node?.name || node?.type;
  return new SoapFault("soap:Server", who && !named ? `${who}: ${text}` : text);
}
