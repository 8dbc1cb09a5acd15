import { bodyExcerpt } from "../transport";

/**
 * What a failed SOAP call was: a SOAP fault (the service understood the request and refused it: never retried), or a
 * failure on the way (no answer, a reset, a timeout, an HTTP 5xx without a fault: worth trying again), or something
 * else that trying again would not change (an HTTP 4xx, an answer that is no SOAP, an unknown operation).
 */

/** The service answered a SOAP Fault. Not retried: the same request would get the same fault. */
export class SoapFaultError extends Error {
  override name = "SoapFaultError";
  constructor(
    message: string,
    readonly faultcode: string,
    readonly faultstring: string,
    readonly detail: unknown,
    /** The HTTP status the fault came with (usually 500). */
    readonly status: number | undefined,
    readonly attempts = 1,
  ) {
    super(message);
  }
}

/** The call did not get an answer it could use; `retryable` says whether trying later may help. */
export class SoapCallError extends Error {
  override name = "SoapCallError";
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | undefined,
    readonly attempts = 1,
  ) {
    super(message);
  }
}

export type SoapFailure =
  | { kind: "fault"; faultcode: string; faultstring: string; detail: unknown; status?: number }
  | { kind: "failure"; reason: string; retryable: boolean; status?: number };

/** Network errors worth another attempt: the service may be back, or the path to it. */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ESOCKETTIMEDOUT",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/** soap parses `<x>text</x>` as "text", and as `{ $value: "text" }` when the element has attributes. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "object" && "$value" in value) return text((value as { $value: unknown }).$value);
  return JSON.stringify(value);
}

/** The fault in a parsed SOAP 1.1 or 1.2 envelope, if it holds one. */
export function faultOf(root: unknown): { faultcode: string; faultstring: string; detail: unknown } | undefined {
  const fault = (root as { Envelope?: { Body?: { Fault?: Record<string, unknown> } } } | undefined)?.Envelope?.Body?.Fault;
  if (!fault || typeof fault !== "object") return undefined;
  const code11 = text(fault.faultcode);
  const code12 = fault.Code as { Value?: unknown; Subcode?: { Value?: unknown } } | undefined;
  const faultcode = code11 ?? (code12 ? [text(code12.Value), text(code12.Subcode?.Value)].filter(Boolean).join(" / ") : undefined);
  const reason = fault.Reason as { Text?: unknown } | undefined;
  const faultstring = text(fault.faultstring) ?? text(reason?.Text);
  return { faultcode: faultcode || "(no faultcode)", faultstring: faultstring || "(no faultstring)", detail: fault.detail ?? fault.Detail };
}

const EXCERPT = 200;

const excerpt = (body: unknown) => bodyExcerpt(body, EXCERPT);

/**
 * What an error thrown by the soap package (or axios under it) means for the caller. `timedOut` is true when the
 * caller's own timer cancelled the attempt, so a cancellation reads as the timeout it was.
 */
export function classifySoapError(err: unknown, timeoutMs: number, timedOut = false): SoapFailure {
  const e = (err ?? {}) as { code?: string; message?: string; root?: unknown; response?: { status?: number; statusText?: string; data?: unknown }; body?: unknown };
  const status = typeof e.response?.status === "number" ? e.response.status : undefined;
  const fault = faultOf(e.root);
  if (fault) return { kind: "fault", ...fault, status };
  if (timedOut) return { kind: "failure", reason: `no answer within ${timeoutMs} ms`, retryable: true };
  if (e.code === "ERR_CANCELED") return { kind: "failure", reason: "cancelled", retryable: false };
  if (e.code && TRANSIENT_CODES.has(e.code)) {
    const reason = e.code === "ECONNABORTED" && /timeout/i.test(e.message ?? "") ? `no answer within ${timeoutMs} ms` : `${e.code}: ${e.message ?? ""}`.trim();
    return { kind: "failure", reason, retryable: true };
  }
  if (/socket hang up/i.test(e.message ?? "")) return { kind: "failure", reason: `connection reset: ${e.message}`, retryable: true };
  // loading the WSDL: soap reports a non-200 answer only in its message
  const wsdlCode = /Invalid WSDL URL: \S+\s+Code: (\d{3})/.exec(e.message ?? "");
  if (wsdlCode) {
    const code = Number(wsdlCode[1]);
    return { kind: "failure", reason: `the WSDL's address answered HTTP ${code}`, retryable: code >= 500 || code === 408 || code === 429, status: code };
  }
  if (status !== undefined && status >= 400) {
    const said = excerpt(e.body ?? e.response?.data);
    return {
      kind: "failure",
      reason: `HTTP ${status}${e.response?.statusText ? ` ${e.response.statusText}` : ""} without a SOAP fault${said ? `: ${said}` : ""}`,
      retryable: status >= 500 || status === 408 || status === 429,
      status,
    };
  }
  return { kind: "failure", reason: e.message || String(err), retryable: false, status };
}
