// What the commands that talk to a running hub over its REST API share: where the hub is (an option, else
// ORDERHUB_URL, else the local hub), the API key from ORDERHUB_API_KEY on every call, a hub that cannot be reached
// named with what to check, the hub's refusals as failures with the exit code a script can tell apart, and one line
// on stderr per failure.

export const DEFAULT_HUB_URL = "http://127.0.0.1:1880";

/** The hub's base URL: the one given (--hub, --url), else ORDERHUB_URL, else the local hub; no trailing slash. */
export function hubBaseUrl(given: string | undefined): string {
  return (given || process.env.ORDERHUB_URL || DEFAULT_HUB_URL).replace(/\/+$/, "");
}

/** A command that did not do its job: code 2 for bad input (what the hub refused), 1 for a hub that is not there or fails. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** `orderhub <command>: <message>` on one line on stderr; the exit code is the CliFailure's, 1 for any other error. */
export function reportFailure(command: string, err: unknown): void {
  process.stderr.write(`orderhub ${command}: ${(err as Error).message.replace(/\s*\n\s*/g, " ")}\n`);
  process.exitCode = err instanceof CliFailure ? err.code : 1;
}

/**
 * A request to `base` + `path` with the API key in ORDERHUB_API_KEY (if set) as x-api-key. A hub that cannot be
 * reached is a CliFailure (code 1): "cannot reach the hub at <base>: <cause> (is it running? <hint>)".
 */
export async function hubFetch(base: string, path: string, init: RequestInit = {}, hint = "set --url or ORDERHUB_URL"): Promise<Response> {
  const key = process.env.ORDERHUB_API_KEY;
  try {
    return await fetch(`${base}${path}`, key ? { ...init, headers: { ...(init.headers as Record<string, string> | undefined), "x-api-key": key } } : init);
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new CliFailure(`cannot reach the hub at ${base}: ${cause} (is it running? ${hint})`, 1);
  }
}

/** How a command words the hub's refusals; `why` is the hub's error text, else "HTTP <status>". */
export interface HubRefusals {
  /** Statuses that are the input's fault (code 2); default 400. */
  badInput?: readonly number[];
  /** Their message; default "the hub refused it: <why>". */
  refused?: (why: string) => string;
  /** A 404's message (code 1). */
  notFound: (why: string) => string;
  /** Statuses that ask for an API key (code 1); default 401. */
  needsKey?: readonly number[];
}

/** The hub's JSON answer when it is a 2xx, else the CliFailure the status stands for. */
export async function hubAnswer(res: Response, base: string, say: HubRefusals): Promise<Record<string, unknown>> {
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok) return body;
  const why = typeof body.error === "string" ? body.error : `HTTP ${res.status}`;
  if ((say.badInput ?? [400]).includes(res.status)) throw new CliFailure(say.refused ? say.refused(why) : `the hub refused it: ${why}`, 2);
  if (res.status === 404) throw new CliFailure(say.notFound(why), 1);
  if ((say.needsKey ?? [401]).includes(res.status)) throw new CliFailure(`the hub at ${base} wants an API key: ${why} (set ORDERHUB_API_KEY)`, 1);
  throw new CliFailure(`the hub at ${base} failed: ${why}`, 1);
}
