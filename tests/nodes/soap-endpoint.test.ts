import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express } from "express";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SoapFault, SoapFaultError, SoapSystem, soapRequests } from "../../connectors/soap";
import erpSystem from "../../nodes/erp-system/index";
import soapCall from "../../nodes/soap-call/index";
import soapEndpoint from "../../nodes/soap-endpoint/index";
import soapResponse from "../../nodes/soap-response/index";
import { answerOf } from "../../nodes/soap-response/controller";
import type { HubMessage } from "../../nodes/shared/types";
import { helper, hubNodes, loadFlow } from "../support/node-red";
import { ERP_WSDL_FILE, startErp, type StandInErp } from "../support/soap-erp";
import { until } from "../support/wait";

const CREATE = { service: "ErpService", port: "ErpPort", operation: "CreateSalesOrder" };

let erp: StandInErp;
let hub: Server;
let base: string;
let httpNode: Express | undefined;

/** Takes the runtime's httpNode, to serve it under /api on a real port as the hub does. */
function captureHttpNode(RED: { httpNode: Express }): void {
  httpNode = RED.httpNode;
}

beforeEach(async () => {
  erp = await startErp();
  const app = express();
  app.use("/api", (req, res, next) => (httpNode ? httpNode(req, res, next) : next()));
  hub = createServer(app);
  await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await helper.unload();
  httpNode = undefined;
  await erp.close();
  hub.closeAllConnections();
  await new Promise((resolve) => hub.close(resolve));
});

const endpoint = (wires: string[], timeout = 5) => ({ id: "ep", type: "soap-endpoint", configVersion: 1, z: "t", name: "", path: "/erp-orders", wsdl: ERP_WSDL_FILE, timeout, wires: [wires] });

async function start(flow: Array<Record<string, unknown>>): Promise<void> {
  await loadFlow([{ id: "t", type: "tab", label: "soap" }, ...flow], [...hubNodes(), erpSystem, soapCall, soapEndpoint, soapResponse, captureHttpNode]);
  await until("the endpoint to serve its WSDL", async () => (await fetch(`${base}/api/erp-orders?wsdl`)).status === 200);
}

/** The endpoint's caller: a SOAP client of the WSDL as the endpoint publishes it. */
function caller(opts: { user?: string; password?: string } = {}): SoapSystem {
  return new SoapSystem({ name: "hub endpoint", timeoutMs: 10_000, retries: 0, ...opts });
}

/** soap-endpoint → args → soap-call (the stand-in ERP) → soap-response: the ERP's answer goes back to the caller. */
const relay = (wsdl: string) => [
  { id: "the-erp", type: "erp-system", configVersion: 1, name: "ERP", wsdl, timeout: 5, retries: 0 },
  endpoint(["args"]),
  { id: "args", type: "change", z: "t", rules: [{ t: "set", p: "payload", pt: "msg", to: "payload.args", tot: "msg" }], action: "", property: "", from: "", to: "", reg: false, wires: [["call"]] },
  { id: "call", type: "soap-call", configVersion: 1, z: "t", name: "create sales order", system: "the-erp", service: "ErpService", port: "ErpPort", operation: "CreateSalesOrder", wires: [["respond"]] },
  { id: "respond", type: "soap-response", configVersion: 1, z: "t", name: "", wires: [] },
];

