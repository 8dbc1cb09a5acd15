import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTms, sendingOrder } from "../../sandbox/tms";
import type { StandIn } from "../../sandbox/types";
import { quietFor, until } from "../support/wait";
import { call, contextFor, serve, startReceiver, type HubReceiver, type Received } from "./hub-receiver";

const shipment = (note: string, change: Record<string, unknown> = {}) => ({
  orderKey: "C-NORTH/PO-1001/0",
  orderNumber: "PO-1001",
  buyer: "C-NORTH",
  deliveryNote: note,
  lines: [
    { lineNumber: "1", sku: "FG-1000", quantity: 40 },
    { lineNumber: "2", sku: "FG-1001", quantity: 2.5 },
  ],
  shipTo: { name: "Schmidt Antriebstechnik, Werk 2", city: "Stuttgart" },
  ...change,
});

type Hook = { shipmentId: string; status: string; at: string; deliveryNote: string };
const hooks = (hub: HubReceiver, id?: string): Array<Received & { body: Hook }> =>
  hub.on("/api/webhooks/tms").filter((c) => id === undefined || (c.body as Hook).shipmentId === id) as Array<Received & { body: Hook }>;

describe("the sandbox TMS", () => {
  let hub: HubReceiver;
  let tms: StandIn;
  let server: { base: string; close(): Promise<void> };

  beforeAll(async () => {
    hub = await startReceiver();
    tms = createTms(contextFor(hub), { retry: { retries: 2, initialDelayMs: 20, maxDelayMs: 50 } });
    server = await serve(tms);
  });
  afterAll(async () => {
    await server.close();
    await hub.close();
  });
  beforeEach(async () => {
    tms.reset();
    hub.calls.length = 0;
    hub.answer = () => ({ status: 202 });
    await call("PUT", `${server.base}/_behaviour`, { stepDelayMs: 10 });
  });

  it("books a shipment, then tells the hub dispatched, in-transit, delivered, in that order, each under its own key", async () => {
    const booked = await call("POST", `${server.base}/shipments`, shipment("DN-1"), { "idempotency-key": "DN-1" });
    expect(booked).toMatchObject({ status: 201, body: { shipmentId: "SHP-000001", status: "booked" } });
    await until("three tracking webhooks", () => hooks(hub).length === 3);
    const got = hooks(hub);
    expect(got.map((c) => c.body.status)).toEqual(["dispatched", "in-transit", "delivered"]);
    expect(got.map((c) => c.headers["idempotency-key"])).toEqual(["SHP-000001:dispatched", "SHP-000001:in-transit", "SHP-000001:delivered"]);
    expect(got[0].body).toMatchObject({ shipmentId: "SHP-000001", orderKey: "C-NORTH/PO-1001/0", orderNumber: "PO-1001", buyer: "C-NORTH", deliveryNote: "DN-1" });
    expect(got[0].headers.authorization).toBe("Bearer sandbox-key");
    const times = got.map((c) => Date.parse(c.body.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await call("GET", `${server.base}/shipments/SHP-000001`)).body).toMatchObject({ status: "delivered", lines: [{ sku: "FG-1000" }, { sku: "FG-1001" }] });
    expect((await call("GET", `${server.base}/shipments/SHP-999`)).status).toBe(404);
  });

  it("never books a second shipment: the same Idempotency-Key or the same delivery note gives the one it booked", async () => {
    await call("POST", `${server.base}/shipments`, shipment("DN-2"), { "idempotency-key": "k-2" });
    const sameKey = await call("POST", `${server.base}/shipments`, shipment("DN-2"), { "idempotency-key": "k-2" });
    const sameNote = await call("POST", `${server.base}/shipments`, shipment("DN-2"), { "idempotency-key": "another" });
    const noKey = await call("POST", `${server.base}/shipments`, shipment("DN-2"));
    for (const repeat of [sameKey, sameNote, noKey]) expect(repeat).toMatchObject({ status: 200, body: { shipmentId: "SHP-000001", repeat: true } });
    const keyReused = await call("POST", `${server.base}/shipments`, shipment("DN-3"), { "idempotency-key": "k-2" });
    expect(keyReused.status).toBe(409);
    expect(keyReused.body.error).toBe("Idempotency-Key k-2 booked shipment SHP-000001 for delivery note DN-2, not DN-3");
    expect((tms.state() as any).shipments).toHaveLength(1);
    await until("the one shipment's webhooks", () => hooks(hub).length === 3);
    expect(await quietFor(() => hub.calls.length, 100)).toBe(3);
  });

  it("validates a booking as a carrier's system does, naming the field", async () => {
    const cases: Array<[unknown, number, string]> = [
      [shipment("DN-V", { deliveryNote: undefined }), 422, "deliveryNote: must be non-empty text (is missing)"],
      [shipment("DN-V", { lines: [] }), 422, "lines: must have at least 1 entry"],
      [shipment("DN-V", { lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 0 }] }), 422, "lines[0].quantity: must be a number above 0 (is 0)"],
      [shipment("DN-V", { lines: [{ lineNumber: "1", sku: "", quantity: 1 }] }), 422, 'lines[0].sku: must be non-empty text (is "")'],
      [shipment("DN-V", { lines: [{ lineNumber: "1", sku: "A", quantity: 1 }, { lineNumber: 1, sku: "B", quantity: 1 }] }), 422, "lines[1].lineNumber: line 1 is given twice"],
      [shipment("DN-V", { shipTo: "Stuttgart" }), 422, 'shipTo: must be an object (is "Stuttgart")'],
      [[shipment("DN-V")], 400, "send a JSON object"],
    ];
    for (const [body, status, error] of cases) {
      const answer = await call("POST", `${server.base}/shipments`, body);
      expect(answer.status, error).toBe(status);
      expect(answer.body.error).toContain(error);
    }
    expect(await call("PUT", `${server.base}/_behaviour`, { duplicate: true })).toMatchObject({ status: 400, body: { error: "duplicate: no such field (there are stepDelayMs, duplicates, outOfOrder)" } });
    expect((tms.state() as any).shipments).toHaveLength(0);
  });

  it("with duplicates on, sends each webhook twice under the same key", async () => {
    await call("PUT", `${server.base}/_behaviour`, { duplicates: true });
    await call("POST", `${server.base}/shipments`, shipment("DN-D"));
    await until("six webhooks", () => hooks(hub).length === 6);
    expect(hooks(hub).map((c) => c.headers["idempotency-key"])).toEqual([
      "SHP-000001:dispatched",
      "SHP-000001:dispatched",
      "SHP-000001:in-transit",
      "SHP-000001:in-transit",
      "SHP-000001:delivered",
      "SHP-000001:delivered",
    ]);
  });

  it("with outOfOrder on, delivered reaches the hub before in-transit, each with the time it happened", async () => {
    expect(sendingOrder(true)).toEqual(["dispatched", "delivered", "in-transit"]);
    await call("PUT", `${server.base}/_behaviour`, { outOfOrder: true });
    await call("POST", `${server.base}/shipments`, shipment("DN-O"));
    await until("three webhooks", () => hooks(hub).length === 3);
    const got = hooks(hub).map((c) => c.body);
    expect(got.map((b) => b.status)).toEqual(["dispatched", "delivered", "in-transit"]);
    const at = Object.fromEntries(got.map((b) => [b.status, Date.parse(b.at)]));
    expect(at["in-transit"]).toBeLessThanOrEqual(at.delivered);
    expect((tms.state() as any).shipments[0].status).toBe("delivered");
  });

  it("while down answers 503 and sends nothing; a shipment booked before goes on once it is up", async () => {
    await call("PUT", `${server.base}/_behaviour`, { stepDelayMs: 600 });
    await call("POST", `${server.base}/shipments`, shipment("DN-UP"));
    await call("PUT", `${server.base}/_faults`, { down: true });
    expect(await call("POST", `${server.base}/shipments`, shipment("DN-DOWN"))).toMatchObject({ status: 503, body: { error: "the system is down (sandbox fault switch)" } });
    expect((await call("GET", `${server.base}/shipments/SHP-000001`)).status).toBe(503);
    expect(await quietFor(() => hub.calls.length, 300)).toBe(0);
    await call("PUT", `${server.base}/_faults`, { down: false });
    await until("the first shipment's three webhooks", () => hooks(hub, "SHP-000001").length === 3);
    expect(hooks(hub).map((c) => c.body.deliveryNote)).toEqual(["DN-UP", "DN-UP", "DN-UP"]);
    expect((tms.state() as any).shipments).toHaveLength(1);
  });

  it("retries a webhook the hub cannot take yet; one the hub does not know keeps in failedCallbacks", async () => {
    let busy = 1;
    hub.answer = (c) => ((c.body as Hook).status === "dispatched" && busy-- > 0 ? { status: 503 } : (c.body as Hook).status === "delivered" ? { status: 404, body: { error: "no route" } } : { status: 202 });
    await call("POST", `${server.base}/shipments`, shipment("DN-R"));
    await until("delivered tried", () => (tms.state() as any).failedCallbacks.length === 1);
    expect(hooks(hub).map((c) => c.body.status)).toEqual(["dispatched", "dispatched", "in-transit", "delivered"]);
    expect((tms.state() as any).failedCallbacks[0]).toMatchObject({ idempotencyKey: "SHP-000001:delivered", status: 404, attempts: 1 });
    hub.answer = () => ({ status: 202 });
    const retried = await call("POST", `${server.base}/_callbacks/retry`);
    expect(retried.body).toMatchObject({ retried: 1, results: [{ status: 202 }] });
    expect((tms.state() as any).failedCallbacks).toHaveLength(0);
  });
});
