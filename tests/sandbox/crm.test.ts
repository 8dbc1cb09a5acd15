import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MasterData } from "../../domain/master/types";
import { readJsonOrder } from "../../mappings/json-order";
import { createCrm } from "../../sandbox/crm";
import type { StandIn } from "../../sandbox/types";
import { quietFor, until } from "../support/wait";
import { call, contextFor, serve, startReceiver, type HubReceiver } from "./hub-receiver";

const manufacturer = JSON.parse(readFileSync(path.resolve(__dirname, "../fixtures/master/manufacturer.json"), "utf8")) as MasterData;

/** The minimal JSON order of the README's "Order formats". */
const order = (orderNumber: string, change: Record<string, unknown> = {}) => ({
  orderNumber,
  issueDate: "2026-03-02",
  currency: "EUR",
  buyer: { id: "C-1001", name: "Schmidt Antriebstechnik GmbH" },
  lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 40, unitPrice: 9.5 }],
  ...change,
});

describe("the sandbox CRM", () => {
  let hub: HubReceiver;
  let crm: StandIn;
  let server: { base: string; close(): Promise<void> };
  const hooks = () => hub.on("/api/webhooks/crm/orders");

  beforeAll(async () => {
    hub = await startReceiver();
    crm = createCrm(contextFor(hub), { retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 20 } });
    server = await serve(crm);
  });
  afterAll(async () => {
    await server.close();
    await hub.close();
  });
  beforeEach(() => {
    crm.reset();
    hub.calls.length = 0;
  });

  it("knows the demo manufacturer's customers", async () => {
    const answer = await call("GET", `${server.base}/customers`);
    expect(answer.body.customers.map((c: { id: string }) => c.id)).toEqual(manufacturer.customers!.map((c) => c.id));
    expect((await call("GET", `${server.base}/customers/C-1001`)).body).toMatchObject({ name: "Schmidt Antriebstechnik GmbH", creditLimit: 100000 });
    expect((await call("GET", `${server.base}/customers/C-NONE`)).status).toBe(404);
  });

  it("takes an order once and sends it to the hub's webhook under the CRM order id", async () => {
    const created = await call("POST", `${server.base}/orders`, order("PO-1"), { "idempotency-key": "crm-form-1" });
    expect(created).toMatchObject({ status: 201, body: { crmOrderId: "CRM-000001", cursor: "1", orderNumber: "PO-1" } });
    const hook = await until("the webhook", () => hooks()[0]);
    expect(hook.method).toBe("POST");
    expect(hook.headers["idempotency-key"]).toBe("CRM-000001");
    expect(hook.headers.authorization).toBe("Bearer sandbox-key");
    expect(hook.body).toEqual({ ...order("PO-1"), source: { system: "crm", format: "json", documentId: "CRM-000001" } });
    // what the CRM sends is an order the hub's JSON intake takes as it is
    expect(readJsonOrder(hook.body, {}, undefined)).toMatchObject({ orderNumber: "PO-1", source: { system: "crm", documentId: "CRM-000001" }, totals: { payable: 380 } });

    expect(await call("POST", `${server.base}/orders`, order("PO-1"), { "idempotency-key": "crm-form-1" })).toMatchObject({ status: 200, body: { crmOrderId: "CRM-000001", repeat: true } });
    expect(await call("POST", `${server.base}/orders`, order("PO-1"))).toMatchObject({ status: 200, body: { crmOrderId: "CRM-000001", repeat: true } });
    const other = await call("POST", `${server.base}/orders`, order("PO-1", { lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 41 }] }));
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('order PO-1 revision 0 of C-1001 is CRM order CRM-000001 with other content; send a change (purpose "change") with a new revision');
    expect(await quietFor(() => hooks().length, 100)).toBe(1);
  });

  it("refuses an order a CRM could not hold, naming the field", async () => {
    const cases: Array<[unknown, number, string]> = [
      [order("PO-V", { currency: undefined }), 422, "currency is missing"],
      [order("PO-V", { lines: [{ lineNumber: "10", sku: "FG-1000", quantity: "ten" }] }), 422, "lines[0].quantity"],
      [order("PO-V", { issueDate: "02.03.2026" }), 422, "issueDate"],
      [order("PO-V", { buyer: { id: "C-NONE" } }), 422, "buyer.id: the CRM has no customer C-NONE"],
      [order("PO-V", { buyer: { name: "Someone" } }), 422, "buyer.id: the CRM knows its customers by id"],
      ["not json", 400, "the body is not JSON"],
    ];
    for (const [body, status, error] of cases) {
      const answer = await call("POST", `${server.base}/orders`, body, typeof body === "string" ? { "content-type": "application/json" } : {});
      expect(answer.status, error).toBe(status);
      expect(answer.body.error).toContain(error);
    }
    expect((crm.state() as any).orders).toHaveLength(0);
    expect(hub.calls).toHaveLength(0);
  });

  it("lists orders for the hub's poll from a cursor or a time, oldest first, in pages", async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    for (const n of ["PO-A", "PO-B", "PO-C"]) await call("POST", `${server.base}/orders`, order(n));
    const first = await call("GET", `${server.base}/orders?since=0&limit=2`);
    expect(first.body).toMatchObject({ count: 2, cursor: "2", more: true });
    expect(first.body.orders.map((o: any) => o.order.orderNumber)).toEqual(["PO-A", "PO-B"]);
    const second = await call("GET", `${server.base}/orders?since=${first.body.cursor}`);
    expect(second.body).toMatchObject({ count: 1, cursor: "3", more: false, orders: [{ crmOrderId: "CRM-000003" }] });
    expect((await call("GET", `${server.base}/orders?since=3`)).body).toMatchObject({ count: 0, cursor: "3", more: false });
    expect((await call("GET", `${server.base}/orders?since=${encodeURIComponent(before)}`)).body).toMatchObject({ count: 3, cursor: "3" });
    expect((await call("GET", `${server.base}/orders?since=2099-01-01T00:00:00Z`)).body).toMatchObject({ count: 0, cursor: "3" });
    expect((await call("GET", `${server.base}/orders`)).body.count).toBe(3);
    expect((await call("GET", `${server.base}/orders?since=yesterday`)).body.error).toContain("since: must be an ISO 8601 time");
    expect((await call("GET", `${server.base}/orders?since=9`)).body.error).toBe("since: cursor 9 is past the CRM's last order (cursor 3)");
    expect((await call("GET", `${server.base}/orders?limit=0`)).status).toBe(400);
    expect((await call("GET", `${server.base}/orders/CRM-000002`)).body.order.orderNumber).toBe("PO-B");
  });

  it("makes sample orders of its customers and items, priced from the list, the same ones each time", async () => {
    const made = await call("POST", `${server.base}/_generate`, { count: 6, day: "2026-03-02" });
    expect(made).toMatchObject({ status: 201, body: { count: 6 } });
    await until("six webhooks", () => hooks().length === 6);
    const blocked = new Set(manufacturer.customers!.filter((c) => c.blocked).map((c) => c.id));
    const skus = new Set(manufacturer.items!.map((i) => i.sku));
    for (const hook of hooks()) {
      const o = readJsonOrder(hook.body, {}, undefined);
      expect(blocked.has(o.buyer.id!)).toBe(false);
      expect(manufacturer.customers!.some((c) => c.id === o.buyer.id && c.currency === o.currency)).toBe(true);
      expect(o.lines.length).toBeGreaterThanOrEqual(1);
      for (const line of o.lines) {
        expect(skus.has(line.sku)).toBe(true);
        expect(line.unitPrice).toBeGreaterThan(0);
      }
    }
    const firstRun = hooks().map((c) => c.body);
    crm.reset();
    hub.calls.length = 0;
    await call("POST", `${server.base}/_generate`, { count: 6, day: "2026-03-02" });
    await until("six webhooks again", () => hooks().length === 6);
    expect(hooks().map((c) => c.body)).toEqual(firstRun);
    expect((await call("POST", `${server.base}/_generate`, { count: 0 })).status).toBe(400);
  });

  it("answers 503 while it is down and sends the webhooks of orders it took once it is up", async () => {
    await call("PUT", `${server.base}/_faults`, { down: true });
    expect((await call("POST", `${server.base}/orders`, order("PO-D"))).status).toBe(503);
    await call("POST", `${server.base}/_generate`, { count: 1, day: "2026-03-02" });
    expect(await quietFor(() => hub.calls.length, 200)).toBe(0);
    await call("PUT", `${server.base}/_faults`, { down: false });
    await until("the webhook once up", () => hooks().length === 1);
  });
});
