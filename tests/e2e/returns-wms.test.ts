import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allQueueCounts, type TestVhost } from "../support/rabbit";
import { startSandboxHub } from "../support/sandbox-hub";
import { until } from "../support/wait";
import type { HubProcess } from "../runtime/support/hub-process";

// Returns through the WMS (docs/SETTLEMENT.md, "Returns through the WMS"): one hub with every shipped flow and the
// sandbox on, on a vhost of its own. An authorised RMA goes to the WMS as a return notice; the WMS's
// `wms.return-received` (what really came back) is the goods receipt, and its credit note reaches finance and ERP once,
// though the WMS reports the receipt twice.

let vhost: TestVhost;
let hub: HubProcess;
let connection: ChannelModel;
let channel: Channel;
const received: ConsumeMessage[] = [];
const credited: ConsumeMessage[] = [];

async function api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hub.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

interface TimelineView {
  orderKey: string;
  entries: Array<{ milestone: string; event: string; document: string; system: string }>;
}

async function timeline(orderNumber: string): Promise<TimelineView | undefined> {
  const res = await api<{ orders: TimelineView[] }>(`/api/orders/${encodeURIComponent(orderNumber)}/timeline`);
  return res.status === 200 ? res.body.orders[0] : undefined;
}

const entriesOf = (t: TimelineView | undefined, milestone: string) => (t?.entries ?? []).filter((e) => e.milestone === milestone);
const queueTotal = async (queue: string) => (await allQueueCounts(vhost.name)).get(queue)?.total ?? 0;

beforeAll(async () => {
  ({ vhost, hub } = await startSandboxHub("orderhub-returns-wms", 1000));
  expect((await api("/sandbox/wms/_behaviour", json("PUT", { stepDelayMs: 50 }))).status).toBe(200);
  // the test's own view of what the WMS reports and what the hub announces
  connection = await amqp.connect(vhost.url);
  channel = await connection.createChannel();
  const watch = async (exchange: string, key: string, into: ConsumeMessage[]) => {
    const { queue } = await channel.assertQueue("", { exclusive: true });
    await channel.bindQueue(queue, exchange, key);
    await channel.consume(queue, (m) => m && into.push(m), { noAck: true });
  };
  await watch("orderhub.wms", "wms.return-received", received);
  await watch("orderhub.events", "return.credited", credited);
}, 60_000);

afterAll(async () => {
  await connection?.close().catch(() => undefined);
  expect(await hub?.stop()).toBe(0);
  vhost?.drop();
});

