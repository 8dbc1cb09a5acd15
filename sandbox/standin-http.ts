import express, { type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response, type Router } from "express";
import type { FaultSwitches } from "./faults";
import type { HubCallbacks } from "./standin-callbacks";

/**
 * What the sandbox's REST stand-ins (OA, CRM, TMS, finance, PLM) share: a refusal that names the field, JSON bodies,
 * the checks a receiving system makes of them, and one error handler answering `{error}` with the right status.
 */

/** A request the stand-in refuses: 400 (cannot read it), 404, 409 (conflicts with what it holds), 422 (a field is wrong). */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "Refusal";
  }
}

export const invalid = (message: string) => new Refusal(422, message);

/** A JSON body, whatever content type the client said (curl's default too); 400 when it is not JSON. */
export const jsonBody = (limit = "1mb"): RequestHandler => express.json({ limit, type: () => true, strict: false });

/** An async route whose rejection reaches the error handler. */
export function handle(fn: (req: Request, res: Response) => unknown): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };
}

/** The last handler of a stand-in's router: refusals with their status, unreadable bodies 400, the rest 500. */
export function standInErrors(system: string): ErrorRequestHandler {
  return (err: Error & { type?: string; status?: number }, _req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof Refusal) return res.status(err.status).json({ error: err.message, ...err.extra });
    if (err.type === "entity.parse.failed") return res.status(400).json({ error: `the body is not JSON: ${err.message}` });
    if (err.type === "entity.too.large") return res.status(413).json({ error: `the body is larger than ${system} takes` });
    res.status(500).json({ error: `${system}: ${err.message}` });
  };
}

const shown = (value: unknown) => (value === undefined ? "missing" : JSON.stringify(value));

/** The body as an object, or a refusal saying what to send. */
export function objectBody(body: unknown, shape: string): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Refusal(400, `send a JSON object: ${shape}`);
  return body as Record<string, unknown>;
}

export function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw invalid(`${field}: must be non-empty text (is ${shown(value)})`);
  return value.trim();
}

export function optionalText(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : text(value, field);
}

/** A finite number above 0 (`min` 0 allows zero too). */
export function amount(value: unknown, field: string, min: "above 0" | "0 or more" = "above 0"): number {
  const ok = typeof value === "number" && Number.isFinite(value) && (min === "above 0" ? value > 0 : value >= 0);
  if (!ok) throw invalid(`${field}: must be a number ${min} (is ${shown(value)})`);
  return value as number;
}

export function bool(value: unknown, field: string): boolean {
  if (typeof value !== "boolean") throw invalid(`${field}: must be true or false (is ${shown(value)})`);
  return value;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30). */
export function isoDate(value: unknown, field: string): string {
  const m = typeof value === "string" ? DATE.exec(value) : null;
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) throw invalid(`${field}: must be a date YYYY-MM-DD (is ${shown(value)})`);
  return value as string;
}

export function list(value: unknown, field: string, min = 1): unknown[] {
  if (!Array.isArray(value)) throw invalid(`${field}: must be a list (is ${shown(value)})`);
  if (value.length < min) throw invalid(`${field}: must have at least ${min} entr${min === 1 ? "y" : "ies"}`);
  return value;
}

export function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(`${field}: must be an object (is ${shown(value)})`);
  return value as Record<string, unknown>;
}

/** Refuses fields the stand-in does not know (a typo in a switch should not pass for nothing). */
export function onlyFields(body: Record<string, unknown>, known: readonly string[], where = ""): void {
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new Refusal(400, `${where}${unknown}: no such field (there are ${known.join(", ")})`);
}

/** The Idempotency-Key header, when the client sent one. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.get("idempotency-key")?.trim();
  return key ? key : undefined;
}

/** A running number as a document id: `SHP-000042`. */
export function numbered(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(6, "0")}`;
}

/** Money to the cent, without binary drift in sums. */
export const cents = (n: number) => Math.round(n * 100) / 100;

/**
 * A REST stand-in's router: its control routes (`/_faults`, `/_state`, `/_reset`, `/_callbacks`, its own `/_…`),
 * then the fault switches in front of its business routes, then one error handler. Mounting the fault routes or
 * `/_state` again in front of it changes nothing: the first to match answers, and the switches are the same object.
 */
export function restStandInRouter(
  system: string,
  faults: FaultSwitches,
  callbacks: HubCallbacks,
  control: Router,
  business: Router,
  state: () => unknown,
  reset: () => void,
): Router {
  const router = express.Router();
  router.use(faults.routes());
  router.get("/_state", (_req, res) => res.json(state()));
  router.post("/_reset", (_req, res) => {
    reset();
    res.json({ reset: true });
  });
  router.use(callbacks.routes());
  router.use(control);
  router.use(faults.middleware());
  router.use(business);
  router.use(standInErrors(system));
  return router;
}
