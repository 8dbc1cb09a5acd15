import { backoffDelay } from "../../connectors/amqp/backoff";
import { breakerFor, hostOf, type CircuitBreaker, type CircuitState } from "../../connectors/rest/circuit-breaker";
import { RestError, restCall } from "../../connectors/rest/client";
import { expandUrl, joinUrl, lookup } from "../../connectors/rest/url-template";
import { restTargetFor, type RestTarget } from "../rest-system/controller";
import { releaseOutbox } from "../shared/outbox";
import { deliveryState, stillWorking, waitingTurn } from "../shared/settlement";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

export interface RestCallConfig extends NodeDef {
  /** The rest-system config node. */
  system: string;
  method: string;
  /** Path (or whole URL) template relative to the system's base URL: `/shipments/{{payload.shipmentId}}`. */
  url: string;
  /** The operation's name in the fallback idempotency key (`<orderKey>|<operation>`); empty: the node's name, else method and path. */
  operation?: string;
  /** Message property holding the Idempotency-Key (default `idempotencyKey`). */
  keyProperty?: string;
  /** Quick attempts after the first within one round (default 3). */
  retries?: string | number;
  /** When the system stays down after a round: wait and try again while the node runs (default), or fail the message. */
  keepTrying?: boolean;
  /** Messages that may wait for a system that is down at one time; more fail at once (default 1000). */
  maxWaiting?: string | number;
}

/** Longest wait between two rounds while a system is down. */
const MAX_ROUND_WAIT_MS = 30_000;

/**
 * The Idempotency-Key of a call: the message's `keyProperty` (default msg.idempotencyKey) when set, else the order's
 * key with the operation (`C-NORTH/PO-1001/0|create-shipment`); undefined when the message has neither.
 */
export function idempotencyKeyOf(msg: object, config: Pick<RestCallConfig, "keyProperty" | "operation" | "name" | "method" | "url">): string | undefined {
  const given = lookup(msg, config.keyProperty?.trim() || "idempotencyKey");
  if (typeof given === "string" ? given !== "" : typeof given === "number") return String(given);
  const orderKey = lookup(msg, "payload.orderKey");
  if (typeof orderKey !== "string" || orderKey === "") return undefined;
  return `${orderKey}|${operationOf(config)}`;
}

