import axios from "axios";
import { keepAliveAgents } from "../http-agents";
import { childOf, restCallsTotal } from "../../observability/metrics";
import { backoffDelay } from "../amqp/backoff";
import { bodyExcerpt, httpFailureText, retryableStatus, transportFailure, waitUnlessAborted } from "../transport";
import { CircuitOpenError, breakerFor, hostOf, type BreakerSettings, type CircuitBreaker } from "./circuit-breaker";
import { RestCallError } from "./post-json";

export { RestCallError } from "./post-json";

/** How a call authenticates: HTTP basic, a bearer token, an API key in a header of the system's choosing, or not at all. */
export type RestAuth =
  | { type: "none" }
  | { type: "basic"; user: string; password: string }
  | { type: "bearer"; token: string }
  | { type: "apikey"; header: string; value: string };

export interface RestRequest {
  method: string;
  url: string;
  /** undefined: no body. A Buffer goes as it is, a string as text, anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  auth?: RestAuth;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  /** Attempts after the first, for failures worth trying again (default 4). */
  retries?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** The longest wait a Retry-After may ask for (default 2 minutes); a longer one is cut to this. */
  maxRetryAfterMs?: number;
  /** The host's circuit breaker settings (the breaker is shared by every call to the host); false: no breaker. */
  breaker?: BreakerSettings | false;
  /** For the metrics' `system` label (default "other"). */
  system?: string;
  /** Stops the call (a node closing): it fails at once with what the last attempt said. */
  signal?: AbortSignal;
  /** Told before each attempt (1 = the first). */
  onAttempt?(attempt: number): void;
  /** Told before each wait: the attempt that failed, why, and how long it waits. */
  onRetry?(attempt: number, reason: string, delayMs: number): void;
}

export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else the text (undefined for an empty answer). */
  body: unknown;
  attempts: number;
}

/**
 * A call that did not succeed. `status`: the last answer's (undefined: none came). `retryable`: trying later may help
 * (no answer, a timeout, a 5xx, 408, 425, 429, an open circuit); `retryAt`: when, if the system or the breaker said.
 */
export class RestError extends RestCallError {
  override name = "RestError";
  constructor(
    message: string,
    status: number | undefined,
    retryable: boolean,
    attempts: number,
    readonly method: string,
    readonly url: string,
    readonly retryAt?: number,
    readonly circuitOpen = false,
  ) {
    super(message, status, retryable, attempts);
  }
}

const EXCERPT = 300;
const callsTotal = childOf(restCallsTotal, ["system", "method", "outcome"]);

/** A body shortened to one line for an error message. */
export function excerpt(body: unknown): string {
  return bodyExcerpt(body, EXCERPT);
}

/** Retry-After in ms from `now`: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function authHeaders(auth: RestAuth | undefined): Record<string, string> {
  if (auth?.type === "basic") return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` };
  if (auth?.type === "bearer") return { authorization: `Bearer ${auth.token}` };
  if (auth?.type === "apikey" && auth.header) return { [auth.header.toLowerCase()]: auth.value };
  return {};
}

function encodeBody(body: unknown): { data?: unknown; contentType?: string } {
  if (body === undefined) return {};
  if (Buffer.isBuffer(body)) return { data: body, contentType: "application/octet-stream" };
  if (typeof body === "string") return { data: body, contentType: "text/plain; charset=utf-8" };
  return { data: JSON.stringify(body), contentType: "application/json" };
}

type Attempt =
  | { ok: true; status: number; headers: Record<string, string>; body: unknown }
  | { ok: false; failure: string; status?: number; body?: unknown; retryable: boolean; hostFailed: boolean; retryAfter?: number; cancelled?: boolean };

async function attempt(req: RestRequest, timeoutMs: number): Promise<Attempt> {
  const { data, contentType } = encodeBody(req.body);
  const headers: Record<string, string> = { accept: "application/json", ...(contentType ? { "content-type": contentType } : {}), ...authHeaders(req.auth) };
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  try {
    const res = await axios.request({
      method: req.method,
      url: req.url,
      data,
      timeout: timeoutMs,
      headers,
      validateStatus: () => true,
      responseType: "text",
      transformResponse: (d: unknown) => d,
      signal: req.signal,
      maxRedirects: 5,
      ...keepAliveAgents,
    });
    let body: unknown = typeof res.data === "string" && res.data.length === 0 ? undefined : res.data;
    try {
      if (typeof res.data === "string" && res.data.length > 0) body = JSON.parse(res.data);
    } catch {
      /* not JSON: kept as text */
    }
    const answerHeaders = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : String(v)]));
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, headers: answerHeaders, body };
    return {
      ok: false,
      failure: httpFailureText(res.status, res.statusText, excerpt(body)),
      status: res.status,
      body,
      retryable: retryableStatus(res.status),
      hostFailed: res.status >= 500,
      retryAfter: res.status === 429 || res.status === 503 ? retryAfterMs(answerHeaders["retry-after"]) : undefined,
    };
  } catch (err) {
    const { reason, cancelled } = transportFailure(err, timeoutMs);
    if (cancelled) return { ok: false, failure: reason, retryable: true, hostFailed: false, cancelled: true };
    return { ok: false, failure: reason, retryable: true, hostFailed: true };
  }
}

