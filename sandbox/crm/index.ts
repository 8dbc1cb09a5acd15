import express from "express";
import type { OrderInput } from "../../domain/order/canonical-order";
import { validateOrderInput } from "../../mappings/validate";
import { FaultSwitches } from "../faults";
import { HubCallbacks, retryPolicy, type StandInOptions } from "../standin-callbacks";
import { Refusal, handle, idempotencyKey, invalid, jsonBody, numbered, objectBody, onlyFields, restStandInRouter } from "../standin-http";
import type { SandboxContext, StandIn } from "../types";
import { loadCrmSeed, sampleOrder, type CrmSeed } from "./sample-orders";

/**
 * The sandbox CRM, at `/sandbox/crm`:
 * - `GET /customers`, `GET /customers/{id}`: the demo manufacturer's customers.
 * - `POST /orders`: an order as JSON in the hub's JSON order input shape (mappings/order-input.schema.json) for one of
 *   its customers → 201 `{crmOrderId, cursor}`, and a webhook `POST {hub}/api/webhooks/crm/orders` with the order
 *   (Idempotency-Key: the CRM order id). The same Idempotency-Key, or the same order again, → 200 with the one it
 *   holds; another order under a buyer's order number and revision it holds → 409.
 * - `GET /orders?since=<ISO time | cursor>&limit=N`: the orders after that, oldest first, with the `cursor` to ask
 *   from next time (the hub's poll); `GET /orders/{id}`.
 * - `POST /_generate {count}`: N sample orders of its customers and items (for the demo), each sent as above.
 */

