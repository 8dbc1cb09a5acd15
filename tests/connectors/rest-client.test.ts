import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { resetBreakers } from "../../connectors/rest/circuit-breaker";
import { RestError, restCall, retryAfterMs } from "../../connectors/rest/client";
import { expandUrl, joinUrl } from "../../connectors/rest/url-template";
import { restCallsTotal } from "../../observability/metrics";

/** The REST client the rest-call node goes through: any method, retries what may succeed later, refuses the rest. */

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  hang?: boolean;
}

let server: Server | undefined;

/** A server answering each request with the next of `answers` (the last one from then on); it records what it got. */
async function serve(answers: Answer[]): Promise<{ base: string; got: Received[] }> {
  const got: Received[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      got.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: text, at: Date.now() });
      const answer = answers[Math.min(got.length - 1, answers.length - 1)];
      if (answer.hang) return;
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

afterEach(async () => {
  resetBreakers();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

const fast = { initialDelayMs: 5, maxDelayMs: 20, breaker: false as const };

describe("calling a system", () => {
  it.each(["GET", "POST", "PUT", "PATCH", "DELETE"])("%s: sends the method, the JSON body (none for GET), auth and headers; answers with the parsed body", async (method) => {
    const tms = await serve([{ status: 200, body: { shipmentId: "S-1", state: "booked" } }]);
    const answer = await restCall({ ...fast, method, url: `${tms.base}/shipments/S-1`, body: method === "GET" ? undefined : { carrier: "DHL" }, auth: { type: "apikey", header: "X-Tms-Key", value: "k-1" }, headers: { "Idempotency-Key": "C-NORTH/PO-1/0|book" } });
    expect(answer).toMatchObject({ status: 200, body: { shipmentId: "S-1", state: "booked" }, attempts: 1 });
    expect(tms.got[0]).toMatchObject({ method, url: "/shipments/S-1", body: method === "GET" ? "" : '{"carrier":"DHL"}' });
    expect(tms.got[0].headers).toMatchObject({ "x-tms-key": "k-1", "idempotency-key": "C-NORTH/PO-1/0|book" });
  });

  it("takes a 204 without a body", async () => {
    const tms = await serve([{ status: 204 }]);
    expect(await restCall({ ...fast, method: "DELETE", url: `${tms.base}/shipments/S-1` })).toMatchObject({ status: 204, body: undefined });
  });
});

describe("retrying", () => {
  it("tries a 503 again after a backoff, with the same Idempotency-Key, and succeeds when the system is back", async () => {
    const tms = await serve([{ status: 503 }, { status: 503 }, { status: 201, body: { id: 7 } }]);
    const retries: string[] = [];
    const answer = await restCall({ ...fast, method: "POST", url: `${tms.base}/shipments`, body: { n: 1 }, headers: { "idempotency-key": "K-1" }, onRetry: (attempt, reason) => retries.push(`${attempt}: ${reason}`) });
    expect(answer).toMatchObject({ status: 201, body: { id: 7 }, attempts: 3 });
    expect(retries).toEqual(["1: HTTP 503 Service Unavailable", "2: HTTP 503 Service Unavailable"]);
    expect(tms.got.map((g) => g.headers["idempotency-key"])).toEqual(["K-1", "K-1", "K-1"]);
  });

  it("waits as long as a 429's Retry-After asks (seconds), not the short backoff", async () => {
    const tms = await serve([{ status: 429, headers: { "retry-after": "1" }, body: { error: "slow down" } }, { status: 200 }]);
    const waits: number[] = [];
    await restCall({ ...fast, method: "POST", url: `${tms.base}/x`, body: {}, onRetry: (_a, _r, delayMs) => waits.push(delayMs) });
    expect(waits).toEqual([1000]);
    expect(tms.got[1].at - tms.got[0].at).toBeGreaterThanOrEqual(990);
  });

  it.each([
    ["delay-seconds", "3", 3000],
    ["an HTTP date", "Mon, 02 Mar 2026 08:00:05 GMT", 5000],
    ["a date gone by", "Mon, 02 Mar 2026 07:59:00 GMT", 0],
    ["nothing", undefined, undefined],
    ["words", "soon", undefined],
  ])("reads Retry-After given as %s", (_case, value, ms) => {
    expect(retryAfterMs(value, Date.parse("2026-03-02T08:00:00Z"))).toBe(ms);
  });

  it("cuts a Retry-After longer than allowed", async () => {
    const tms = await serve([{ status: 503, headers: { "retry-after": "3600" } }, { status: 200 }]);
    const waits: number[] = [];
    await restCall({ ...fast, maxRetryAfterMs: 50, method: "GET", url: `${tms.base}/x`, onRetry: (_a, _r, d) => waits.push(d) });
    expect(waits).toEqual([50]);
  });

  it.each([408, 425, 429, 500, 502, 504])("tries %i again", async (status) => {
    const tms = await serve([{ status }, { status: 200 }]);
    expect((await restCall({ ...fast, method: "PUT", url: `${tms.base}/x`, body: {} })).attempts).toBe(2);
  });

  it("tries a timeout again", async () => {
    const tms = await serve([{ status: 200, hang: true }, { status: 200 }]);
    expect((await restCall({ ...fast, method: "GET", url: `${tms.base}/x`, timeoutMs: 200 })).attempts).toBe(2);
  });

  it("gives up after the retries, retryable, saying what the last attempt got", async () => {
    const tms = await serve([{ status: 502, body: { error: "upstream down" } }]);
    const err = (await restCall({ ...fast, method: "POST", url: `${tms.base}/x`, body: {}, retries: 2 }).catch((e: unknown) => e)) as RestError;
    expect(err.message).toBe(`POST ${tms.base}/x answered HTTP 502 Bad Gateway: {"error":"upstream down"} (after 3 attempts)`);
    expect(err).toMatchObject({ status: 502, retryable: true, attempts: 3, method: "POST" });
  });

  it("says so when nobody answers at the address", async () => {
    const tms = await serve([{ status: 200 }]);
    await new Promise((r) => server!.close(r));
    const err = (await restCall({ ...fast, method: "GET", url: `${tms.base}/x`, retries: 1 }).catch((e: unknown) => e)) as RestError;
    expect(err.message).toMatch(/^no answer from GET http:\/\/127\.0\.0\.1:\d+\/x: ECONNREFUSED.* \(after 2 attempts\)$/);
    expect(err).toMatchObject({ status: undefined, retryable: true });
  });
});

describe("refusals", () => {
  it.each([400, 401, 403, 404, 409, 422])("fails a %i at once, naming method, URL, status and the body", async (status) => {
    const tms = await serve([{ status, body: { error: "unknown carrier ACME" } }]);
    const before = (await restCallsTotal.get()).values.find((v) => v.labels.system === "tms" && v.labels.method === "POST" && v.labels.outcome === "refused")?.value ?? 0;
    const err = (await restCall({ ...fast, system: "tms", method: "post", url: `${tms.base}/shipments`, body: {} }).catch((e: unknown) => e)) as RestError;
    expect(err.message).toMatch(new RegExp(`^POST ${tms.base}/shipments answered HTTP ${status} [A-Za-z ]+: \\{"error":"unknown carrier ACME"\\}$`));
    expect(err).toMatchObject({ status, retryable: false, attempts: 1 });
    expect(tms.got).toHaveLength(1);
    const after = (await restCallsTotal.get()).values.find((v) => v.labels.system === "tms" && v.labels.method === "POST" && v.labels.outcome === "refused")?.value;
    expect(after).toBe(before + 1);
  });

  it("shortens a long body in the message", async () => {
    const tms = await serve([{ status: 400, body: { error: "x".repeat(1000) } }]);
    const err = (await restCall({ ...fast, method: "POST", url: `${tms.base}/x`, body: {} }).catch((e: unknown) => e)) as RestError;
    expect(err.message.length).toBeLessThan(420);
    expect(err.message.endsWith("…")).toBe(true);
  });
});

describe("URL templates", () => {
  const msg = { payload: { shipmentId: "S/1 ä", lines: [{ sku: "FG-1000" }], zero: 0, empty: "", nothing: null, nested: { a: 1 } }, topic: "t" };
  it.each([
    ["/shipments/{{payload.shipmentId}}", "/shipments/S%2F1%20%C3%A4"],
    ["/shipments/{{ msg.payload.shipmentId }}/events?topic={{topic}}", "/shipments/S%2F1%20%C3%A4/events?topic=t"],
    ["/items/{{payload.lines[0].sku}}", "/items/FG-1000"],
    ["/counts/{{payload.zero}}", "/counts/0"],
    ["/plain", "/plain"],
  ])("%s → %s", (template, url) => {
    expect(expandUrl(template, msg)).toBe(url);
  });

  it.each([
    ["/shipments/{{payload.shipmentNo}}", "URL template /shipments/{{payload.shipmentNo}}: msg.payload.shipmentNo is missing"],
    ["/s/{{payload.empty}}", "URL template /s/{{payload.empty}}: msg.payload.empty is missing (empty)"],
    ["/s/{{payload.nothing}}", "URL template /s/{{payload.nothing}}: msg.payload.nothing is missing (null)"],
    ["/s/{{payload.nested}}", "URL template /s/{{payload.nested}}: msg.payload.nested is an object, not a value"],
    ["/s/{{payload.lines}}", "URL template /s/{{payload.lines}}: msg.payload.lines is an array, not a value"],
  ])("%s: %s", (template, message) => {
    expect(() => expandUrl(template, msg)).toThrow(message);
  });

  it.each([
    ["http://tms/api/v1", "/shipments/7", "http://tms/api/v1/shipments/7"],
    ["http://tms/api/v1/", "shipments/7", "http://tms/api/v1/shipments/7"],
    ["http://tms", "", "http://tms"],
    ["http://tms/api", "?q=1", "http://tms/api?q=1"],
    ["http://tms/api", "https://other.example/x", "https://other.example/x"],
  ])("joins %s and %s", (base, path, url) => {
    expect(joinUrl(base, path)).toBe(url);
  });
});
