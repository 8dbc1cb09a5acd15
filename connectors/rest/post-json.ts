import axios from "axios";
import { keepAliveAgents } from "../http-agents";
import { backoffDelay } from "../amqp/backoff";
import { bodyExcerpt, httpFailureText, retryableStatus, transportFailure, waitUnlessAborted } from "../transport";

/** How a call authenticates: HTTP basic, a bearer token, or not at all. */
export type RestAuth = { type: "none" } | { type: "basic"; user: string; password: string } | { type: "bearer"; token: string };

export interface PostOptions {
  auth?: RestAuth;
  headers?: Record<string, string>;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts after the first, for answers worth trying again (no answer, a timeout, 5xx, 408, 429). */
  retries?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Told before each wait: the attempt that failed (1 = the first), why, and how long it waits. */
  onRetry?(attempt: number, reason: string, delayMs: number): void;
  /** Stops the retries (a node closing): the call fails at once with what the last attempt said. */
  signal?: AbortSignal;
}

export interface RestAnswer {
  status: number;
  body: unknown;
  attempts: number;
}

/** A call that did not succeed: `status` is the last answer's (undefined: none came), `retryable` whether trying later may help. */
export class RestCallError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "RestCallError";
  }
}

const EXCERPT = 300;

function authHeader(auth: RestAuth | undefined): Record<string, string> {
  if (auth?.type === "basic") return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` };
  if (auth?.type === "bearer") return { authorization: `Bearer ${auth.token}` };
  return {};
}

/** One attempt: the answer, or a failure that says whether to try again. */
async function attempt(url: string, body: unknown, opts: PostOptions): Promise<{ status: number; body: unknown } | { failure: string; status?: number; retryable: boolean }> {
  try {
    const res = await axios.post(url, body, {
      timeout: opts.timeoutMs ?? 10_000,
      headers: { "content-type": "application/json", accept: "application/json", ...authHeader(opts.auth), ...opts.headers },
      validateStatus: () => true,
      responseType: "text",
      transformResponse: (data: unknown) => data,
      signal: opts.signal,
      ...keepAliveAgents,
    });
    let answer: unknown = res.data;
    try {
      answer = typeof res.data === "string" && res.data.length > 0 ? JSON.parse(res.data) : res.data;
    } catch {
      /* not JSON: kept as text */
    }
    if (res.status >= 200 && res.status < 300) return { status: res.status, body: answer };
    return { failure: httpFailureText(res.status, res.statusText, bodyExcerpt(answer, EXCERPT)), status: res.status, retryable: retryableStatus(res.status) };
  } catch (err) {
    const { reason, cancelled } = transportFailure(err, opts.timeoutMs ?? 10_000);
    return { failure: reason, retryable: !cancelled };
  }
}

/**
 * POSTs a JSON body and resolves with a 2xx answer. No answer, a timeout, a 5xx, 408, 425 or 429 is tried again after
 * an exponential backoff with jitter (half fixed, half random), `retries` times; any other answer fails at once: a 4xx
 * is the receiver refusing this request, and sending it again would not change its mind.
 */
export async function postJson(url: string, body: unknown, opts: PostOptions = {}): Promise<RestAnswer> {
  const retries = Math.max(0, opts.retries ?? 4);
  for (let n = 0; ; n++) {
    const result = await attempt(url, body, opts);
    if (!("failure" in result)) return { ...result, attempts: n + 1 };
    const stopped = opts.signal?.aborted === true;
    if (!result.retryable || n >= retries || stopped) {
      const tries = n + 1 === 1 ? "" : ` (after ${n + 1} attempts)`;
      const what = result.status === undefined ? `no answer from ${url}: ${result.failure}` : `${url} answered ${result.failure}`;
      throw new RestCallError(`${what}${tries}`, result.status, result.retryable, n + 1);
    }
    const delay = backoffDelay(n, opts.initialDelayMs ?? 500, opts.maxDelayMs ?? 8000);
    opts.onRetry?.(n + 1, result.failure, delay);
    await waitUnlessAborted(delay, opts.signal);
    if (opts.signal?.aborted) throw new RestCallError(`${url}: stopped while waiting to try again (the last attempt got ${result.failure})`, result.status, true, n + 1);
  }
}
