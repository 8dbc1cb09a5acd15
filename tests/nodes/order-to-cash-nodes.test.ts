import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseStringPromise } from "xml2js";
import type { ArVoucher } from "../../domain/fulfilment/ar-voucher";
import type { DeliveryNote } from "../../domain/fulfilment/delivery-note";
import type { Invoice } from "../../domain/fulfilment/invoice";
import type { OrderCloseDecision } from "../../domain/fulfilment/order-close";
import type { ShipmentCreditDecision } from "../../domain/fulfilment/shipment-credit";
import type { OrderDecidedEvent } from "../../domain/order/decided";
import { evaluateOrder } from "../../domain/order/evaluate";
import arVoucher from "../../nodes/ar-voucher/index";
import deliveryNote from "../../nodes/delivery-note/index";
import invoiceBuild from "../../nodes/invoice-build/index";
import { eventMessageId } from "../../nodes/invoice-build/order-facts";
import orderClose from "../../nodes/order-close/index";
import shipmentCreditCheck from "../../nodes/shipment-credit-check/index";
import { getMasterData } from "../../runtime/master-data";
import { getOrderBook } from "../../runtime/order-book";
import { SqliteStore, setHubStore } from "../../store";
import { helper, hubNodes, loadFlow, whereItGoes } from "../support/node-red";
import { deskMaster, deskOrder } from "../support/order-decisions";

/**
 * The order-to-cash nodes between helper nodes, on a real store and the hub's master data: an order released by the
 * order desk's rules (GH-100 at 100.00 EUR, standard-rated), its delivery note, the credit re-check, two shipments
 * invoiced (the second the rest), the AR voucher, and the order closed once both invoices are paid.
 */
const AT = "2026-05-04";

const flow = [
  { id: "t", type: "tab", label: "order to cash" },
  { id: "notes", type: "delivery-note", configVersion: 1, z: "t", wires: [["credit"]] },
  { id: "credit", type: "shipment-credit-check", configVersion: 1, z: "t", evaluationDate: "msg", wires: [["ship"], ["held"]] },
  { id: "invoice", type: "invoice-build", configVersion: 1, z: "t", evaluationDate: "msg", supplierName: "Gearworks GmbH", supplierTaxId: "DE123456789", supplierCountry: "DE", wires: [["invoiced"], ["nothing"]] },
  { id: "voucher", type: "ar-voucher", configVersion: 1, z: "t", evaluationDate: "msg", receivable: "1400", revenueAccounts: "S=8400", taxAccounts: "S=1776", wires: [["vouchers"]] },
  { id: "close", type: "order-close", configVersion: 1, z: "t", wires: [["closed"], ["open"]] },
  ...["ship", "held", "invoiced", "nothing", "vouchers", "closed", "open"].map((id) => ({ id, type: "helper", z: "t" })),
];

let dir: string;
let store: SqliteStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-o2c-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  setHubStore(store);
  await getMasterData().applyBundle(deskMaster(), "replace", "test");
  await loadFlow(flow, [...hubNodes(), deliveryNote, shipmentCreditCheck, invoiceBuild, arVoucher, orderClose]);
});