export function operationOf(config: Pick<RestCallConfig, "operation" | "name" | "method" | "url">): string {
  return config.operation?.trim() || config.name?.trim() || `${(config.method || "POST").toUpperCase()} ${config.url}`;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

const LOOK: Record<CircuitState, { fill: "green" | "yellow" | "red"; shape: "dot" | "ring" }> = {
  closed: { fill: "green", shape: "dot" },
  "half-open": { fill: "yellow", shape: "ring" },
  open: { fill: "red", shape: "ring" },
};

/**
 * rest-call: one call to a connected system per message; the answer goes on in msg.payload and msg.statusCode. A
 * refusal (4xx) fails the message at once (to a catch and dead-letter). A system that is down (no answer, 5xx, its
 * circuit open) is tried again: a round of quick retries, then, while the node runs, another round after a growing
 * wait; the message's settle deadline stands still meanwhile, so it waits for the system instead of being
 * dead-lettered, and goes through once the system is back.
 */
export class RestCallController {
  private readonly aborter = new AbortController();
  private closing = false;
  private waiting = 0;
  private breaker: CircuitBreaker | undefined;
  private unfollow: (() => void) | undefined;

  constructor(
    RED: NodeAPI,
    private readonly node: Node,
    private readonly config: RestCallConfig,
  ) {
    const target = restTargetFor(RED, config.system);
    const method = (config.method || "POST").toUpperCase();
    const problem =
      typeof target === "string"
        ? target
        : !(METHODS as readonly string[]).includes(method)
          ? `method must be one of ${METHODS.join(", ")} (is "${config.method}")`
          : typeof config.url !== "string"
            ? "set the URL path"
            : undefined;
    if (problem || typeof target === "string") {
      failing(node, problem ?? "misconfigured");
      node.error(`rest-call: ${problem}`);
      node.on("input", (_m: object, _s: SendFn, done: DoneFn) => done(new Error(`rest-call: ${problem}`)));
      return;
    }
    this.follow(target);
    node.on("input", (m: object, send: SendFn, done: DoneFn) => this.input(m as HubMessage, target, method, send, done));
    node.on("close", (_removed: boolean, done: () => void) => {
      this.closing = true;
      this.aborter.abort();
      this.unfollow?.();
      done();
    });
  }

  private input(msg: HubMessage, target: RestTarget, method: string, send: SendFn, done: DoneFn): void {
    this.call(msg, target, method).then(
      (answer) => {
        msg.payload = answer.body;
        msg.statusCode = answer.status;
        msg.responseHeaders = answer.headers;
        send(msg);
        done();
      },
      (err: Error) => {
        if (msg._outbox) releaseOutbox(msg._outbox);
        // closing, or the inbound message's channel is gone: the broker delivers it again, so this attempt just ends
        if (this.closing || deliveryState(msg) === "gone") return done();
        failing(this.node, err.message.replace(/^rest-call: /, ""));
        done(err);
      },
    );
  }

  private async call(msg: HubMessage, target: RestTarget, method: string) {
    let url: string;
    try {
      url = joinUrl(target.address().url, expandUrl(this.config.url, msg));
    } catch (err) {
      throw new Error(`rest-call: ${(err as Error).message}`);
    }
    const key = idempotencyKeyOf(msg, this.config);
    // msg.headers, as Node-RED's http request node takes them (invoice-build sets content-type application/xml)
    const headers: Record<string, string> = {};
    if (msg.headers && typeof msg.headers === "object") {
      for (const [name, value] of Object.entries(msg.headers as Record<string, unknown>)) if (typeof value === "string") headers[name.toLowerCase()] = value;
    }
    if (key !== undefined) headers["idempotency-key"] = key;
    const correlation = msg.correlationId ?? msg.messageId;
    if (typeof correlation === "string" && correlation !== "") headers["x-correlation-id"] = correlation;
    const retries = this.config.retries === undefined || this.config.retries === "" ? 3 : Math.max(0, Number(this.config.retries) || 0);
    const keepTrying = this.config.keepTrying !== false;
    this.follow(target, url);
    let counted = false;
    try {
      for (let round = 0; ; round++) {
        try {
          return await restCall({
            method,
            url,
            body: method === "GET" || method === "HEAD" ? undefined : msg.payload,
            headers,
            auth: target.auth,
            timeoutMs: target.timeoutMs,
            retries,
            breaker: target.breaker,
            system: target.system,
            signal: this.aborter.signal,
            // the deadline runs while an attempt is under way, and stands still while the message waits for the system
            onAttempt: () => stillWorking(msg),
            onRetry: () => waitingTurn(msg),
          });
        } catch (err) {
          const transient = err instanceof RestError && err.retryable;
          if (!transient || !keepTrying || this.closing) throw this.named(err as Error, method, url);
          if (!counted) {
            if (this.waiting >= this.maxWaiting()) {
              throw new Error(`rest-call: ${err.message}; ${this.waiting} messages wait for ${target.system} already (waiting at most), this one is not kept`);
            }
            counted = true;
            this.waiting++;
          }
          waitingTurn(msg);
          // with the host's circuit open, the message tries again when a probe may go (the breaker spares the host)
          const retryAt = err.retryAt ?? this.circuitRetryAt();
          const delay = retryAt !== undefined ? Math.min(MAX_ROUND_WAIT_MS, Math.max(200, retryAt - Date.now()) + Math.round(Math.random() * 250)) : backoffDelay(round, 1000, MAX_ROUND_WAIT_MS);
          this.showStatus();
          await wait(delay, this.aborter.signal);
          if (this.closing) throw this.named(err, method, url);
        }
      }
    } finally {
      if (counted) {
        this.waiting--;
        this.showStatus();
      }
    }
  }

  /** When the host's circuit lets a call go again, while it is not closed. */
  private circuitRetryAt(): number | undefined {
    const breaker = this.breaker;
    if (!breaker || breaker.state === "closed") return undefined;
    return breaker.state === "open" ? breaker.until : Date.now() + Math.min(1000, breaker.settings.coolDownMs);
  }

  private maxWaiting(): number {
    const n = Number(this.config.maxWaiting);
    return this.config.maxWaiting === undefined || this.config.maxWaiting === "" || !(n > 0) ? 1000 : n;
  }

  private named(err: Error, method: string, url: string): Error {
    if (err instanceof RestError) return new Error(`rest-call: ${err.message}`);
    return new Error(`rest-call: ${method} ${url}: ${err.message}`);
  }

  /** The node's status follows the circuit of the host it calls (known once the address is). */
  private follow(target: RestTarget, url?: string): void {
    let host: string;
    try {
      host = hostOf(url ?? target.address().url);
    } catch (err) {
      this.node.status({ fill: "yellow", shape: "ring", text: (err as Error).message.slice(0, 60) });
      return;
    }
    if (this.breaker?.host === host) return;
    this.unfollow?.();
    this.breaker = breakerFor(host, target.breaker);
    this.unfollow = this.breaker.onChange(() => this.showStatus());
    this.showStatus();
  }

  private showStatus(): void {
    if (this.closing || !this.breaker) return;
    const state = this.breaker.state;
    const until = state === "open" ? ` until ${new Date(this.breaker.until).toISOString().slice(11, 19)}` : "";
    const waiting = this.waiting > 0 ? ` · ${this.waiting} waiting` : "";
    const text = `${this.breaker.host}: circuit ${state}${until}${waiting}`;
    this.node.status({ ...LOOK[state], text: text.length > 60 ? `${text.slice(0, 57)}...` : text });
  }
}
