import express, { type Request, type Response, type Router } from "express";
import { isLoopback } from "../runtime/admin-security";
import { createCrm } from "./crm";
import { createErp } from "./erp";
import { createFinance } from "./finance";
import { createOa } from "./oa";
import { createPlm } from "./plm";
import { createTms } from "./tms";
import type { SandboxContext, StandIn } from "./types";
import { createWms } from "./wms";

/**
 * The sandbox: stand-ins for the systems the hub connects (ERP, OA, CRM, TMS, WMS, PLM, finance), so the whole story
 * runs on one machine with nothing else installed. Each answers at `/sandbox/<name>` with, in front of its own routes:
 * `GET`·`PUT`·`DELETE /_faults` (the fault switches), `GET /_state` (what it holds), `POST /_reset` (forget it).
 * `GET /sandbox` lists them. Only loopback callers are answered (403 otherwise), so a hub listening on every
 * interface does not offer its stand-ins to the network.
 */

/** The stand-ins, in the order they are listed and started. A new stand-in is one line here. */
export const STAND_INS: ReadonlyArray<(ctx: SandboxContext) => StandIn> = [createErp, createOa, createCrm, createTms, createWms, createPlm, createFinance];

export const SANDBOX_ROOT = "/sandbox";

export interface Sandbox {
  readonly standIns: readonly StandIn[];
  /** Stops what the stand-ins connected beyond HTTP (the WMS's broker connection). */
  stop(): Promise<void>;
}

/** Where a stand-in answers under `base` (`http://127.0.0.1:1880`); for the ERP, its WSDL too. */
export function standInAddress(base: string, name: string): { url: string; wsdl?: string } {
  const url = `${base.replace(/\/+$/, "")}${SANDBOX_ROOT}/${name}`;
  return name === "erp" ? { url, wsdl: `${url}?wsdl` } : { url };
}

/** The routes of one stand-in: its control routes, its fault switches, then its own routes. */
export function standInRouter(standIn: StandIn): Router {
  const router = express.Router();
  router.use(standIn.faults.routes());
  router.get("/_state", (_req, res) => res.json(standIn.state()));
  router.post("/_reset", (_req, res) => {
    standIn.reset();
    res.json({ reset: standIn.name });
  });
  router.use(standIn.faults.middleware(standIn.faultAnswer));
  router.use(standIn.router);
  return router;
}

/** 403 for a caller not on this machine. */
export function sandboxLoopbackOnly(req: Request, res: Response, next: () => void): void {
  if (isLoopback(req.socket.remoteAddress)) return next();
  res.status(403).json({ error: "the sandbox's stand-in systems answer callers on 127.0.0.1 only" });
}

/** `GET /sandbox`: the stand-ins, where they answer (as the caller reached them) and their fault switches. */
export function listing(standIns: readonly StandIn[], base?: (req: Request) => string): express.RequestHandler {
  return (req, res) => {
    const at = base ? base(req) : `${req.protocol}://${req.get("host") ?? "127.0.0.1"}`;
    res.json({
      sandbox: true,
      standIns: standIns.map((s) => ({ name: s.name, ...standInAddress(at, s.name), faults: s.faults.get() })),
    });
  };
}

/**
 * Mounts every stand-in on `app` at `/sandbox/<name>` (call it before the routes that must not shadow it) and starts
 * them. Starting is cheap: the WMS connects to the broker in the background.
 */
export async function startSandbox(app: express.Router, ctx: SandboxContext, factories: ReadonlyArray<(ctx: SandboxContext) => StandIn> = STAND_INS): Promise<Sandbox> {
  const standIns = factories.map((create) => create(ctx));
  const root = express.Router();
  root.use(sandboxLoopbackOnly);
  root.get("/", listing(standIns));
  for (const s of standIns) root.use(`/${s.name}`, standInRouter(s));
  root.use((req, res) => res.status(404).json({ error: `${req.method} ${req.baseUrl}${req.path}: no such stand-in route (there are ${standIns.map((s) => `${SANDBOX_ROOT}/${s.name}`).join(", ")})` }));
  app.use(SANDBOX_ROOT, root);
  const started: StandIn[] = [];
  const stop = async () => {
    await Promise.allSettled(started.map((s) => s.stop?.()));
  };
  try {
    for (const s of standIns) {
      await s.start?.();
      started.push(s);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { standIns, stop };
}

/** The log line a hub with the sandbox on starts with: which stand-ins answer where, and how to run for real. */
export function sandboxLogLine(base: string, standIns: readonly StandIn[]): string {
  const names = standIns.map((s) => (s.name === "finance" ? "finance" : s.name.toUpperCase())).join(", ");
  return (
    `SANDBOX: stand-in ${names} answer at ${base}${SANDBOX_ROOT}/… — no real system is called; ` +
    "set ORDERHUB_SANDBOX=off and the system URLs for production"
  );
}
