import express from "express";
import { FaultSwitches } from "../faults";
import { HubCallbacks, retryPolicy, type StandInOptions } from "../standin-callbacks";
import { Refusal, amount, bool, handle, idempotencyKey, jsonBody, list, numbered, objectBody, onlyFields, record, restStandInRouter, text } from "../standin-http";
import type { SandboxContext, StandIn } from "../types";

/**
 * The sandbox TMS (the carrier's transport management), at `/sandbox/tms`:
 * - `POST /shipments` `{orderKey, orderNumber, buyer, deliveryNote, lines[{lineNumber, sku, quantity}], shipTo?}` → 201
 *   `{shipmentId, status: "booked"}`; the same Idempotency-Key, or the same delivery note, → 200 with the shipment it
 *   booked, never a second one.
 * - Then tracking webhooks `POST {hub}/api/webhooks/tms` `{shipmentId, orderKey, orderNumber, buyer, deliveryNote,
 *   status, at}`, Idempotency-Key `<shipmentId>:<status>`: dispatched, in-transit, delivered, a step apart.
 * - `GET`/`PUT /_behaviour` `{stepDelayMs, duplicates, outOfOrder}`: each webhook twice; delivered before in-transit.
 * - `GET /shipments`, `GET /shipments/{id}`.
 */

export const TRACKING = ["dispatched", "in-transit", "delivered"] as const;
export type TrackingStatus = (typeof TRACKING)[number];

export interface TmsBehaviour {
  /** Time between two tracking steps. */
  stepDelayMs: number;
  /** Each webhook is sent twice (the same Idempotency-Key), as carriers' platforms do after a timeout. */
  duplicates: boolean;
  /** `delivered` is sent before `in-transit` (each with the time it happened). */
  outOfOrder: boolean;
}

export const DEFAULT_TMS_BEHAVIOUR: Readonly<TmsBehaviour> = { stepDelayMs: 200, duplicates: false, outOfOrder: false };

export interface ShipmentLine {
  lineNumber: string;
  sku: string;
  quantity: number;
}

export interface Shipment {
  shipmentId: string;
  orderKey: string;
  orderNumber: string;
  buyer: string;
  deliveryNote: string;
  lines: ShipmentLine[];
  shipTo?: Record<string, unknown>;
  idempotencyKey?: string;
  bookedAt: string;
  /** The last status that happened (booked until dispatched). */
  status: "booked" | TrackingStatus;
  /** What happened, in the order it happened, and when each webhook went. */
  tracking: Array<{ status: TrackingStatus; at: string; sent: number }>;
  /** The behaviour it was booked under (a switch changed later does not change a shipment under way). */
  behaviour: TmsBehaviour;
}

const SHIPMENT_SHAPE = '{"orderKey", "orderNumber", "buyer", "deliveryNote", "lines": [{"lineNumber", "sku", "quantity"}], "shipTo"?}';

function shipmentOf(body: unknown): Pick<Shipment, "orderKey" | "orderNumber" | "buyer" | "deliveryNote" | "lines" | "shipTo"> {
  const b = objectBody(body, SHIPMENT_SHAPE);
  const head = { orderKey: text(b.orderKey, "orderKey"), orderNumber: text(b.orderNumber, "orderNumber"), buyer: text(b.buyer, "buyer"), deliveryNote: text(b.deliveryNote, "deliveryNote") };
  const lines = list(b.lines, "lines").map((raw, i) => {
    const l = record(raw, `lines[${i}]`);
    const lineNumber = typeof l.lineNumber === "number" ? String(l.lineNumber) : text(l.lineNumber, `lines[${i}].lineNumber`);
    return { lineNumber, sku: text(l.sku, `lines[${i}].sku`), quantity: amount(l.quantity, `lines[${i}].quantity`) };
  });
  const seen = new Set<string>();
  lines.forEach((l, i) => {
    if (seen.has(l.lineNumber)) throw new Refusal(422, `lines[${i}].lineNumber: line ${l.lineNumber} is given twice`);
    seen.add(l.lineNumber);
  });
  return {
    ...head,
    lines,
    ...(b.shipTo === undefined || b.shipTo === null ? {} : { shipTo: record(b.shipTo, "shipTo") }),
  };
}

/** The order the webhooks go in: the real order, or delivered before in-transit. */
export function sendingOrder(outOfOrder: boolean): TrackingStatus[] {
  return outOfOrder ? ["dispatched", "delivered", "in-transit"] : [...TRACKING];
}

