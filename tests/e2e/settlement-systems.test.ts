import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allQueueCounts, type TestVhost } from "../support/rabbit";
import { startSandboxHub } from "../support/sandbox-hub";
import { until } from "../support/wait";
import type { HubProcess } from "../runtime/support/hub-process";

// Settlement through the systems (docs/SETTLEMENT.md, "Through the systems"): one hub with every shipped flow and the
// sandbox on, on a vhost of its own. A return's credit note goes to finance (UBL CreditNote over REST) and ERP (AR
// voucher over SOAP); a consignment fill-up goes out through the WMS (AMQP) and TMS (REST), and the ledger holds what
// left. Inter-company orders through the systems: tests/e2e/intercompany-systems.test.ts.

const ROOT = resolve(__dirname, "../..");
const FIXTURES = process.env.ORDERHUB_PUBLIC_FIXTURES ?? "/work/shared/fixtures/public";
const CLI = resolve(ROOT, "bin/orderhub");
const run = promisify(execFile);

let vhost: TestVhost;
let hub: HubProcess;

interface TimelineView {
  orderKey: string;
  state: string;
  entries: Array<{ milestone: string; event: string; document: string; system: string }>;
}

async function api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hub.url}${path}`, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // an XML or text answer stays text
  }
  return { status: res.status, body: body as T };
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function timeline(orderNumber: string): Promise<TimelineView | undefined> {
  const res = await api<{ orders: TimelineView[] }>(`/api/orders/${encodeURIComponent(orderNumber)}/timeline`);
  return res.status === 200 ? res.body.orders[0] : undefined;
}

const entriesOf = (t: TimelineView | undefined, milestone: string) => (t?.entries ?? []).filter((e) => e.milestone === milestone);

async function deadLetters(): Promise<number> {
  return (await allQueueCounts(vhost.name)).get("orderhub.dlq")?.total ?? 0;
}

beforeAll(async () => {
  ({ vhost, hub } = await startSandboxHub("orderhub-settlement-systems", 1000));
  // the returns here are received over the hub's REST route; the WMS receiving them too is tests/e2e/returns-wms.test.ts
  expect((await api("/sandbox/wms/_returns", json("PUT", { receive: 0 }))).status).toBe(200);
}, 120_000);

afterAll(async () => {
  expect(await hub?.stop()).toBe(0);
  vhost?.drop();
});

describe("the finance stand-in's credit notes", () => {
  it("books the OASIS UBL 2.1 CreditNote example as it is, once by its cbc:ID, and refuses an Invoice sent as a credit note", async () => {
    const example = readFileSync(resolve(FIXTURES, "ubl-2.1/UBL-CreditNote-2.1-Example.xml"), "utf8");
    const post = (body: string) => api<Record<string, unknown>>("/sandbox/finance/credit-notes", { method: "POST", headers: { "content-type": "application/xml" }, body });
    const first = await post(example);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ creditNote: "TOSL108", status: "booked", payable: 729, currency: "EUR" });
    const again = await post(example);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ creditNoteId: first.body.creditNoteId, repeat: true });
    // another document under the same number
    expect((await post(example.replace("<cbc:PayableAmount currencyID=\"EUR\">729</cbc:PayableAmount>", "<cbc:PayableAmount currencyID=\"EUR\">729.50</cbc:PayableAmount>").replace("0.30</cbc:PayableRoundingAmount>", "0.80</cbc:PayableRoundingAmount>"))).status).toBe(409);
    const invoice = readFileSync(resolve(FIXTURES, "ubl-2.1/UBL-Invoice-2.1-Example.xml"), "utf8");
    const wrong = await post(invoice);
    expect(wrong.status).toBe(422);
    expect(JSON.stringify(wrong.body)).toContain("the root element must be CreditNote in urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2");
    const state = (await api<{ creditNotes: Array<{ number: string }> }>("/sandbox/finance/_state")).body;
    expect(state.creditNotes.filter((c) => c.number === "TOSL108")).toHaveLength(1);
  });
});

describe("settlement through the systems", () => {
  it("sends a return's credit note to finance and its AR voucher to ERP once, and shows it on the order's timeline", async () => {
    const order = { orderNumber: "RET-SYS-1", issueDate: new Date().toISOString().slice(0, 10), currency: "EUR", buyer: { id: "C-OPEN" }, lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 10, unit: "H87", unitPrice: 12.5 }] };
    expect((await api("/api/orders", json("POST", order))).status).toBe(202);
    const invoiced = await until("invoiced", async () => entriesOf(await timeline("RET-SYS-1"), "invoiced")[0], 60_000, 250);
    const orderKey = (await timeline("RET-SYS-1"))!.orderKey;
    const rma = { rma: "RMA-SYS-1", orderKey, invoice: invoiced.document, reason: "damaged in transit", lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 4 }] };
    expect((await api("/api/returns", json("POST", rma))).status).toBe(201);
    // the warehouse's goods receipt over the hub's REST route (the WMS receives nothing here): 3 of the 4 came back
    const receipt = { document: "GR-SYS-1", warehouse: "WH-WALLDORF", lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 3 }] };
    const credited = await api<{ creditNote: { creditNoteId: string; totals: { payable: number } } }>("/api/returns/RMA-SYS-1/receipt", json("POST", receipt));
    expect(credited.status, JSON.stringify(credited.body)).toBe(201);
    const creditNote = credited.body.creditNote.creditNoteId;
    // 3 × 12.50 = 37.50 net, 19 % VAT 7.13: 44.63
    expect(credited.body.creditNote.totals.payable).toBe(44.63);
    // the same receipt again: the same credit note, announced again under the same id
    expect((await api("/api/returns/RMA-SYS-1/receipt", json("POST", receipt))).status).toBe(200);

    const entry = await until("credited on the timeline", async () => entriesOf(await timeline("RET-SYS-1"), "credited")[0], 60_000, 250);
    expect(entry).toMatchObject({ event: "order.credited", document: creditNote, system: "erp" });
    const finance = (await api<{ creditNotes: Array<{ number: string; billingReference?: string; payable: number; customer: string }> }>("/sandbox/finance/_state")).body;
    expect(finance.creditNotes.filter((c) => c.number === creditNote)).toEqual([expect.objectContaining({ billingReference: invoiced.document, payable: 44.63 })]);
    const erp = (await api<{ arVouchers: Array<{ invoiceNumber: string; grossAmount: number; netAmount: number; taxAmount: number; customerNumber: string }> }>("/sandbox/erp/_state")).body;
    expect(erp.arVouchers.filter((v) => v.invoiceNumber === creditNote)).toEqual([expect.objectContaining({ customerNumber: "C-OPEN", grossAmount: -44.63, netAmount: -37.5, taxAmount: -7.13 })]);
    // the repeat's message has had its turn: still one credit note in finance, one voucher in ERP, one milestone
    await until("both messages taken", async () => ((await allQueueCounts(vhost.name)).get("orderhub.settlement.returns")?.total ?? 0) === 0, 30_000, 250);
    await new Promise((r) => setTimeout(r, 500));
    expect(entriesOf(await timeline("RET-SYS-1"), "credited")).toHaveLength(1);
    expect((await api<{ creditNotes: Array<{ number: string }> }>("/sandbox/finance/_state")).body.creditNotes.filter((c) => c.number === creditNote)).toHaveLength(1);
    expect((await api<{ arVouchers: Array<{ invoiceNumber: string }> }>("/sandbox/erp/_state")).body.arVouchers.filter((v) => v.invoiceNumber === creditNote)).toHaveLength(1);
    expect(await deadLetters()).toBe(0);
  }, 120_000);

  it("dead-letters a credit ERP refuses with its SOAP fault, and posts it once when replayed after the fix", async () => {
    const order = { orderNumber: "RET-SYS-2", issueDate: new Date().toISOString().slice(0, 10), currency: "EUR", buyer: { id: "C-OPEN" }, lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 2, unitPrice: 12.5 }] };
    expect((await api("/api/orders", json("POST", order))).status).toBe(202);
    // the order's own invoice posted first: the fault is for the credit
    await until("ar-posted", async () => entriesOf(await timeline("RET-SYS-2"), "ar-posted")[0], 60_000, 250);
    const t = (await timeline("RET-SYS-2"))!;
    const invoice = entriesOf(t, "invoiced")[0].document;
    const fault = { operation: "PostARVoucher", customer: "C-OPEN", faultstring: "posting period 2026/03 is closed for company code 1000" };
    expect((await api("/sandbox/erp/_faultOn", json("PUT", fault))).status).toBe(200);
    try {
      expect((await api("/api/returns", json("POST", { rma: "RMA-SYS-2", orderKey: t.orderKey, invoice, reason: "wrong item", lines: [{ sku: "FG-1000", quantity: 1 }] }))).status).toBe(201);
      expect((await api("/api/returns/RMA-SYS-2/receipt", json("POST", { document: "GR-SYS-2", lines: [{ sku: "FG-1000", quantity: 1 }] }))).status).toBe(201);
      const env = { ...process.env, AMQP_URL: vhost.url };
      const refused = async () => {
        const { stdout } = await run(CLI, ["dlq", "list", "--json"], { env });
        return stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { messageId: string; error: string; queue: string }).find((d) => d.error.includes("posting period 2026/03 is closed"));
      };
      const letter = await until("the credit in orderhub.dlq", refused, 60_000, 500);
      expect(letter.queue).toBe("orderhub.settlement.returns");
      expect(entriesOf(await timeline("RET-SYS-2"), "credited")).toHaveLength(0);

      expect((await api("/sandbox/erp/_faultOn", { method: "DELETE" })).status).toBe(200);
      await run(CLI, ["dlq", "replay", letter.messageId], { env });
      const credited = await until("credited after the replay", async () => entriesOf(await timeline("RET-SYS-2"), "credited")[0], 60_000, 250);
      // finance had booked it before ERP refused: the replay books it there once, and ERP posts it once
      const finance = (await api<{ creditNotes: Array<{ number: string }> }>("/sandbox/finance/_state")).body;
      expect(finance.creditNotes.filter((c) => c.number === credited.document)).toHaveLength(1);
      const erp = (await api<{ arVouchers: Array<{ invoiceNumber: string }> }>("/sandbox/erp/_state")).body;
      expect(erp.arVouchers.filter((v) => v.invoiceNumber === credited.document)).toHaveLength(1);
      expect(await refused()).toBeUndefined();
    } finally {
      await api("/sandbox/erp/_faultOn", { method: "DELETE" });
    }
  }, 120_000);

  it("sends a consignment fill-up through the WMS and TMS, and the ledger holds what really left", async () => {
    // the warehouse has 12 of the 20 asked for
    expect((await api("/sandbox/wms/_stock", json("PUT", { sku: "FG-1002", warehouse: "WH-WALLDORF", quantity: 12 }))).status).toBe(200);
    const request = { document: "FU-SYS-1", lines: [{ sku: "FG-1002", quantity: 20 }] };
    const res = await api<{ deliveryNote: string }>("/api/consignment/C-NORTH/P1/fill-ups", json("POST", request));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    // a fill-up without lines, or with a quantity of 0, is refused naming the field
    expect((await api<{ error: string }>("/api/consignment/C-NORTH/P1/fill-ups", json("POST", { document: "FU-SYS-X", lines: [{ sku: "FG-1002", quantity: 0 }] }))).body.error).toContain("lines[0].quantity");

    type Ledger = { items: Array<{ sku: string; balance: number; filledUp: number }>; movements: Array<{ kind: string; document: string; quantity: number }> };
    const ledger = await until("the fill-up on the ledger", async () => {
      const l = (await api<Ledger>("/api/consignment/C-NORTH/P1")).body;
      return l.movements?.some((m) => m.document === "FU-SYS-1") ? l : undefined;
    }, 60_000, 250);
    expect(ledger.items.find((i) => i.sku === "FG-1002")).toMatchObject({ balance: 12, filledUp: 12 });
    const wms = (await api<{ deliveryNotes: Array<{ deliveryNote: string; event: string; type?: string; shipTo?: string; lines: Array<{ requested: number; quantity: number }> }> }>("/sandbox/wms/_state")).body;
    expect(wms.deliveryNotes.filter((n) => n.deliveryNote === "FU-SYS-1")).toEqual([
      expect.objectContaining({ event: "wms.fill-up.shipped", type: "consignment-fillup", shipTo: "P1", lines: [expect.objectContaining({ requested: 20, quantity: 12 })] }),
    ]);
    const tms = await until("the TMS shipment", async () => {
      const s = (await api<{ shipments: Array<{ deliveryNote: string; shipTo?: { id: string }; lines: Array<{ quantity: number }> }> }>("/sandbox/tms/_state")).body.shipments.filter((x) => x.deliveryNote === "FU-SYS-1");
      return s.length ? s : undefined;
    }, 60_000, 250);
    expect(tms).toEqual([expect.objectContaining({ shipTo: expect.objectContaining({ id: "P1" }), lines: [expect.objectContaining({ quantity: 12 })] })]);

    // the same request again: the WMS ships nothing twice, the ledger applies the delivery note once
    expect((await api("/api/consignment/C-NORTH/P1/fill-ups", json("POST", request))).status).toBe(202);
    await until("the repeat taken", async () => {
      const q = await allQueueCounts(vhost.name);
      return (q.get("wms.delivery-notes")?.total ?? 0) === 0 && (q.get("orderhub.consignment.wms")?.total ?? 0) === 0 && (q.get("orderhub.consignment.fill-ups")?.total ?? 0) === 0;
    }, 30_000, 250);
    await new Promise((r) => setTimeout(r, 1000));
    const after = (await api<Ledger>("/api/consignment/C-NORTH/P1")).body;
    expect(after.items.find((i) => i.sku === "FG-1002")).toMatchObject({ balance: 12, filledUp: 12 });
    // no sale: nothing was invoiced for it
    const finance = (await api<{ invoices: Array<{ orderReference?: string }> }>("/sandbox/finance/_state")).body;
    expect(finance.invoices.filter((i) => i.orderReference === "FU-SYS-1")).toHaveLength(0);
    expect(await deadLetters()).toBe(0);
  }, 120_000);
});
