import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitOpenError, breakerFor, resetBreakers, type CircuitState } from "../../connectors/rest/circuit-breaker";
import { RestError, restCall } from "../../connectors/rest/client";
import { circuitState, circuitTransitionsTotal } from "../../observability/metrics";
import { until } from "../support/wait";

/** The breaker's rules, step by step on a clock the test moves: what each call meets and what the circuit becomes. */

type Step = ["ok" | "fail" | "admit" | "refused", CircuitState] | ["wait", number, CircuitState];

function run(steps: Step[], threshold = 3, coolDownMs = 10_000): void {
  let now = Date.parse("2026-03-02T08:00:00Z");
  const breaker = new CircuitBreaker(`rules-${Math.random()}`, { failureThreshold: threshold, coolDownMs }, () => now);
  try {
    steps.forEach((step, i) => {
      const where = `step ${i + 1} ${JSON.stringify(step)}`;
      if (step[0] === "wait") now += step[1];
      else if (step[0] === "ok" || step[0] === "fail") {
        breaker.admit();
        if (step[0] === "ok") breaker.success();
        else breaker.failure();
      } else if (step[0] === "admit") breaker.admit();
      else expect(() => breaker.admit(), where).toThrow(CircuitOpenError);
      expect(breaker.state, where).toBe(step[step.length - 1]);
    });
  } finally {
    breaker.dispose();
  }
}

describe("a host's circuit", () => {
  it.each<[string, Step[]]>([
    ["stays closed below the threshold", [["fail", "closed"], ["fail", "closed"], ["ok", "closed"], ["fail", "closed"], ["fail", "closed"]]],
    ["opens on the third failure in a row", [["fail", "closed"], ["fail", "closed"], ["fail", "open"]]],
    ["a success in between starts the count again", [["fail", "closed"], ["fail", "closed"], ["ok", "closed"], ["fail", "closed"], ["fail", "closed"], ["fail", "open"]]],
    ["open: calls fail at once until the cool-down ends", [["fail", "closed"], ["fail", "closed"], ["fail", "open"], ["refused", "open"], ["wait", 9_999, "open"], ["refused", "open"]]],
    ["after the cool-down: half-open, and one probe goes", [["fail", "closed"], ["fail", "closed"], ["fail", "open"], ["wait", 10_000, "half-open"], ["admit", "half-open"]]],
    ["half-open: a second call while the probe is out is refused", [["fail", "closed"], ["fail", "closed"], ["fail", "open"], ["wait", 10_000, "half-open"], ["admit", "half-open"], ["refused", "half-open"]]],
    ["the probe's success closes it", [["fail", "closed"], ["fail", "closed"], ["fail", "open"], ["wait", 10_000, "half-open"], ["ok", "closed"], ["fail", "closed"], ["fail", "closed"]]],
    ["the probe's failure opens it again, for a whole cool-down", [["fail", "closed"], ["fail", "closed"], ["fail", "open"], ["wait", 10_000, "half-open"], ["fail", "open"], ["wait", 9_000, "open"], ["refused", "open"], ["wait", 1_000, "half-open"], ["ok", "closed"]]],
  ])("%s", (_case, steps) => run(steps));

  it("with a threshold of 1 opens on the first failure", () => run([["fail", "open"]], 1));

  it("names the host and until when it is open, and says it is worth trying then", () => {
    let now = Date.parse("2026-03-02T08:00:00Z");
    const breaker = new CircuitBreaker("tms.example:8443", { failureThreshold: 1, coolDownMs: 30_000 }, () => now);
    breaker.admit();
    breaker.failure();
    const err = (() => {
      try {
        breaker.admit();
      } catch (e) {
        return e as CircuitOpenError;
      }
    })();
    expect(err?.message).toBe("circuit open for tms.example:8443 until 2026-03-02T08:00:30.000Z");
    expect(err).toMatchObject({ retryable: true, host: "tms.example:8443", retryAt: Date.parse("2026-03-02T08:00:30Z") });
    now += 30_000;
    expect(breaker.state).toBe("half-open");
    breaker.dispose();
  });
});

describe("the breaker in front of a real host", () => {
  let server: Server | undefined;
  afterEach(async () => {
    resetBreakers();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r) ?? r(undefined));
  });

  it("opens after N failures, fails fast without reaching the host, lets one probe through after the cool-down, and closes", async () => {
    let answer = 503;
    let received = 0;
    server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      received++;
      // the probe is held a moment, so that a second call meets the half-open circuit with the probe out
      setTimeout(() => res.writeHead(answer, { "content-type": "application/json" }).end(JSON.stringify({ received })), answer === 200 ? 150 : 0);
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = `http://${host}/shipments`;
    const settings = { failureThreshold: 3, coolDownMs: 300 };
    const call = () => restCall({ method: "POST", url, body: { n: 1 }, retries: 0, breaker: settings, system: "tms" });
    const opened = await circuitTransitionsTotal.get();
    const count = (to: string) => opened.values.find((v) => v.labels.host === host && v.labels.to === to)?.value ?? 0;
    expect(count("open")).toBe(0);

    for (let i = 0; i < 3; i++) await expect(call()).rejects.toMatchObject({ status: 503, retryable: true });
    expect(breakerFor(host).state).toBe("open");
    expect((await circuitState.get()).values.find((v) => v.labels.host === host)?.value).toBe(2);

    const fast = (await call().catch((e: unknown) => e)) as RestError;
    expect(fast).toBeInstanceOf(RestError);
    expect(fast.message).toMatch(new RegExp(`^POST ${url}: circuit open for ${host.replace(/\./g, "\\.")} until \\d{4}-\\d\\d-\\d\\dT`));
    expect(fast).toMatchObject({ retryable: true, circuitOpen: true, status: undefined });
    expect(received).toBe(3);

    await until("the circuit half-open after its cool-down", () => breakerFor(host).state === "half-open");
    expect((await circuitState.get()).values.find((v) => v.labels.host === host)?.value).toBe(1);
    answer = 200;
    const probe = call();
    const second = (await call().catch((e: unknown) => e)) as RestError;
    expect(second.message).toContain(`circuit half-open for ${host}: one probe call is under way`);
    expect((await probe).status).toBe(200);
    expect(received).toBe(4);
    expect(breakerFor(host).state).toBe("closed");
    expect((await circuitState.get()).values.find((v) => v.labels.host === host)?.value).toBe(0);
    await expect(call()).resolves.toMatchObject({ status: 200 });

    const after = await circuitTransitionsTotal.get();
    const moved = (to: string) => after.values.find((v) => v.labels.host === host && v.labels.to === to)?.value;
    expect([moved("open"), moved("half-open"), moved("closed")]).toEqual([1, 1, 1]);
  });

  it("a 4xx is the host answering: it does not count towards opening", async () => {
    server = createServer((_req, res) => res.writeHead(404).end("no such shipment"));
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shipments/9`;
    for (let i = 0; i < 4; i++) await expect(restCall({ method: "GET", url, retries: 0, breaker: { failureThreshold: 2, coolDownMs: 60_000 } })).rejects.toMatchObject({ status: 404 });
    expect(breakerFor(new URL(url).host).state).toBe("closed");
  });
});
