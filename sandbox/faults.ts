import type { NextFunction, Request, Response, Router } from "express";
import express from "express";

/**
 * A stand-in's fault switches, flipped by tests and people (`orderhub sandbox fault tms down`, or
 * `PUT /sandbox/<system>/_faults {"down": true}`):
 * - `down`: every call answers 503 (as a system behind a load balancer with nothing behind it);
 * - `latencyMs`: every call waits this long first;
 * - `slow`: a call waits 30 s (past any sensible client timeout);
 * - `errorRate`: this share of calls (0 … 1) answers 500.
 */
export interface Faults {
  down: boolean;
  latencyMs: number;
  slow: boolean;
  errorRate: number;
}

export const NO_FAULTS: Readonly<Faults> = { down: false, latencyMs: 0, slow: false, errorRate: 0 };

export class FaultSwitches {
  private current: Faults = { ...NO_FAULTS };

  get(): Faults {
    return { ...this.current };
  }

  /** Applies the switches given; throws with the field's name for a value that is none. */
  set(change: Partial<Record<keyof Faults, unknown>>): Faults {
    const next = { ...this.current };
    for (const [key, value] of Object.entries(change)) {
      switch (key) {
        case "down":
        case "slow":
          if (typeof value !== "boolean") throw new Error(`${key}: must be true or false`);
          next[key] = value;
          break;
        case "latencyMs":
          if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new Error("latencyMs: must be a number of milliseconds, 0 or more");
          next.latencyMs = value;
          break;
        case "errorRate":
          if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new Error("errorRate: must be a number from 0 to 1");
          next.errorRate = value;
          break;
        default:
          throw new Error(`${key}: no such fault (there are down, slow, latencyMs, errorRate)`);
      }
    }
    this.current = next;
    return this.get();
  }

  clear(): void {
    this.current = { ...NO_FAULTS };
  }

  /**
   * Express middleware putting the switches in front of a stand-in's routes (its `/_…` control routes excepted).
   * `fault(res)` lets a SOAP stand-in answer a fault its own way: return true when the middleware answered.
   */
  middleware(fault?: (res: Response, status: number, message: string) => void): (req: Request, res: Response, next: NextFunction) => void {
    return (req, res, next) => {
      // control routes (`/_…`), a stand-in's own sub-systems' too (the ERP's `/companies/<id>/_state`), are never faulted
      if (/(^|\/)_/.test(req.path)) return next();
      // once per call: the framework and a stand-in's own router may both put these switches in front of a route
      if (res.locals.sandboxFaults === this) return next();
      res.locals.sandboxFaults = this;
      const f = this.current;
      const answer = (status: number, message: string) => (fault ? fault(res, status, message) : res.status(status).json({ error: message }));
      const go = () => {
        if (f.down) return answer(503, "the system is down (sandbox fault switch)");
        if (f.errorRate > 0 && Math.random() < f.errorRate) return answer(500, "internal error (sandbox fault switch)");
        next();
      };
      const wait = f.slow ? 30_000 : f.latencyMs;
      if (wait > 0) {
        const timer = setTimeout(go, wait);
        res.once("close", () => clearTimeout(timer));
      } else go();
    };
  }

  /** `GET`/`PUT`/`DELETE /_faults` on a stand-in's router. */
  routes(): Router {
    const router = express.Router();
    router.get("/_faults", (_req, res) => res.json(this.get()));
    router.put("/_faults", express.json(), (req, res) => {
      try {
        res.json(this.set((req.body ?? {}) as Record<string, unknown>));
      } catch (err) {
        res.status(400).json({ error: (err as Error).message });
      }
    });
    router.delete("/_faults", (_req, res) => {
      this.clear();
      res.json(this.get());
    });
    return router;
  }
}
