import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInvoice, invoicedLines } from "../../domain/fulfilment/invoice";
import { SqliteStore } from "../../store";
import { books, line, order } from "../fulfilment/books";
import { json, type TestClient } from "../support/amqp";
import { ensureBuilt } from "../support/build";
import type { TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import type { HubProcess } from "./support/hub-process";
import { startHubOnVhost, stopHubOnVhost } from "./support/hub-on-vhost";

/**
 * The settlement ledgers on a running hub: the consignment manager's cycle across a restart, a consumption beyond
 * the ledger, the finance controller's statement and reconciliation from the events on orderhub.events, a payment
 * applied and announced, and a return credited for what the warehouse received.
 */

let vhost: TestVhost;
let hub: HubProcess;
let dir: string;
let client: TestClient;
let start: () => Promise<HubProcess>;

beforeAll(async () => {
  ensureBuilt("dist/runtime/api/settlement.js", "dist/nodes/settlement-record/index.html", "dist/store/sqlite-settlement.cjs");
  ({ vhost, dir, hub, client, startHub: start } = await startHubOnVhost("orderhub-settlement-api", ["config.json", "settlement.json"]));
  await client.consumed("orderhub.settlement", 20_000);
}, 120_000);

afterAll(() => stopHubOnVhost({ client, hub, dir, vhost }));

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${hub.url}/api${path}`, { method, headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

const move = (kind: string, document: string, quantity: number, at = "2026-03-01") => call("POST", "/consignment/C-NORTH/P1/movements", { kind, document, at, lines: [{ sku: "BR-6204", quantity }] });

async function publish(routingKey: string, body: object, messageId: string): Promise<void> {
  client.ch.publish("orderhub.events", routingKey, Buffer.from(JSON.stringify(body)), { messageId, contentType: "application/json", persistent: true });
  await client.ch.waitForConfirms();
}

describe("the consignment ledger of a customer site", () => {
  it("runs a full cycle that balances to zero across a hub restart, refusing a consumption beyond the ledger", async () => {
    const tap = await client.tap("consignment.*");
    const inbound = await client.depth("orderhub.orders.inbound");
    expect((await move("fill-up", "DN-100", 100)).status).toBe(201);
    const issued = await move("issue", "CR-1", 40, "2026-03-10");
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ outcome: "applied", event: "consignment.issue", order: "CR-1", ledger: [{ sku: "BR-6204", balance: 60, issued: 40 }] });
    // the issue is an order of type consignment-issue on the intake queue: order, invoice and ownership follow from it
    const queued = await until("the consumption's order on the intake queue", async () => ((await client.depth("orderhub.orders.inbound")) > inbound ? true : undefined));
    expect(queued).toBe(true);

    await hub.stop();
    hub = await start();

    const beyond = await move("issue", "CR-2", 70, "2026-03-15");
    expect(beyond.status).toBe(400);
    expect(beyond.body.error).toBe("site P1 holds 60 of BR-6204; the report uses 70 (issue CR-2, customer C-NORTH)");
    expect((await move("fill-up", "DN-100", 100)).body.outcome).toBe("repeat");
    expect((await move("pickup", "PU-1", 60, "2026-03-20")).status).toBe(201);

    const ledger = await call("GET", "/consignment/C-NORTH/P1");
    expect(ledger.body.items).toEqual([{ sku: "BR-6204", balance: 0, issued: 40, filledUp: 100, pickedUp: 60, returned: 0 }]);
    expect(ledger.body.movements.map((m: { kind: string; document: string; quantity: number }) => [m.kind, m.document, m.quantity])).toEqual([
      ["fill-up", "DN-100", 100],
      ["issue", "CR-1", 40],
      ["pickup", "PU-1", 60],
    ]);
    const count = await call("POST", "/consignment/C-NORTH/P1/count", { document: "CNT-1", at: "2026-03-31", lines: [{ sku: "BR-6204", quantity: 0 }] });
    expect(count.body).toMatchObject({ matched: ["BR-6204"], differences: [] });
    // the repeated fill-up is announced again under its first message id (a crash between the ledger and the
    // announcement loses nothing; consumers take it once)
    const events = await client.collect(tap, 4);
    expect(events.map((m) => [m.fields.routingKey, json(m).document])).toEqual([
      ["consignment.fill-up", "DN-100"],
      ["consignment.issue", "CR-1"],
      ["consignment.fill-up", "DN-100"],
      ["consignment.pickup", "PU-1"],
    ]);
    expect(events[2].properties.messageId).toBe(events[0].properties.messageId);
  }, 120_000);
});

describe("the finance controller's books from the events", () => {
  const shipped = (n: number, quantity: number, at: string) => ({ event: "order.shipped", orderKey: `C-STMT/PO-${n}/0`, orderNumber: `PO-${n}`, buyer: "C-STMT", system: "wms", document: `SHP-${n}`, at, lines: [{ lineNumber: "1", sku: "GH-100", quantity }] });
  const invoiced = (n: number, amount: number, at: string) => ({ event: "order.invoiced", orderKey: `C-STMT/PO-${n}/0`, orderNumber: `PO-${n}`, buyer: "C-STMT", system: "hub", document: `INV-${n}`, shipment: `SHP-${n}`, at, amount, currency: "EUR", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 2 }] });

  it("keeps deliveries, invoices and payments once, and a statement whose closing balance is the opening plus its lines", async () => {
    const tap = await client.tap("payment.received");
    await publish("order.shipped", shipped(1, 2, "2026-02-20T10:00:00Z"), "m-s1");
    await publish("order.invoiced", invoiced(1, 238, "2026-02-21T10:00:00Z"), "m-i1");
    await publish("order.invoiced", invoiced(1, 238, "2026-02-21T10:00:00Z"), "m-i1"); // a redelivery
    await publish("order.shipped", shipped(2, 2, "2026-03-05T10:00:00Z"), "m-s2");
    await publish("order.invoiced", invoiced(2, 500, "2026-03-06T10:00:00Z"), "m-i2");
    await publish("order.shipped", shipped(3, 1, "2026-03-07T10:00:00Z"), "m-s3"); // never invoiced
    await until("the settlement queue drained", async () => ((await client.depth("orderhub.settlement")) === 0 ? true : undefined));
    await until("the invoices recorded", async () => ((await call("GET", "/customers/C-STMT/statement?from=2026-01-01&to=2026-03-31")).body.lines.length === 2 ? true : undefined));

    const paid = await call("POST", "/payments", { payment: "BANK-77", customer: "C-STMT", amount: 300, currency: "EUR", at: "2026-03-20" });
    expect(paid.status).toBe(201);
    expect(paid.body.allocations.map((a: { invoice: string; amount: number }) => [a.invoice, a.amount])).toEqual([["INV-1", 238], ["INV-2", 62]]);
    const event = json((await client.collect(tap, 1))[0]);
    expect(event).toMatchObject({ event: "payment.received", customer: "C-STMT", amount: 300, document: "BANK-77", orderKey: "C-STMT/PO-1/0" });
    expect((await call("POST", "/payments", { payment: "BANK-77", customer: "C-STMT", amount: 300, at: "2026-03-20" })).body.outcome).toBe("repeat");

    const s = await call("GET", "/customers/C-STMT/statement?from=2026-03-01&to=2026-03-31");
    expect(s.status).toBe(200);
    expect(s.body.opening).toBe(238);
    expect(s.body.lines.map((l: { document: string; amount: number }) => [l.document, l.amount])).toEqual([["INV-2", 500], ["BANK-77", -300]]);
    const sum = s.body.lines.reduce((a: number, l: { amount: number }) => a + Math.round(l.amount * 100), Math.round(s.body.opening * 100));
    expect(s.body.closing).toBe(sum / 100);
    expect(s.body.closing).toBe(438);
    const html = await call("GET", "/customers/C-STMT/statement?from=2026-03-01&to=2026-03-31", undefined, { accept: "text/html" });
    expect(html.text).toContain("<h1>Statement of account</h1>");
    expect(html.text).toContain("438.00");
    expect((await call("GET", "/customers/C-STMT/statement?from=2026-03-31&to=2026-03-01")).status).toBe(400);

    const run = await call("POST", "/reconciliation/runs?date=2026-03-31");
    expect(run.status).toBe(201);
    const mine = run.body.mismatches.filter((m: { customer: string }) => m.customer === "C-STMT");
    expect(mine.map((m: { kind: string; documents: object }) => [m.kind, m.documents]).sort()).toEqual(
      [
        ["delivery-not-invoiced", { deliveries: ["SHP-3"], invoices: [], payments: [] }],
        ["partial-payment", { deliveries: [], invoices: ["INV-2"], payments: ["BANK-77"] }],
      ].sort(),
    );
    const compared = await call("GET", `/reconciliation/runs/${run.body.id}?compare=previous`);
    expect(compared.body.new.length).toBe(run.body.mismatches.length);
    expect((await call("GET", "/reconciliation/runs/999999")).status).toBe(404);
  }, 120_000);
});

describe("a return credited for what was received", () => {
  it("authorises an RMA against the invoiced delivery and credits the 3 received of 5 announced, once", async () => {
    const o = order("C-DE", [line("1", "GH-100", 10, 100)]);
    const built = buildInvoice({ orderKey: "C-DE/PO-1/0", order: o, shipment: { document: "SHP-R1", deliveryNote: "DN-R1", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }] }, earlier: [], issueDate: "2026-03-01" }, books());
    if (built.outcome !== "invoice") throw new Error("no invoice");
    const inv = built.invoice;
    // the invoice as invoice-build records it, on the hub's own store file
    const store = new SqliteStore(join(hub.dataDir, "orderhub.db"));
    try {
      await store.invoices.record({ invoiceId: inv.invoiceId, orderRef: "C-DE/PO-1", orderKey: inv.orderKey, shipment: "SHP-R1", deliveryNote: "DN-R1", lines: invoicedLines(inv), amount: inv.totals.payable, currency: "EUR", issuedAt: inv.issueDate, recordedAt: Date.now(), summary: JSON.stringify(inv), xml: "" }, 0);
    } finally {
      await store.close();
    }
    const tooMany = await call("POST", "/returns", { rma: "RMA-0", orderKey: "C-DE/PO-1/0", invoice: inv.invoiceId, reason: "damaged", lines: [{ sku: "GH-100", quantity: 11 }] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toBe("rma RMA-0: GH-100: 11 to return, but of 10 delivered 0 are returned already: 10 can come back");
    const rma = await call("POST", "/returns", { rma: "RMA-1", orderKey: "C-DE/PO-1/0", invoice: inv.invoiceId, reason: "damaged in transit", lines: [{ sku: "GH-100", quantity: 5 }] });
    expect(rma.status).toBe(201);
    const credited = await client.tap("return.credited");
    const receipt = await call("POST", "/returns/RMA-1/receipt", { document: "GR-1", at: "2026-03-15", lines: [{ sku: "GH-100", quantity: 3 }] });
    expect(receipt.status).toBe(201);
    const announced = (await client.collect(credited, 1)).map(json);
    expect(announced).toEqual([expect.objectContaining({ event: "return.credited", document: receipt.body.creditNote.creditNoteId, rma: "RMA-1", invoice: inv.invoiceId, amount: 357 })]);
    expect(receipt.body.creditNote.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([["GH-100", 3]]);
    expect(receipt.body.creditNote.totals).toEqual({ lineExtension: 300, tax: 57, payable: 357 });
    expect(receipt.body.xml).toContain("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>");
    expect(receipt.body.voucher.lines[0]).toMatchObject({ account: "1400", side: "credit", amount: 357 });
    const again = await call("POST", "/returns/RMA-1/receipt", { document: "GR-1", at: "2026-03-15", lines: [{ sku: "GH-100", quantity: 3 }] });
    expect([again.status, again.body.outcome, again.body.creditNote.creditNoteId]).toEqual([200, "repeat", receipt.body.creditNote.creditNoteId]);
    const xml = await fetch(`${hub.url}/api/returns/RMA-1/receipt`, { method: "POST", headers: { "content-type": "application/json", accept: "application/xml" }, body: JSON.stringify({ document: "GR-1", lines: [{ sku: "GH-100", quantity: 3 }] }) });
    expect(await xml.text()).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
    expect((await call("POST", "/returns/RMA-404/receipt", { document: "GR-9", lines: [] })).status).toBe(404);
  }, 60_000);
});

describe("the daily runs of the Settlement flow", () => {
  it("announces the reconciliation run with each mismatch, and a dunning notice per overdue invoice, each level once", async () => {
    const tap = await client.tap("settlement.*");
    const dunning = await client.tap("dunning.*");
    // the invoice of the return above, announced as invoice-build announces it: due 2026-03-31, never paid
    const o = order("C-DE", [line("1", "GH-100", 10, 100)]);
    const built = buildInvoice({ orderKey: "C-DE/PO-1/0", order: o, shipment: { document: "SHP-R1", deliveryNote: "DN-R1", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10 }] }, earlier: [], issueDate: "2026-03-01" }, books());
    if (built.outcome !== "invoice") throw new Error("no invoice");
    await publish("order.invoiced", { event: "order.invoiced", orderKey: "C-DE/PO-1/0", orderNumber: "PO-1", buyer: "C-DE", system: "hub", document: built.invoice.invoiceId, shipment: "SHP-R1", at: "2026-03-01", amount: built.invoice.totals.payable, currency: "EUR", lines: invoicedLines(built.invoice) }, "m-r1");
    await until("the invoice recorded", async () => ((await call("GET", "/customers/C-DE/statement?from=2026-03-01&to=2026-03-31")).body.lines.some((l: { document: string }) => l.document === built.invoice.invoiceId) ? true : undefined));

    const run = await fetch(`${hub.url}/admin/inject/settlement-daily-run`, { method: "POST" });
    expect(run.status).toBe(200);
    const events: any[] = [];
    const runEvent = await until("the run and each of its mismatches announced", async () => {
      events.push(...(await client.collect(tap, 0)).map(json));
      const r = events.find((e) => e.event === "settlement.run");
      return r && events.filter((e) => e.event === "settlement.mismatch").length >= r.counts.mismatches ? r : undefined;
    });
    const mismatches = events.filter((e) => e.event === "settlement.mismatch");
    expect(mismatches.length).toBe(runEvent.counts.mismatches);
    expect(mismatches.every((m) => m.run === runEvent.run && m.documents)).toBe(true);
    expect(mismatches.map((m) => m.kind)).toContain("invoice-without-delivery"); // SHP-R1 was never announced as shipped

    expect((await fetch(`${hub.url}/admin/inject/settlement-daily-dunning`, { method: "POST" })).status).toBe(200);
    const notices = (await client.collect(dunning, 1, 3000)).map(json);
    // 2026-03-31 + 0 grace days: months overdue on any day this test runs, so credit hold straight away
    expect(notices.filter((n) => n.invoice === built.invoice.invoiceId).map((n) => n.event)).toEqual(["dunning.credit-hold"]);
    expect((await fetch(`${hub.url}/admin/inject/settlement-daily-dunning`, { method: "POST" })).status).toBe(200);
    expect((await client.collect(dunning, 0, 2000)).map(json).filter((n) => n.invoice === built.invoice.invoiceId)).toEqual([]);
  }, 60_000);
});
