import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SoapCallError, SoapFaultError, SoapSystem, classifySoapError, operationsOf, loadWsdl, type SoapSystemOptions } from "../../connectors/soap";
import { ERP_WSDL_FILE, startErp, type StandInErp } from "../support/soap-erp";

const CREATE = { service: "ErpService", port: "ErpPort", operation: "CreateSalesOrder" };

let erp: StandInErp;

beforeEach(async () => {
  erp = await startErp();
});

afterEach(async () => {
  await erp.close();
});

function system(opts: Partial<SoapSystemOptions> = {}): SoapSystem {
  return new SoapSystem({ name: "ERP", timeoutMs: 5000, retries: 3, initialDelayMs: 20, maxDelayMs: 100, ...opts });
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("the call succeeded; a failure was expected");
}

describe("a SOAP call to the ERP", () => {
  it("succeeds with the operation's answer, in one attempt", async () => {
    const answer = await system().call(erp.wsdlUrl, CREATE, { orderNumber: "PO-1", customer: "C-NORTH", amount: 120.5 });
    expect(answer).toEqual({ result: { salesOrder: "SO-PO-1", status: "created" }, attempts: 1 });
    expect(erp.calls).toHaveLength(1);
    expect(erp.calls[0].args).toMatchObject({ orderNumber: "PO-1", customer: "C-NORTH" });
  });

  it("loads the WSDL once per address and keeps the client for the next calls", async () => {
    const erpSystem = system();
    await erpSystem.call(erp.wsdlUrl, CREATE, { orderNumber: "PO-1", customer: "C-1", amount: 1 });
    await erpSystem.call(erp.wsdlUrl, { ...CREATE, operation: "GetOrderStatus" }, { salesOrder: "SO-PO-1" });
    expect(erp.requests.filter((r) => r === "GET ?wsdl")).toHaveLength(1);
    expect(erp.calls.map((c) => c.operation)).toEqual(["CreateSalesOrder", "GetOrderStatus"]);
  });

  it("tries an HTTP 503 without a SOAP fault again, with backoff, and succeeds", async () => {
    const erpSystem = system();
    await erpSystem.client(erp.wsdlUrl);
    erp.failNext(2, 503);
    const retries: Array<[number, string]> = [];
    const answer = await erpSystem.call(erp.wsdlUrl, CREATE, { orderNumber: "PO-2", customer: "C-1", amount: 1 }, { onRetry: (n, reason) => retries.push([n, reason]) });
    expect(answer.attempts).toBe(3);
    expect(answer.result).toEqual({ salesOrder: "SO-PO-2", status: "created" });
    expect(retries.map(([n]) => n)).toEqual([1, 2]);
    expect(retries[0][1]).toMatch(/^HTTP 503/);
    expect(erp.requests.filter((r) => r === "POST")).toHaveLength(3);
    expect(erp.calls).toHaveLength(1);
  });

  it("tries a WSDL that answered 503 again, and loads it once it answers", async () => {
    erp.failNext(1, 503);
    const answer = await system().call(erp.wsdlUrl, CREATE, { orderNumber: "PO-3", customer: "C-1", amount: 1 });
    expect(answer.attempts).toBe(2);
    expect(erp.requests.filter((r) => r === "GET ?wsdl")).toHaveLength(2);
  });

  it("does not retry a SOAP fault: one call, a SoapFaultError with faultcode and faultstring", async () => {
    const err = await failure(system({ retries: 5 }).call(erp.wsdlUrl, CREATE, { orderNumber: "PO-4", customer: "UNKNOWN", amount: 1 }));
    expect(err).toBeInstanceOf(SoapFaultError);
    const fault = err as SoapFaultError;
    expect(fault.faultcode).toBe("soap:Client");
    expect(fault.faultstring).toBe("customer UNKNOWN is not in the ERP");
    expect(fault.attempts).toBe(1);
    expect(fault.message).toBe("ERP operation CreateSalesOrder answered SOAP fault soap:Client: customer UNKNOWN is not in the ERP");
    expect(erp.calls).toHaveLength(1);
  });

  it("does not retry an HTTP 4xx without a fault", async () => {
    const erpSystem = system();
    await erpSystem.client(erp.wsdlUrl);
    erp.failNext(1, 400);
    const err = await failure(erpSystem.call(erp.wsdlUrl, CREATE, { orderNumber: "PO-5", customer: "C-1", amount: 1 }));
    expect(err).toBeInstanceOf(SoapCallError);
    expect((err as SoapCallError).retryable).toBe(false);
    expect((err as SoapCallError).status).toBe(400);
    expect(err.message).toMatch(/^ERP operation CreateSalesOrder at http:\/\/127\.0\.0\.1:\d+\/erp\?wsdl failed: HTTP 400/);
    expect(erp.requests.filter((r) => r === "POST")).toHaveLength(1);
  });

  it("gives up after the retries when the ERP keeps answering 503, naming the attempts", async () => {
    const erpSystem = system({ retries: 2 });
    await erpSystem.client(erp.wsdlUrl);
    erp.failNext(10, 503);
    const err = await failure(erpSystem.call(erp.wsdlUrl, CREATE, { orderNumber: "PO-6", customer: "C-1", amount: 1 }));
    expect(err).toBeInstanceOf(SoapCallError);
    expect(err.message).toMatch(/failed: HTTP 503 .*\(after 3 attempts\)$/);
    expect(erp.requests.filter((r) => r === "POST")).toHaveLength(3);
  });

  it("times out a call that is not answered in time, and tries it again", async () => {
    erp.slowMs = 3000;
    const erpSystem = system({ timeoutMs: 300, retries: 1 });
    await erpSystem.client(erp.wsdlUrl);
    const err = await failure(erpSystem.call(erp.wsdlUrl, CREATE, { orderNumber: "PO-7", customer: "SLOW", amount: 1 }));
    expect(err).toBeInstanceOf(SoapCallError);
    expect(err.message).toMatch(/failed: no answer within 300 ms \(after 2 attempts\)$/);
    expect(erp.calls).toHaveLength(2);
  });

  it("tries a refused connection again, then names it", async () => {
    const erpSystem = system({ retries: 2 });
    await erpSystem.client(erp.wsdlUrl);
    await erp.close();
    const err = await failure(erpSystem.call(erp.wsdlUrl, CREATE, { orderNumber: "PO-8", customer: "C-1", amount: 1 }));
    expect(err).toBeInstanceOf(SoapCallError);
    expect(err.message).toMatch(/failed: ECONNREFUSED.*\(after 3 attempts\)$/);
  });

  it("sends the WS-Security UsernameToken", async () => {
    await system({ user: "orderhub", password: "s3cret" }).call(erp.wsdlUrl, CREATE, { orderNumber: "PO-9", customer: "C-1", amount: 1 });
    const token = (erp.calls[0].headers?.Security as { UsernameToken?: { Username?: unknown; Password?: unknown } } | undefined)?.UsernameToken;
    expect(token?.Username).toBe("orderhub");
    expect(JSON.stringify(token?.Password)).toContain("s3cret");
  });

  it("sends no security header without a user", async () => {
    await system().call(erp.wsdlUrl, CREATE, { orderNumber: "PO-10", customer: "C-1", amount: 1 });
    expect(erp.calls[0].headers?.Security).toBeUndefined();
  });

  it("names the operations the WSDL offers when asked for one it does not", async () => {
    const err = await failure(system().call(erp.wsdlUrl, { ...CREATE, operation: "DeleteEverything" }, {}));
    expect(err).toBeInstanceOf(SoapCallError);
    expect(err.message).toContain("has no operation ErpService/ErpPort/DeleteEverything (it offers ErpService/ErpPort/CreateSalesOrder, ErpService/ErpPort/GetOrderStatus)");
  });

  it("stops waiting to try again when its signal fires", async () => {
    const erpSystem = system({ initialDelayMs: 10_000, maxDelayMs: 10_000 });
    await erpSystem.client(erp.wsdlUrl);
    erp.failNext(5, 503);
    const stop = new AbortController();
    const call = failure(erpSystem.call(erp.wsdlUrl, CREATE, { orderNumber: "PO-11", customer: "C-1", amount: 1 }, { signal: stop.signal, onRetry: () => stop.abort() }));
    const err = await call;
    expect(err.message).toMatch(/stopped while waiting to try again \(the last attempt got HTTP 503/);
  });
});

describe("a WSDL's operations", () => {
  it("lists services, ports and operations from a file", async () => {
    const ops = operationsOf(await loadWsdl(ERP_WSDL_FILE, 5000));
    expect(ops.map((o) => `${o.service}/${o.port}/${o.operation}`)).toEqual(["ErpService/ErpPort/CreateSalesOrder", "ErpService/ErpPort/GetOrderStatus"]);
    expect(ops[0].input).toMatchObject({ orderNumber: expect.any(String), customer: expect.any(String) });
  });

  it("says why a file is not there", async () => {
    await expect(loadWsdl("/nonexistent/erp.wsdl", 5000)).rejects.toThrow(/ENOENT/);
  });
});

describe("what a failed call means", () => {
  const soap11 = { root: { Envelope: { Body: { Fault: { faultcode: "soap:Server", faultstring: "deadlock, try later", detail: { code: 7 } } } } }, response: { status: 500 } };
  const soap12 = { root: { Envelope: { Body: { Fault: { Code: { Value: "soap:Sender", Subcode: { Value: "m:BadCustomer" } }, Reason: { Text: { $value: "no such customer" } } } } } } };
  const cases: Array<[string, unknown, boolean, Record<string, unknown>]> = [
    ["a SOAP 1.1 fault, even with a 500: not retried", soap11, false, { kind: "fault", faultcode: "soap:Server", faultstring: "deadlock, try later", status: 500 }],
    ["a SOAP 1.2 fault", soap12, false, { kind: "fault", faultcode: "soap:Sender / m:BadCustomer", faultstring: "no such customer" }],
    ["a refused connection", { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:1" }, false, { kind: "failure", retryable: true }],
    ["a reset", { code: "ECONNRESET", message: "read ECONNRESET" }, false, { kind: "failure", retryable: true }],
    ["a socket hang up without a code", { message: "socket hang up" }, false, { kind: "failure", retryable: true }],
    ["axios's timeout", { code: "ECONNABORTED", message: "timeout of 300ms exceeded" }, false, { kind: "failure", retryable: true, reason: "no answer within 300 ms" }],
    ["the caller's own timer", { code: "ERR_CANCELED", message: "canceled" }, true, { kind: "failure", retryable: true, reason: "no answer within 300 ms" }],
    ["a cancellation that is no timeout (a node closing)", { code: "ERR_CANCELED", message: "canceled" }, false, { kind: "failure", retryable: false }],
    ["a 502 gateway page", { message: "Error http status codes", response: { status: 502, statusText: "Bad Gateway" }, body: "<html>bad gateway</html>" }, false, { kind: "failure", retryable: true, status: 502 }],
    ["a 429", { message: "Error http status codes", response: { status: 429 } }, false, { kind: "failure", retryable: true, status: 429 }],
    ["a 404 without a fault", { message: "Error http status codes", response: { status: 404 } }, false, { kind: "failure", retryable: false, status: 404 }],
    ["a WSDL address answering 503", { message: "Invalid WSDL URL: http://erp/x?wsdl\n\n\r Code: 503\n\n\r Response Body: down" }, false, { kind: "failure", retryable: true, status: 503 }],
    ["a WSDL address answering 404", { message: "Invalid WSDL URL: http://erp/x?wsdl\n\n\r Code: 404\n\n\r Response Body: ?" }, false, { kind: "failure", retryable: false, status: 404 }],
    ["a 200 that is no SOAP", { message: "Cannot parse response", response: { status: 200 } }, false, { kind: "failure", retryable: false }],
  ];
  it.each(cases)("%s", (_what, err, timedOut, expected) => {
    expect(classifySoapError(err, 300, timedOut)).toMatchObject(expected);
  });
});
