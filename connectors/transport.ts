/**
 * What the REST and SOAP connectors share about one attempt over HTTP: which answers are worth trying again, how a
 * failed answer or a failed transport reads in an error message, and the wait between attempts that a stop cuts short.
 */

/** Statuses below 500 that say "later", not "no": request timeout, too early, too many requests. */
const RETRY_STATUS = new Set([408, 425, 429]);

/** Whether sending the request again may get another answer: a 5xx, 408, 425 or 429. */
export function retryableStatus(status: number): boolean {
  return status >= 500 || RETRY_STATUS.has(status);
}

/** A body shortened to one line of at most `max` characters for an error message. */
export function bodyExcerpt(body: unknown, max: number): string {
  const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** "HTTP 503 Service Unavailable: <excerpt of the body>" (statusText and excerpt when there are any). */
export function httpFailureText(status: number, statusText: string | undefined, said: string): string {
  return `HTTP ${status}${statusText ? ` ${statusText}` : ""}${said ? `: ${said}` : ""}`;
}

/**
 * What an error thrown by an axios request without an answer means: cancelled (the caller's signal), no answer in
 * time (a timeout), or the network's own error ("ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9").
 */
export function transportFailure(err: unknown, timeoutMs: number): { reason: string; cancelled: boolean } {
  const e = (err ?? {}) as { code?: string; message?: string };
  if (e.code === "ERR_CANCELED") return { reason: "cancelled", cancelled: true };
  const reason = e.code === "ECONNABORTED" || e.code === "ETIMEDOUT" ? `no answer within ${timeoutMs} ms` : `${e.code ? `${e.code}: ` : ""}${e.message}`;
  return { reason, cancelled: false };
}

/** Waits `ms`, or less when `signal` aborts (at once when it has already). */
export function waitUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
