import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RestCallError, postJson } from "../../connectors/rest/post-json";

/** The REST client OA requests go through: retries what may succeed later, fails at once what will not. */

interface Received {
  headers: IncomingMessage["headers"];
  body: unknown;
}

let server: Server | undefined;

/** A server answering each request with the next of `answers` (the last one from then on); it records what it got. */
async function serve(answers: Array<{ status: number; body?: unknown; hang?: boolean }>): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      got.push({ headers: req.headers, body: JSON.parse(text || "null") });
      const answer = answers[Math.min(got.length - 1, answers.length - 1)];
      if (answer.hang) return;
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/approvals`, got };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

const fast = { initialDelayMs: 5, maxDelayMs: 20 };

describe("posting JSON", () => {
  it("sends the body as JSON with the auth and headers given, and answers with the 2xx body", async () => {
    const oa = await serve([{ status: 201, body: { reference: "OA-7" } }]);
    const answer = await postJson(oa.url, { approvalId: "apr-1" }, { auth: { type: "bearer", token: "s3cret" }, headers: { "idempotency-key": "apr-1" } });
    expect(answer).toEqual({ status: 201, body: { reference: "OA-7" }, attempts: 1 });
    expect(oa.got[0].body).toEqual({ approvalId: "apr-1" });
    expect(oa.got[0].headers).toMatchObject({ authorization: "Bearer s3cret", "idempotency-key": "apr-1", "content-type": "application/json" });
  });

  it("sends basic credentials", async () => {
    const oa = await serve([{ status: 200 }]);
    await postJson(oa.url, {}, { auth: { type: "basic", user: "hub", password: "pw" } });
    expect(oa.got[0].headers.authorization).toBe(`Basic ${Buffer.from("hub:pw").toString("base64")}`);
  });
});

describe("retrying", () => {
  it("tries a 503 again after a backoff, and succeeds when the receiver is back", async () => {
    const oa = await serve([{ status: 503 }, { status: 503 }, { status: 200 }]);
    const retries: string[] = [];
    const answer = await postJson(oa.url, { n: 1 }, { ...fast, onRetry: (attempt, reason) => retries.push(`${attempt}: ${reason}`) });
    expect(answer.attempts).toBe(3);
    expect(retries).toEqual(["1: HTTP 503 Service Unavailable: {}", "2: HTTP 503 Service Unavailable: {}"]);
    expect(oa.got.map((g) => g.body)).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
  });

  it("tries a timeout again", async () => {
    const oa = await serve([{ status: 200, hang: true }, { status: 200 }]);
    const answer = await postJson(oa.url, {}, { ...fast, timeoutMs: 200 });
    expect(answer.attempts).toBe(2);
  });

  it("gives up after the retries, saying what the last attempt got", async () => {
    const oa = await serve([{ status: 502, body: { error: "upstream down" } }]);
    const err = await postJson(oa.url, {}, { ...fast, retries: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestCallError);
    expect((err as RestCallError).message).toBe(`${oa.url} answered HTTP 502 Bad Gateway: {"error":"upstream down"} (after 3 attempts)`);
    expect(oa.got).toHaveLength(3);
  });

  it("tries again when nobody answers at the address, and says so", async () => {
    const oa = await serve([{ status: 200 }]);
    await new Promise((r) => server!.close(r));
    const err = (await postJson(oa.url, {}, { ...fast, retries: 1 }).catch((e: unknown) => e)) as RestCallError;
    expect(err.message).toMatch(/^no answer from http:\/\/127\.0\.0\.1:\d+\/approvals: ECONNREFUSED.* \(after 2 attempts\)$/);
    expect(err.status).toBeUndefined();
  });
});

describe("refusals", () => {
  it("fails a 4xx at once, with the receiver's words", async () => {
    const oa = await serve([{ status: 422, body: { error: "unknown cost centre" } }]);
    const err = (await postJson(oa.url, {}, fast).catch((e: unknown) => e)) as RestCallError;
    expect(err.message).toBe(`${oa.url} answered HTTP 422 Unprocessable Entity: {"error":"unknown cost centre"}`);
    expect(err).toMatchObject({ status: 422, retryable: false, attempts: 1 });
    expect(oa.got).toHaveLength(1);
  });

  it("stops retrying when told to", async () => {
    const oa = await serve([{ status: 503 }]);
    const stop = new AbortController();
    const call = postJson(oa.url, {}, { initialDelayMs: 60_000, maxDelayMs: 60_000, onRetry: () => stop.abort(), signal: stop.signal });
    await expect(call).rejects.toThrow(/stopped while waiting to try again \(the last attempt got HTTP 503/);
    expect(oa.got).toHaveLength(1);
  });
});
