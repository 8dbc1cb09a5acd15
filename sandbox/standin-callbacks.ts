import axios, { type AxiosError } from "axios";
import { keepAliveAgents } from "../connectors/http-agents";
import express, { type Router } from "express";
import { backoffDelay } from "../connectors/amqp/backoff";
import type { FaultSwitches } from "./faults";
import type { SandboxContext } from "./types";

/**
 * A stand-in calling the hub back (OA's decisions, CRM's and TMS's and finance's webhooks, PLM's BOMs), as the real
 * system would: JSON, `Authorization: Bearer <key>` when the sandbox has one, an `Idempotency-Key`, and retries with
 * backoff on no answer, a timeout, 5xx, 408 and 429. A call that still fails, or that the hub refuses (another 4xx),
 * is kept in `failed` (`failedCallbacks` in the stand-in's state) and may be sent again with `POST /_callbacks/retry`.
 * While the stand-in is down (its `down` fault switch), it calls nobody: a call waits until it is up again.
 */

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, initialDelayMs: 250, maxDelayMs: 4000, timeoutMs: 5000 };

export interface CallbackRecord {
  method: "POST" | "PUT";
  /** The hub's path (`/api/webhooks/tms`). */
  path: string;
  idempotencyKey?: string;
  body: unknown;
  attempts: number;
  /** The hub's last answer's status (none: no answer came). */
  status?: number;
  /** The hub's answer, when it was a success; why it failed otherwise. */
  answer?: unknown;
  error?: string;
  /** When the call ended. */
  at: string;
}

const KEEP = 500;
const RETRY_STATUS = new Set([408, 425, 429]);

function excerpt(data: unknown): string {
  const textOf = typeof data === "string" ? data : JSON.stringify(data ?? "");
  const flat = textOf.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

export class HubCallbacks {
  /** Calls the hub answered with 2xx, the latest last (at most 500 kept). */
  readonly sent: CallbackRecord[] = [];
  /** Calls that did not get through: refused, or still failing after the retries. */
  readonly failed: CallbackRecord[] = [];
  private aborter = new AbortController();
  private inFlight = 0;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly faults: FaultSwitches,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** Calls currently being made or waiting to be retried. */
  get pending(): number {
    return this.inFlight;
  }

  /** Calls the hub; resolves (never rejects) with what came of it, kept in `sent` or `failed`. */
  async call(method: "POST" | "PUT", path: string, body: unknown, idempotencyKey?: string): Promise<CallbackRecord> {
    const signal = this.aborter.signal;
    this.inFlight++;
    try {
      for (let n = 0; ; n++) {
        await this.whileDown(signal);
        if (signal.aborted) return this.keep(this.failed, { method, path, idempotencyKey, body, attempts: n, error: "stopped (the stand-in was reset or stopped)" });
        const result = await this.attempt(method, path, body, idempotencyKey, signal);
        const base = { method, path, idempotencyKey, body, attempts: n + 1, status: result.status };
        if (result.ok) return this.keep(this.sent, { ...base, answer: result.data });
        if (!result.retryable || n >= this.policy.retries || signal.aborted) return this.keep(this.failed, { ...base, error: result.error });
        await pause(backoffDelay(n, this.policy.initialDelayMs, this.policy.maxDelayMs), signal);
      }
    } finally {
      this.inFlight--;
    }
  }

  /** Sends every failed call again (each keeps its Idempotency-Key); resolves with what came of them. */
  async retryFailed(): Promise<CallbackRecord[]> {
    const again = this.failed.splice(0, this.failed.length);
    return Promise.all(again.map((r) => this.call(r.method, r.path, r.body, r.idempotencyKey)));
  }

  /** Stops every call waiting or retrying, and forgets what was sent. */
  reset(): void {
    this.aborter.abort();
    this.aborter = new AbortController();
    this.sent.length = 0;
    this.failed.length = 0;
  }

  /** `GET /_callbacks` (what was sent and what failed) and `POST /_callbacks/retry`. */
  routes(): Router {
    const router = express.Router();
    router.get("/_callbacks", (_req, res) => res.json({ pending: this.pending, sent: this.sent, failed: this.failed }));
    router.post("/_callbacks/retry", (_req, res, next) => {
      this.retryFailed().then((results) => res.json({ retried: results.length, results }), next);
    });
    return router;
  }

  private keep(list: CallbackRecord[], r: Omit<CallbackRecord, "at">): CallbackRecord {
    const done = { ...r, at: new Date().toISOString() };
    list.push(done);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
    return done;
  }

  private async whileDown(signal: AbortSignal): Promise<void> {
    while (this.faults.get().down && !signal.aborted) await pause(50, signal);
  }

  private async attempt(method: "POST" | "PUT", path: string, body: unknown, key: string | undefined, signal: AbortSignal) {
    const url = `${this.ctx.hubUrl().replace(/\/+$/, "")}${path}`;
    const token = this.ctx.apiKey();
    try {
      const res = await axios.request({
        method,
        url,
        data: body,
        timeout: this.policy.timeoutMs,
        headers: { "content-type": "application/json", accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...(key ? { "idempotency-key": key } : {}) },
        validateStatus: () => true,
        signal,
        ...keepAliveAgents,
      });
      if (res.status >= 200 && res.status < 300) return { ok: true as const, status: res.status, data: res.data as unknown };
      return { ok: false as const, status: res.status, error: `${method} ${url} answered HTTP ${res.status}: ${excerpt(res.data)}`, retryable: res.status >= 500 || RETRY_STATUS.has(res.status) };
    } catch (err) {
      const e = err as AxiosError;
      const why = e.code === "ECONNABORTED" || e.code === "ETIMEDOUT" ? `no answer within ${this.policy.timeoutMs} ms` : `${e.code ? `${e.code}: ` : ""}${e.message}`;
      return { ok: false as const, status: undefined, error: `${method} ${url}: ${why}`, retryable: e.code !== "ERR_CANCELED" };
    }
  }
}

/** What a test or the framework may tune when it creates a REST stand-in. */
export interface StandInOptions {
  /** How the stand-in retries its calls to the hub (default DEFAULT_RETRY). */
  retry?: Partial<RetryPolicy>;
}

export const retryPolicy = (options: StandInOptions = {}): RetryPolicy => ({ ...DEFAULT_RETRY, ...options.retry });
