import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../sandbox";
import { WMS_EXCHANGE, WMS_QUEUE, WMS_REJECTED_QUEUE, createWms } from "../../sandbox/wms";
import { createVhost, type TestVhost } from "../support/rabbit";
import { quietFor, until } from "../support/wait";

// The sandbox WMS on a vhost of this file's own: delivery notes in on `wms.delivery-notes`, `wms.picked` and
// `wms.shipped` out on `orderhub.wms` with what it really had. Stock from the demo manufacturer: FG-1000 120 in
// WH-WALLDORF, FG-1001 15 in WH-WALLDORF and 10 in WH-BERLIN.

let vhost: TestVhost;
let sandbox: Sandbox;
let server: Server;
let base: string;
let conn: ChannelModel;
let ch: Channel;
const events: ConsumeMessage[] = [];
const rejected: ConsumeMessage[] = [];

interface WmsEvent {
  event: string;
  deliveryNote: string;
  orderKey: string;
  short: boolean;
  lines: Array<{ lineNumber: string; sku: string; warehouse: string; requested: number; quantity: number }>;
}

const body = (m: ConsumeMessage) => JSON.parse(m.content.toString()) as WmsEvent;
const of = (note: string) => events.filter((m) => body(m).deliveryNote === note);
const send = (note: object | string) => ch.sendToQueue(WMS_QUEUE, Buffer.from(typeof note === "string" ? note : JSON.stringify(note)), { persistent: true });
const state = async () => (await (await fetch(`${base}/sandbox/wms/_state`)).json()) as { connected: boolean; consuming: boolean; stock: Array<{ sku: string; warehouse: string; quantity: number }> };
const stockOf = async (sku: string, warehouse: string) => (await state()).stock.find((s) => s.sku === sku && s.warehouse === warehouse)?.quantity;
const put = (path: string, value: unknown) => fetch(`${base}/sandbox/wms${path}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(value) });

const note = (id: string, lines: Array<[string, string, number, string]>) => ({
  deliveryNote: id,
  orderKey: `C-NORTH/PO-${id}/0`,
  orderNumber: `PO-${id}`,
  buyer: "C-NORTH",
  lines: lines.map(([lineNumber, sku, quantity, warehouse]) => ({ lineNumber, sku, quantity, warehouse })),
});

beforeAll(async () => {
  vhost = createVhost("orderhub-sandbox-wms");
  const app = express();
  sandbox = await startSandbox(app, { hubUrl: () => base, apiKey: () => undefined, amqpUrl: vhost.url }, [createWms]);
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await until("the WMS consuming its queue", async () => (await state()).consuming);
  expect(await (await put("/_behaviour", { stepDelayMs: 20 })).json()).toEqual({ stepDelayMs: 20 });
  conn = await amqp.connect(vhost.url);
  ch = await conn.createChannel();
  const { queue } = await ch.assertQueue("", { exclusive: true });
  await ch.bindQueue(queue, WMS_EXCHANGE, "#");
  await ch.consume(queue, (m) => m && events.push(m), { noAck: true });
  await ch.consume(WMS_REJECTED_QUEUE, (m) => m && rejected.push(m), { noAck: true });
});

afterAll(async () => {
  await conn?.close().catch(() => undefined);
  await sandbox?.stop();
  await new Promise((r) => server?.close(r));
  vhost?.drop();
});

describe("a delivery note", () => {
  it("is picked and shipped with its quantities: wms.picked, then wms.shipped, persistent, ids from the note", async () => {
    send(note("DN-1", [["1", "FG-1000", 30, "WH-WALLDORF"], ["2", "FG-1001", 5, "WH-BERLIN"]]));
    await until("picked and shipped for DN-1", () => of("DN-1").length === 2);
    const [picked, shipped] = of("DN-1");
    expect(picked.fields.routingKey).toBe("wms.picked");
    expect(shipped.fields.routingKey).toBe("wms.shipped");
    expect([picked.properties.messageId, shipped.properties.messageId]).toEqual(["DN-1/wms.picked", "DN-1/wms.shipped"]);
    expect(shipped.properties.deliveryMode).toBe(2);
    expect(body(shipped)).toMatchObject({ event: "wms.shipped", orderKey: "C-NORTH/PO-DN-1/0", short: false });
    expect(body(shipped).lines.map((l) => [l.lineNumber, l.sku, l.requested, l.quantity])).toEqual([
      ["1", "FG-1000", 30, 30],
      ["2", "FG-1001", 5, 5],
    ]);
    expect(await stockOf("FG-1000", "WH-WALLDORF")).toBe(90);
    expect(await stockOf("FG-1001", "WH-BERLIN")).toBe(5);
  });

  it("short of stock: ships what there is and says it is short", async () => {
    expect((await put("/_stock", { sku: "FG-1003", warehouse: "WH-WALLDORF", quantity: 4 })).status).toBe(200);
    send(note("DN-2", [["1", "FG-1003", 10, "WH-WALLDORF"], ["2", "FG-1004", 2, "WH-BERLIN"]]));
    await until("shipped for DN-2", () => of("DN-2").length === 2);
    const shipped = body(of("DN-2")[1]);
    expect(shipped.short).toBe(true);
    expect(shipped.lines.map((l) => [l.sku, l.requested, l.quantity])).toEqual([
      ["FG-1003", 10, 4],
      ["FG-1004", 2, 2],
    ]);
    expect(await stockOf("FG-1003", "WH-WALLDORF")).toBe(0);
  });

  it("with no stock at all: ships nothing of the line", async () => {
    send(note("DN-3", [["1", "FG-1003", 1, "WH-WALLDORF"]]));
    await until("shipped for DN-3", () => of("DN-3").length === 2);
    expect(body(of("DN-3")[1]).lines[0]).toMatchObject({ requested: 1, quantity: 0 });
  });

  it("sent again: the same events under the same ids, and nothing picked twice", async () => {
    const stock = await stockOf("FG-1000", "WH-WALLDORF");
    send(note("DN-1", [["1", "FG-1000", 30, "WH-WALLDORF"], ["2", "FG-1001", 5, "WH-BERLIN"]]));
    await until("DN-1's events again", () => of("DN-1").length === 4);
    const [first, , again, againShipped] = of("DN-1");
    expect([again.properties.messageId, againShipped.properties.messageId]).toEqual(["DN-1/wms.picked", "DN-1/wms.shipped"]);
    expect(again.content.equals(first.content)).toBe(true);
    expect(await stockOf("FG-1000", "WH-WALLDORF")).toBe(stock);
    expect(await quietFor(() => of("DN-1").length, 300)).toBe(4);
  });
});

describe("a delivery note the WMS cannot take", () => {
  it.each([
    ["not JSON", "{oops", /^not JSON/],
    ["without lines", { ...note("DN-9", []), lines: [] }, /^delivery note DN-9: lines must list at least one line/],
    ["a zero quantity", note("DN-10", [["1", "FG-1000", 0, "WH-WALLDORF"]]), /lines\[0\]\.quantity: must be a number greater than 0 \(is 0\)/],
    ["an unknown item", note("DN-11", [["1", "NO-SUCH", 1, "WH-WALLDORF"]]), /lines\[0\]\.sku: item NO-SUCH is not kept in this WMS/],
    ["an unknown warehouse", note("DN-12", [["1", "FG-1000", 1, "WH-MARS"]]), /lines\[0\]\.warehouse: warehouse WH-MARS is not run by this WMS/],
  ])("%s: goes to wms.delivery-notes.rejected with the reason, and nothing is shipped", async (_what, sent, reason) => {
    const before = rejected.length;
    const shippedBefore = events.length;
    send(sent as object);
    await until("the rejected note", () => rejected.length === before + 1);
    expect(String(rejected[before].properties.headers?.["x-wms-reason"])).toMatch(reason);
    expect(await quietFor(() => events.length, 200)).toBe(shippedBefore);
  });
});

describe("fault switches", () => {
  it("down: delivery notes wait in the queue, and are shipped once it is up", async () => {
    await put("/_faults", { down: true });
    await until("the WMS to stop consuming", async () => !(await state()).consuming);
    send(note("DN-20", [["1", "FG-1000", 1, "WH-WALLDORF"]]));
    await until("the note waiting in the queue", async () => (await ch.checkQueue(WMS_QUEUE)).messageCount === 1);
    expect(of("DN-20")).toHaveLength(0);
    await fetch(`${base}/sandbox/wms/_faults`, { method: "DELETE" });
    await until("DN-20 shipped", () => of("DN-20").length === 2);
  });
});