describe("soap-endpoint", () => {
  it("publishes its WSDL under /api, pointing at where it is served", async () => {
    await start([endpoint([])]);
    const wsdl = await (await fetch(`${base}/api/erp-orders?wsdl`)).text();
    expect(wsdl).toContain(`<soap:address location="${base}/api/erp-orders"/>`);
    expect(wsdl).toContain('<operation name="CreateSalesOrder">');
  });

  it("answers with what the flow did: the ERP's answer, after the ERP was called", async () => {
    await start(relay(erp.wsdlUrl));
    const { result } = await caller().call(`${base}/api/erp-orders?wsdl`, CREATE, { orderNumber: "PO-7", customer: "C-NORTH", amount: 5 });
    expect(result).toEqual({ salesOrder: "SO-PO-7", status: "created" });
    expect(erp.calls.map((c) => c.args.orderNumber)).toEqual(["PO-7"]);
  });

  it("answers only once soap-response is reached: the request waits while the flow works", async () => {
    await start([endpoint(["gate"]), { id: "gate", type: "helper", z: "t" }, { id: "respond", type: "soap-response", configVersion: 1, z: "t", wires: [] }]);
    const held: HubMessage[] = [];
    helper.getNode("gate").on("input", (m: HubMessage) => held.push(m));
    let answered = false;
    const call = caller()
      .call(`${base}/api/erp-orders?wsdl`, CREATE, { orderNumber: "PO-8", customer: "C-NORTH", amount: 5 })
      .finally(() => (answered = true));
    await until("the request in the flow", () => held.length === 1);
    const msg = held[0];
    expect(msg.payload).toMatchObject({ operation: "CreateSalesOrder", args: { orderNumber: "PO-8", customer: "C-NORTH" } });
    expect(msg.soap).toMatchObject({ service: "ErpService", port: "ErpPort", operation: "CreateSalesOrder" });
    expect(soapRequests.has(msg._soapRequest as string)).toBe(true);
    expect(answered).toBe(false);
    helper.getNode("respond").receive({ ...msg, payload: { salesOrder: "SO-PO-8", status: "created" } } as never);
    expect((await call).result).toEqual({ salesOrder: "SO-PO-8", status: "created" });
    expect(soapRequests.has(msg._soapRequest as string)).toBe(false);
  });

  it("answers a SOAP Fault when a node of the flow fails the message, naming the node's error", async () => {
    await start(relay(erp.wsdlUrl));
    const err = await caller()
      .call(`${base}/api/erp-orders?wsdl`, CREATE, { orderNumber: "PO-9", customer: "UNKNOWN", amount: 5 })
      .then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(SoapFaultError);
    expect((err as SoapFaultError).faultcode).toBe("soap:Server");
    expect((err as SoapFaultError).faultstring).toBe("soap-call: ERP operation CreateSalesOrder answered SOAP fault soap:Client: customer UNKNOWN is not in the ERP");
    expect((err as SoapFaultError).status).toBe(500);
  });

  it("answers a SOAP Fault when the flow does not answer in time", async () => {
    await start([endpoint(["gate"], 0.3), { id: "gate", type: "helper", z: "t" }]);
    const err = await caller()
      .call(`${base}/api/erp-orders?wsdl`, CREATE, { orderNumber: "PO-10", customer: "C-NORTH", amount: 5 })
      .then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(SoapFaultError);
    expect((err as SoapFaultError).faultstring).toBe("the hub's flow did not answer operation CreateSalesOrder within 0.3 s");
  });

  it("hands the SOAP header to the flow: a WS-Security UsernameToken arrives in msg.soap.headers", async () => {
    await start([endpoint(["gate"]), { id: "gate", type: "helper", z: "t" }, { id: "respond", type: "soap-response", configVersion: 1, z: "t", wires: [] }]);
    helper.getNode("gate").on("input", (m: HubMessage) => helper.getNode("respond").receive({ ...m, payload: { salesOrder: "SO-1", status: "created" } } as never));
    const seen: HubMessage[] = [];
    helper.getNode("gate").on("input", (m: HubMessage) => seen.push(m));
    await caller({ user: "oa-client", password: "pw" }).call(`${base}/api/erp-orders?wsdl`, CREATE, { orderNumber: "PO-11", customer: "C-NORTH", amount: 5 });
    const headers = (seen[0].soap as { headers: { Security?: { UsernameToken?: { Username?: string } } } }).headers;
    expect(headers.Security?.UsernameToken?.Username).toBe("oa-client");
  });

  it("refuses a config it cannot serve, saying why", async () => {
    await start([endpoint([])]);
    await helper.unload();
    await loadFlow([{ id: "t", type: "tab" }, { ...endpoint([]), path: "erp" }], [...hubNodes(), soapEndpoint, captureHttpNode]);
    const node = helper.getNode("ep") as unknown as { status: { args: Array<[{ fill: string }]>; thisValues: unknown[] }; error: { args: unknown[][] } };
    expect(node.status.args.filter((_a, i) => node.status.thisValues[i] === node).at(-1)?.[0]).toMatchObject({ fill: "red" });
    expect(node.error.args.map((a) => a[0])).toContain('soap-endpoint: path must start with / and hold only letters, digits and . _ ~ - / (is "erp")');
    expect((await fetch(`${base}/api/erp?wsdl`)).status).toBe(404);
  });
});

describe("what soap-response answers", () => {
  const msg = (m: Record<string, unknown>) => ({ _msgid: "1", _soapRequest: "ep:1", ...m }) as HubMessage;
  const cases: Array<[string, HubMessage, { result?: unknown; fault?: Partial<SoapFault> }]> = [
    ["msg.payload as the answer", msg({ payload: { status: "created" } }), { result: { status: "created" } }],
    ["an empty answer for no payload", msg({ payload: undefined }), { result: {} }],
    ["a catch's error as a soap:Server fault, naming the node", msg({ payload: 1, error: { message: "Error: store unavailable", source: { name: "record", type: "order-record" } } }), { fault: { faultcode: "soap:Server", faultstring: "record: store unavailable", status: 500 } }],
    ["an error that names its node already, once", msg({ error: { message: "Error: soap-call: ERP down", source: { type: "soap-call" } } }), { fault: { faultstring: "soap-call: ERP down" } }],
    ["msg.fault as given; a Client fault with 400", msg({ fault: { faultcode: "soap:Client", faultstring: "order PO-1 is closed", detail: { order: "PO-1" } } }), { fault: { faultcode: "soap:Client", faultstring: "order PO-1 is closed", detail: { order: "PO-1" }, status: 400 } }],
    ["msg.fault without a code: soap:Server", msg({ fault: { faultstring: "no" } }), { fault: { faultcode: "soap:Server", faultstring: "no", status: 500 } }],
  ];
  it.each(cases)("%s", (_what, m, expected) => {
    const answer = answerOf(m);
    if (expected.fault) {
      expect("fault" in answer && answer.fault).toMatchObject(expected.fault);
    } else {
      expect(answer).toEqual({ result: expected.result });
    }
  });
});