afterEach(async () => {
  await helper.unload();
  setHubStore(undefined);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An order the order desk releases and the order book records, as the decisions flow does. */
async function release(orderNumber: string, buyer = "C-GOOD", quantity = 10, unpriced = false): Promise<OrderDecidedEvent> {
  const book = getOrderBook();
  const given = deskOrder(orderNumber, buyer, { quantity });
  // an order that states no price (a consumption report, an IDoc without prices): the list price applies
  const order = unpriced ? { ...given, lines: given.lines.map(({ unitPrice: _p, lineAmount: _a, ...l }) => l) } : given;
  const event = book.decide(order, evaluateOrder(order, book.view(), AT));
  expect(event.event).toBe("order.released");
  await book.record(event, `test:${event.orderKey}`);
  return event;
}

const shipped = (orderKey: string, document: string, quantity: number) => ({ event: "order.shipped", orderKey, document, deliveryNote: "DN-TEST", system: "wms", at: `${AT}T10:00:00Z`, lines: [{ lineNumber: "1", sku: "GH-100", quantity }] });

interface Out {
  payload: unknown;
  topic?: string;
  messageId?: string;
  event?: { event: string; document: string; reasons?: string[]; amount?: number };
  shipmentCredit?: ShipmentCreditDecision;
  invoice?: Invoice;
  repeat?: boolean;
  reasons?: string[];
  voucher?: ArVoucher;
  orderClose?: OrderCloseDecision;
}

const any = () => true;

describe("the order-to-cash nodes in a flow", () => {
  it("delivery-note and shipment-credit-check: a released order's note for its warehouse, cleared to ship", async () => {
    const released = await release("PO-1");
    const { port, msg } = await whereItGoes<Out>("notes", ["ship", "held"], { payload: released, evaluationDate: AT }, any);
    expect(port).toBe("ship");
    const note = msg.payload as DeliveryNote;
    expect(note).toMatchObject({ orderKey: "C-GOOD/PO-1/0", warehouse: "WH-A", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 10, warehouse: "WH-A" }] });
    expect(msg.topic).toBe("order.delivery-note-sent");
    expect(msg.messageId).toBe(eventMessageId("C-GOOD/PO-1/0", "order.delivery-note-sent", note.deliveryNote));
    expect(msg.event).toMatchObject({ event: "order.delivery-note-sent", document: note.deliveryNote });
    expect(msg.shipmentCredit).toMatchObject({ outcome: "ship", shipmentValue: 1190, currency: "EUR" });
    expect(msg.shipmentCredit!.reasons[0]).toBe("shipment-credit-check: customer C-GOOD has no credit limit; exposure 1,190.00 EUR with this shipment (this shipment 1,190.00)");
  });

  it("shipment-credit-check holds a shipment when an invoice fell overdue since the release, and says so in the event", async () => {
    const released = await release("PO-2");
    await getMasterData().upsert("openItems", [{ customer: "C-GOOD", type: "invoice", document: "INV-OLD", amount: 800, dueDate: "2026-04-01" }], "test");
    const { port, msg } = await whereItGoes<Out>("notes", ["ship", "held"], { payload: released, evaluationDate: AT }, any);
    expect(port).toBe("held");
    expect(msg.topic).toBe("order.shipment-held");
    expect(msg.event?.reasons).toEqual([
      "shipment-credit-check: invoice INV-OLD of 800.00 EUR was due 2026-04-01 and is 33 days overdue on 2026-05-04 (grace 5 days): delivery note " + (msg.payload as DeliveryNote).deliveryNote + " (order PO-2) waits until it is paid",
      "shipment-credit-check: customer C-GOOD has no credit limit; exposure 1,990.00 EUR with this shipment (open AR 800.00 + this shipment 1,190.00)",
    ]);
  });

  it("an order that states no price is weighed before shipment and billed at the list price it was released at", async () => {
    const released = await release("PO-NP", "C-GOOD", 10, true);
    expect(released.order.lines[0].unitPrice).toBeUndefined();
    const cleared = await whereItGoes<Out>("notes", ["ship", "held"], { payload: released, evaluationDate: AT }, any);
    expect(cleared.port).toBe("ship");
    expect(cleared.msg.shipmentCredit).toMatchObject({ outcome: "ship", shipmentValue: 1190 });
    const billed = await whereItGoes<Out>("invoice", ["invoiced", "nothing"], { payload: shipped(released.orderKey, "SHP-NP", 10), evaluationDate: AT }, any);
    expect(billed.port).toBe("invoiced");
    expect(billed.msg.invoice!.lines.map((l) => [l.quantity, l.unitPrice])).toEqual([[10, 100]]);
  });

  it("delivery-note refuses an event that is not a release, naming it", async () => {
    const { port, error } = await whereItGoes<Out>("notes", ["ship", "held"], { payload: { event: "order.held", orderKey: "C-GOOD/PO-9/0" } }, any);
    expect(port).toBe("error");
    expect(error?.message).toBe("delivery-note: msg.payload must be an order.released event: it is order.held, and only a released order is shipped");
  });

  it("invoice-build: a short shipment bills what shipped, a repeat bills nothing twice, the rest is billed once; ar-voucher books each; order-close closes when both are paid", async () => {
    const released = await release("PO-3");
    const key = released.orderKey;

    const first = await whereItGoes<Out>("invoice", ["invoiced", "nothing"], { payload: shipped(key, "SHP-1", 6), evaluationDate: AT }, any);
    expect(first.port).toBe("invoiced");
    const invoice = first.msg.invoice!;
    expect([invoice.totals.lineExtension, invoice.totals.tax, invoice.totals.payable]).toEqual([600, 114, 714]);
    expect(invoice.orderLines).toEqual([{ lineNumber: "1", sku: "GH-100", ordered: 10, invoiced: 6, open: 4 }]);
    expect(first.msg.repeat).toBe(false);
    expect(first.msg.event).toMatchObject({ event: "order.invoiced", document: invoice.invoiceId, amount: 714 });
    const xml = await parseStringPromise(first.msg.payload as string);
    expect(xml.Invoice["cbc:ID"][0]).toBe(invoice.invoiceId);
    expect(xml.Invoice["cac:LegalMonetaryTotal"][0]["cbc:PayableAmount"][0]._).toBe("714.00");
    expect(xml.Invoice["cac:AccountingSupplierParty"][0]["cac:Party"][0]["cac:PartyName"][0]["cbc:Name"][0]).toBe("Gearworks GmbH");

    const again = await whereItGoes<Out>("invoice", ["invoiced", "nothing"], { payload: shipped(key, "SHP-1", 6), evaluationDate: AT }, any);
    expect(again.port).toBe("invoiced");
    expect(again.msg.repeat).toBe(true);
    expect(again.msg.invoice!.invoiceId).toBe(invoice.invoiceId);
    expect(again.msg.payload).toBe(first.msg.payload);
    expect((await store.invoices.forOrder("C-GOOD/PO-3")).map((i) => i.invoiceId)).toEqual([invoice.invoiceId]);

    const open = await whereItGoes<Out>("close", ["closed", "open"], { payload: first.msg.event }, any);
    expect(open.port).toBe("open");
    expect(open.msg.orderClose!.reasons).toEqual(["order PO-3 stays open: 2 things to do", "line 1 (GH-100): 4 of 10 still to ship", `invoice ${invoice.invoiceId}: 714.00 EUR of 714.00 EUR still unpaid`]);

    const rest = await whereItGoes<Out>("invoice", ["invoiced", "nothing"], { payload: shipped(key, "SHP-2", 4), evaluationDate: AT }, any);
    expect(rest.msg.invoice!.totals.payable).toBe(476);
    const resent = await whereItGoes<Out>("invoice", ["invoiced", "nothing"], { payload: shipped(key, "SHP-2b", 4), evaluationDate: AT }, any);
    expect(resent.port).toBe("nothing");
    expect(resent.msg.reasons).toEqual(["line 1 (GH-100): 4 of the 4 shipped are not invoiced: all 10 ordered are invoiced already"]);

    const voucher = await whereItGoes<Out>("voucher", ["vouchers"], { invoice, evaluationDate: "2026-05-05" }, any);
    expect(voucher.msg.voucher!.lines.map((l) => [l.side, l.account, l.amount])).toEqual([["debit", "1400", 714], ["credit", "8400", 600], ["credit", "1776", 114]]);
    expect(voucher.msg.voucher).toMatchObject({ invoice: invoice.invoiceId, customer: "C-GOOD", postingDate: "2026-05-05", dueDate: "2026-06-03" });
    const byDocument = await whereItGoes<Out>("voucher", ["vouchers"], { payload: { event: "order.invoiced", document: rest.msg.invoice!.invoiceId }, evaluationDate: AT }, any);
    expect(byDocument.msg.voucher!.amount).toBe(476);

    const payment = (id: string, invoiceId: string, amount: number) => ({ payment: id, customer: "C-GOOD", amount, invoice: invoiceId, appliedAt: Date.now(), releases: [] });
    await store.orders.writeOrderBook({ payment: payment("PAY-1", invoice.invoiceId, 714) });
    const stillOpen = await whereItGoes<Out>("close", ["closed", "open"], { payload: { event: "payment.received", document: "PAY-1", invoice: invoice.invoiceId, amount: 714 } }, any);
    expect(stillOpen.msg.orderClose!.reasons).toEqual(["order PO-3 stays open: 1 thing to do", `invoice ${rest.msg.invoice!.invoiceId}: 476.00 EUR of 476.00 EUR still unpaid`]);
    // the payment as it arrives, before the order book recorded it, counts too (once)
    const closed = await whereItGoes<Out>("close", ["closed", "open"], { payload: { event: "payment.received", document: "PAY-2", invoice: rest.msg.invoice!.invoiceId, amount: 476 } }, any);
    expect(closed.port).toBe("closed");
    expect(closed.msg.topic).toBe("order.closed");
    expect(closed.msg.event).toMatchObject({ event: "order.closed", document: key });
    expect(closed.msg.orderClose!.reasons).toEqual(["order PO-3 is closed: 10 shipped, invoiced in 2 invoices and paid (1,190.00 EUR)"]);
  });

  it("invoice-build bills two shipments of one order arriving together once each, never the same rest twice", async () => {
    const released = await release("PO-4");
    const results = await Promise.all(
      ["SHP-A", "SHP-B", "SHP-C"].map((doc) => whereItGoes<Out>("invoice", ["invoiced", "nothing"], { payload: shipped(released.orderKey, doc, 5), evaluationDate: AT }, (m) => (m.invoice?.shipment ?? (m.payload as { document?: string })?.document) === doc)),
    );
    expect(results.map((r) => r.port).sort()).toEqual(["invoiced", "invoiced", "nothing"]);
    const rows = await store.invoices.forOrder("C-GOOD/PO-4");
    expect(rows.reduce((a, r) => a + r.lines[0].quantity, 0)).toBe(10);
  });

  it("invoice-build refuses a shipment of an order the hub never released, naming it", async () => {
    const { port, error } = await whereItGoes<Out>("invoice", ["invoiced", "nothing"], { payload: shipped("C-GOOD/PO-404/0", "SHP-1", 1), evaluationDate: AT }, any);
    expect(port).toBe("error");
    expect(error?.message).toBe("order C-GOOD/PO-404/0: the hub has no decision recorded for this revision (is it an order the decisions flow released?)");
  });
});