/**
 * One REST call with retries. No answer, a timeout, a 5xx, 408, 425 or 429 is tried again after an exponential
 * backoff with jitter (or, for a 429 or 503 with Retry-After, after the wait it asks for), `retries` times; any other
 * 4xx fails at once with the status and an excerpt of the body: the system refuses this request, and sending it
 * again would not change its mind. Every attempt goes through the host's circuit breaker: while it is open the call
 * fails at once (retryable, `retryAt` when it may go again) without reaching the host.
 */
export async function restCall(req: RestRequest): Promise<RestResponse> {
  const method = req.method.toUpperCase();
  const what = `${method} ${req.url}`;
  const system = req.system || "other";
  const retries = Math.max(0, req.retries ?? 4);
  const timeoutMs = req.timeoutMs ?? 10_000;
  let breaker: CircuitBreaker | undefined;
  try {
    breaker = req.breaker === false ? undefined : breakerFor(hostOf(req.url), req.breaker);
  } catch {
    throw new RestError(`${what}: not a URL`, undefined, false, 0, method, req.url);
  }
  for (let n = 0; ; n++) {
    try {
      breaker?.admit();
    } catch (err) {
      if (!(err instanceof CircuitOpenError)) throw err;
      callsTotal(system, method, "circuit-open").inc();
      const after = n === 0 ? "" : ` (after ${n} attempt${n === 1 ? "" : "s"})`;
      throw new RestError(`${what}: ${err.message}${after}`, undefined, true, n, method, req.url, err.retryAt, true);
    }
    req.onAttempt?.(n + 1);
    const result = await attempt({ ...req, method }, timeoutMs);
    if (result.ok) {
      breaker?.success();
      callsTotal(system, method, "ok").inc();
      return { status: result.status, headers: result.headers, body: result.body, attempts: n + 1 };
    }
    if (result.cancelled) breaker?.release();
    else if (result.hostFailed) breaker?.failure();
    else breaker?.success();
    const stopped = req.signal?.aborted === true;
    if (!result.retryable || n >= retries || stopped) {
      callsTotal(system, method, result.retryable ? "failed" : "refused").inc();
      const tries = n === 0 ? "" : ` (after ${n + 1} attempts)`;
      const message = result.status === undefined ? `no answer from ${what}: ${result.failure}${tries}` : `${what} answered ${result.failure}${tries}`;
      const retryAt = result.retryAfter !== undefined ? Date.now() + result.retryAfter : undefined;
      throw new RestError(message, result.status, result.retryable, n + 1, method, req.url, retryAt);
    }
    const delay = result.retryAfter !== undefined ? Math.min(result.retryAfter, req.maxRetryAfterMs ?? 120_000) : backoffDelay(n, req.initialDelayMs ?? 500, req.maxDelayMs ?? 8000);
    callsTotal(system, method, "retried").inc();
    req.onRetry?.(n + 1, result.failure, delay);
    await waitUnlessAborted(delay, req.signal);
    if (req.signal?.aborted) {
      throw new RestError(`${what}: stopped while waiting to try again (the last attempt got ${result.failure})`, result.status, true, n + 1, method, req.url);
    }
  }
}