export function createTms(ctx: SandboxContext, options: StandInOptions = {}): StandIn {
  const faults = new FaultSwitches();
  const callbacks = new HubCallbacks(ctx, faults, retryPolicy(options));
  const shipments = new Map<string, Shipment>();
  const byKey = new Map<string, string>();
  const byNote = new Map<string, string>();
  let behaviour: TmsBehaviour = { ...DEFAULT_TMS_BEHAVIOUR };
  let seq = 0;
  let generation = 0;

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const waitWhileDown = async (gen: number) => {
    while (faults.get().down && gen === generation) await pause(50);
  };

  /** The shipment's life: each step happens `stepDelayMs` after the last, while the TMS is up; its webhook follows. */
  const track = async (s: Shipment, gen: number) => {
    const held: Array<Shipment["tracking"][number]> = [];
    const send = async (step: Shipment["tracking"][number]) => {
      const body = { shipmentId: s.shipmentId, orderKey: s.orderKey, orderNumber: s.orderNumber, buyer: s.buyer, deliveryNote: s.deliveryNote, status: step.status, at: step.at };
      for (let n = 0; n < (s.behaviour.duplicates ? 2 : 1) && gen === generation; n++) {
        await callbacks.call("POST", "/api/webhooks/tms", body, `${s.shipmentId}:${step.status}`);
        step.sent++;
      }
    };
    for (const status of TRACKING) {
      await pause(s.behaviour.stepDelayMs);
      await waitWhileDown(gen);
      if (gen !== generation) return;
      const step = { status, at: new Date().toISOString(), sent: 0 };
      s.tracking.push(step);
      s.status = status;
      if (s.behaviour.outOfOrder && status === "in-transit") held.push(step);
      else await send(step);
    }
    for (const step of held) await send(step);
  };

  const business = express.Router();

  business.post(
    "/shipments",
    jsonBody(),
    handle((req, res) => {
      const key = idempotencyKey(req);
      const asked = shipmentOf(req.body);
      const known = (key !== undefined ? byKey.get(key) : undefined) ?? byNote.get(asked.deliveryNote);
      if (known !== undefined) {
        const s = shipments.get(known)!;
        if (s.deliveryNote !== asked.deliveryNote) {
          throw new Refusal(409, `Idempotency-Key ${key} booked shipment ${s.shipmentId} for delivery note ${s.deliveryNote}, not ${asked.deliveryNote}`, { shipmentId: s.shipmentId });
        }
        return res.status(200).json({ shipmentId: s.shipmentId, status: s.status, repeat: true });
      }
      const s: Shipment = { shipmentId: numbered("SHP", ++seq), ...asked, ...(key ? { idempotencyKey: key } : {}), bookedAt: new Date().toISOString(), status: "booked", tracking: [], behaviour: { ...behaviour } };
      shipments.set(s.shipmentId, s);
      byNote.set(s.deliveryNote, s.shipmentId);
      if (key) byKey.set(key, s.shipmentId);
      void track(s, generation);
      res.status(201).location(`shipments/${s.shipmentId}`).json({ shipmentId: s.shipmentId, status: "booked" });
    }),
  );

  business.get("/shipments", (_req, res) => res.json({ count: shipments.size, shipments: [...shipments.values()] }));
  business.get("/shipments/:id", (req, res) => {
    const s = shipments.get(req.params.id);
    if (!s) throw new Refusal(404, `TMS has no shipment ${req.params.id}`);
    res.json(s);
  });

  const control = express.Router();
  control.get("/_behaviour", (_req, res) => res.json(behaviour));
  control.put("/_behaviour", jsonBody("16kb"), (req, res) => {
    const b = objectBody(req.body, '{"stepDelayMs": 200, "duplicates": false, "outOfOrder": false}');
    onlyFields(b, ["stepDelayMs", "duplicates", "outOfOrder"]);
    const next = { ...behaviour };
    if (b.stepDelayMs !== undefined) {
      next.stepDelayMs = amount(b.stepDelayMs, "stepDelayMs", "0 or more");
      if (next.stepDelayMs > 3_600_000) throw new Refusal(400, `stepDelayMs: at most 3600000 (is ${next.stepDelayMs})`);
    }
    if (b.duplicates !== undefined) next.duplicates = bool(b.duplicates, "duplicates");
    if (b.outOfOrder !== undefined) next.outOfOrder = bool(b.outOfOrder, "outOfOrder");
    behaviour = next;
    res.json(behaviour);
  });

  const reset = () => {
    generation++;
    shipments.clear();
    byKey.clear();
    byNote.clear();
    callbacks.reset();
    behaviour = { ...DEFAULT_TMS_BEHAVIOUR };
    faults.clear();
    seq = 0;
  };
  const state = () => ({ behaviour, shipments: [...shipments.values()], callbacksSent: callbacks.sent.length, failedCallbacks: callbacks.failed });

  return {
    name: "tms",
    router: restStandInRouter("TMS", faults, callbacks, control, business, state, reset),
    faults,
    state,
    reset,
    async stop() {
      generation++;
      callbacks.reset();
    },
  };
}
