import type { Router } from "express";
import type { SystemName } from "../runtime/systems";

/**
 * A stand-in system of the sandbox: an Express router mounted at `/sandbox/<name>` on the hub's port (or on a port of
 * its own with `orderhub sandbox`), its state, and its fault switches. Each stand-in validates its input as the real
 * system would and keeps what it was sent, so tests and the demo can ask it what it saw.
 */
export interface StandIn {
  readonly name: SystemName;
  readonly router: Router;
  readonly faults: import("./faults").FaultSwitches;
  /**
   * How a call refused by a fault switch is answered, when not as JSON (the ERP answers SOAP Faults). The framework
   * (sandbox/index.ts) mounts, at `/sandbox/<name>`: `faults.routes()` (`/_faults`), `faults.middleware(faultAnswer)`,
   * `GET /_state`, `POST /_reset`, then `router`. A router that puts `faults.middleware()` and `faults.routes()` in
   * front of its own routes as well is fine: the switches act once per call (the middleware marks the request).
   */
  readonly faultAnswer?: (res: import("express").Response, status: number, message: string) => void;
  /** Connects what the stand-in needs beyond HTTP (the WMS: the broker). */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** What it holds, for `GET /sandbox/<name>/_state` and tests. */
  state(): unknown;
  /** Forget everything it was sent (`POST /sandbox/<name>/_reset`). */
  reset(): void;
}

export interface SandboxContext {
  /** The hub's base URL (`http://127.0.0.1:<port>`), for the stand-ins that call the hub back (OA, CRM, TMS, finance). */
  hubUrl(): string;
  /** The API key the stand-ins present when they call the hub back (`Authorization: Bearer …`). */
  apiKey(): string | undefined;
  /** The broker URL (the WMS and PLM publish and consume there). */
  amqpUrl: string;
}