export interface CrmOrder {
  crmOrderId: string;
  /** Its place in the CRM's order list: `GET /orders?since=<cursor>` lists the orders after it. */
  cursor: string;
  createdAt: string;
  order: OrderInput;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const orderIdentity = (o: OrderInput) => `${o.buyer.id ?? o.buyer.gln ?? o.buyer.name}|${o.orderNumber}|${o.revision ?? 0}|${o.purpose ?? "order"}`;
const withoutSource = (o: OrderInput) => JSON.stringify({ ...o, source: undefined });

export function createCrm(ctx: SandboxContext, options: StandInOptions & { seed?: CrmSeed } = {}): StandIn {
  const seed = options.seed ?? loadCrmSeed();
  const customers = new Map(seed.customers.map((c) => [c.id, c]));
  const faults = new FaultSwitches();
  const callbacks = new HubCallbacks(ctx, faults, retryPolicy(options));
  const orders: CrmOrder[] = [];
  const byId = new Map<string, CrmOrder>();
  const byKey = new Map<string, CrmOrder>();
  const byIdentity = new Map<string, CrmOrder>();
  let samples = 0;

  /** Checks and keeps an order, then tells the hub; a repeat gives the one it holds. */
  const take = (body: unknown, key?: string): { created: boolean; order: CrmOrder } => {
    const held = key === undefined ? undefined : byKey.get(key);
    if (held) return { created: false, order: held };
    let input: OrderInput;
    try {
      input = validateOrderInput(body, "json");
    } catch (err) {
      throw invalid((err as Error).message.replace(/^canonical order: /, ""));
    }
    const buyerId = input.buyer.id;
    if (!buyerId) throw invalid(`buyer.id: the CRM knows its customers by id (${[...customers.keys()].slice(0, 4).join(", ")}, …)`);
    if (!customers.has(buyerId)) throw invalid(`buyer.id: the CRM has no customer ${buyerId}`);
    const same = byIdentity.get(orderIdentity(input));
    if (same) {
      if (withoutSource(same.order) !== withoutSource({ ...input, source: same.order.source })) {
        throw new Refusal(409, `order ${input.orderNumber} revision ${input.revision ?? 0} of ${buyerId} is CRM order ${same.crmOrderId} with other content; send a change (purpose "change") with a new revision`, { crmOrderId: same.crmOrderId });
      }
      if (key) byKey.set(key, same);
      return { created: false, order: same };
    }
    const seq = orders.length + 1;
    const crmOrderId = numbered("CRM", seq);
    const order: CrmOrder = { crmOrderId, cursor: String(seq), createdAt: new Date().toISOString(), order: { ...input, source: { system: "crm", format: "json", documentId: crmOrderId, ...input.source } } as OrderInput };
    orders.push(order);
    byId.set(crmOrderId, order);
    byIdentity.set(orderIdentity(input), order);
    if (key) byKey.set(key, order);
    void callbacks.call("POST", "/api/webhooks/crm/orders", order.order, crmOrderId);
    return { created: true, order };
  };

  const business = express.Router();

  business.get("/customers", (_req, res) => res.json({ count: customers.size, customers: [...customers.values()] }));
  business.get("/customers/:id", (req, res) => {
    const c = customers.get(req.params.id);
    if (!c) throw new Refusal(404, `the CRM has no customer ${req.params.id}`);
    res.json(c);
  });

  business.post(
    "/orders",
    jsonBody("10mb"),
    handle((req, res) => {
      const { created, order } = take(req.body, idempotencyKey(req));
      res.status(created ? 201 : 200).json({ crmOrderId: order.crmOrderId, cursor: order.cursor, orderNumber: order.order.orderNumber, ...(created ? {} : { repeat: true }) });
    }),
  );

  business.get("/orders", (req, res) => {
    const since = req.query.since;
    const limit = req.query.limit === undefined ? DEFAULT_LIMIT : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new Refusal(400, `limit: must be a whole number from 1 to ${MAX_LIMIT} (is ${JSON.stringify(req.query.limit)})`);
    let after: CrmOrder[];
    let cursor: string;
    if (since === undefined || since === "") {
      after = orders;
      cursor = "0";
    } else if (typeof since === "string" && /^\d+$/.test(since)) {
      const from = Number(since);
      if (from > orders.length) throw new Refusal(400, `since: cursor ${since} is past the CRM's last order (cursor ${orders.length})`);
      after = orders.slice(from);
      cursor = since;
    } else if (typeof since === "string" && ISO_TIME.test(since) && !Number.isNaN(Date.parse(since))) {
      const t = Date.parse(since);
      after = orders.filter((o) => Date.parse(o.createdAt) > t);
      cursor = String(orders.length - after.length);
    } else {
      throw new Refusal(400, `since: must be an ISO 8601 time (2026-03-01T08:00:00Z) or a cursor from an earlier answer (is ${JSON.stringify(since)})`);
    }
    const page = after.slice(0, limit);
    res.json({ count: page.length, orders: page, cursor: page.length > 0 ? page[page.length - 1].cursor : cursor, more: after.length > page.length });
  });

  business.get("/orders/:id", (req, res) => {
    const o = byId.get(req.params.id);
    if (!o) throw new Refusal(404, `the CRM has no order ${req.params.id}`);
    res.json(o);
  });

  const control = express.Router();
  control.post(
    "/_generate",
    jsonBody("16kb"),
    handle((req, res) => {
      const b = objectBody(req.body ?? {}, '{"count": 5}');
      onlyFields(b, ["count", "day"]);
      const count = b.count ?? 1;
      if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 1000) throw new Refusal(400, `count: must be a whole number from 1 to 1000 (is ${JSON.stringify(count)})`);
      const day = b.day === undefined ? new Date().toISOString().slice(0, 10) : b.day;
      if (typeof day !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Refusal(400, `day: must be a date YYYY-MM-DD (is ${JSON.stringify(day)})`);
      const created: CrmOrder[] = [];
      for (let i = 0; i < count; i++) {
        const input = sampleOrder(++samples, seed, day);
        if (!input) throw new Refusal(422, `no customer of the CRM has a list price for any item on ${day}: no sample order can be made`);
        created.push(take(input).order);
      }
      res.status(201).json({ count: created.length, orders: created.map((o) => ({ crmOrderId: o.crmOrderId, orderNumber: o.order.orderNumber, buyer: o.order.buyer.id })) });
    }),
  );

  const reset = () => {
    orders.length = 0;
    byId.clear();
    byKey.clear();
    byIdentity.clear();
    callbacks.reset();
    faults.clear();
    samples = 0;
  };
  const state = () => ({ customers: customers.size, orders, callbacksSent: callbacks.sent.length, failedCallbacks: callbacks.failed });

  return {
    name: "crm",
    router: restStandInRouter("CRM", faults, callbacks, control, business, state, reset),
    faults,
    state,
    reset,
    async stop() {
      callbacks.reset();
    },
  };
}