describe("returns through the WMS", () => {
  it("credits what the WMS really received (3 of 4) once in finance and ERP, though the WMS reports the receipt twice", async () => {
    const order = { orderNumber: "RET-WMS-1", issueDate: new Date().toISOString().slice(0, 10), currency: "EUR", buyer: { id: "C-OPEN" }, lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 10, unit: "H87", unitPrice: 12.5 }] };
    expect((await api("/api/orders", json("POST", order))).status).toBe(202);
    const invoiced = await until("invoiced", async () => entriesOf(await timeline("RET-WMS-1"), "invoiced")[0], 40_000, 250);
    const orderKey = (await timeline("RET-WMS-1"))!.orderKey;

    // stock before the return: the WMS's (what it shipped is gone) and the hub's on hand
    type WmsStock = { stock: Array<{ sku: string; warehouse: string; quantity: number }> };
    const wmsStock = async () => (await api<WmsStock>("/sandbox/wms/_state")).body.stock.find((s) => s.sku === "FG-1000" && s.warehouse === "WH-WALLDORF")?.quantity;
    type Supply = Array<{ sku: string; warehouse: string; type: string; quantity: number; date?: string }>;
    const hubOnHand = async () => (await api<Supply>("/api/master/supply")).body.find((s) => s.sku === "FG-1000" && s.warehouse === "WH-WALLDORF" && s.type === "on-hand" && !s.date)?.quantity;
    const wmsBefore = await wmsStock();
    const hubBefore = await hubOnHand();
    expect(wmsBefore).toBe(990);

    // the customer announces 4; the warehouse will count 3
    expect((await api("/sandbox/wms/_returns", json("PUT", { quantities: { "FG-1000": 3 } }))).status).toBe(200);
    const rma = { rma: "RMA-WMS-1", orderKey, invoice: invoiced.document, reason: "damaged in transit", lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 4 }] };
    expect((await api("/api/returns", json("POST", rma))).status).toBe(201);

    const receipt = await until("wms.return-received", () => received[0], 20_000, 50);
    expect(receipt.properties.messageId).toBe("RMA-WMS-1/wms.return-received");
    expect(JSON.parse(receipt.content.toString())).toMatchObject({ rma: "RMA-WMS-1", orderKey, document: "GR-RMA-WMS-1", short: true, lines: [{ lineNumber: "10", sku: "FG-1000", announced: 4, quantity: 3 }] });

    type Finance = { creditNotes: Array<{ number: string; billingReference?: string; payable: number }> };
    type Erp = { arVouchers: Array<{ invoiceNumber: string; grossAmount: number; customerNumber: string }> };
    const financeNotes = async () => (await api<Finance>("/sandbox/finance/_state")).body.creditNotes.filter((c) => c.billingReference === invoiced.document);
    const notes = await until("the credit note in finance", async () => ((await financeNotes()).length > 0 ? financeNotes() : undefined), 20_000, 100);
    // 3 × 12.50 = 37.50 net, 19 % VAT 7.13: 44.63
    expect(notes).toEqual([expect.objectContaining({ payable: 44.63 })]);
    const creditNote = notes[0].number;
    const vouchers = async () => (await api<Erp>("/sandbox/erp/_state")).body.arVouchers.filter((v) => v.invoiceNumber === creditNote);
    expect(await until("the AR voucher in ERP", async () => ((await vouchers()).length > 0 ? vouchers() : undefined), 20_000, 100)).toEqual([
      expect.objectContaining({ customerNumber: "C-OPEN", grossAmount: -44.63 }),
    ]);
    await until("credited on the timeline", async () => entriesOf(await timeline("RET-WMS-1"), "credited")[0], 20_000, 100);

    // the return notice again (a redelivery): the WMS reports the same receipt under the same id, the hub announces
    // the same credit note again, and finance and ERP keep one each
    channel.sendToQueue("wms.return-notices", Buffer.from(JSON.stringify({ rma: "RMA-WMS-1", orderKey, lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 4 }] })), { persistent: true, contentType: "application/json" });
    await until("the receipt reported twice", () => received.length === 2, 20_000, 50);
    expect(received.map((m) => m.properties.messageId)).toEqual(["RMA-WMS-1/wms.return-received", "RMA-WMS-1/wms.return-received"]);
    expect(received[1].content.equals(received[0].content)).toBe(true);
    await until("the credit note announced twice", () => credited.length === 2, 20_000, 50);
    expect(new Set(credited.map((m) => m.properties.messageId))).toEqual(new Set([`return.credited/${creditNote}`]));
    await until("both credits taken", async () => (await queueTotal("orderhub.settlement.returns")) === 0 && (await queueTotal("orderhub.returns.wms")) === 0, 20_000, 100);
    expect(await financeNotes()).toHaveLength(1);
    expect(await vouchers()).toHaveLength(1);
    expect(entriesOf(await timeline("RET-WMS-1"), "credited")).toHaveLength(1);
    // the 3 that came back are on stock again, once: in the WMS and in the hub's master data, with the credit
    expect(await wmsStock()).toBe(993);
    expect(await hubOnHand()).toBe(hubBefore! + 3);
    type OpenItems = Array<{ customer: string; document: string; amount: number }>;
    expect((await api<OpenItems>("/api/master/open-items")).body.filter((o) => o.document === creditNote)).toEqual([expect.objectContaining({ customer: "C-OPEN", amount: -44.63 })]);
    expect(await queueTotal("orderhub.dlq")).toBe(0);
  }, 50_000);
});
