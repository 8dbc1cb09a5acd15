import { describe, expect, it } from "vitest";
import { compareRuns, reconcile, type DeliveryDoc, type InvoiceDoc, type MismatchKind, type PaymentDoc, type ReconciliationInput } from "../../domain/settlement/reconciliation";

const DATE = "2026-03-31";

/** One clean order: shipped, invoiced at the order's price, paid by reference. */
function cleanOrder(n: number, customer = `C-${n % 37}`): { delivery: DeliveryDoc; invoice: InvoiceDoc; payment: PaymentDoc } {
  const orderKey = `${customer}/PO-${n}/0`;
  const qty = 1 + (n % 9);
  const price = 10 + (n % 13) * 0.25;
  const amount = Math.round(qty * price * 100) / 100;
  return {
    delivery: { document: `SHP-${n}`, customer, orderKey, at: "2026-03-10", lines: [{ lineNumber: "1", sku: `SKU-${n % 50}`, quantity: qty, unitPrice: price }] },
    invoice: { document: `INV-${n}`, customer, orderKey, shipment: `SHP-${n}`, at: "2026-03-11", dueDate: "2026-04-10", amount, currency: "EUR", lines: [{ lineNumber: "1", sku: `SKU-${n % 50}`, quantity: qty, unitPrice: price }] },
    payment: { payment: `PAY-${n}`, customer, amount, currency: "EUR", invoice: `INV-${n}`, at: "2026-03-25" },
  };
}

function books(n: number): ReconciliationInput & { deliveries: DeliveryDoc[]; invoices: InvoiceDoc[]; payments: PaymentDoc[] } {
  const orders = Array.from({ length: n }, (_, i) => cleanOrder(i + 1));
  return { date: DATE, deliveries: orders.map((o) => o.delivery), invoices: orders.map((o) => o.invoice), payments: orders.map((o) => o.payment) };
}

const kinds = (r: ReturnType<typeof reconcile>) => r.mismatches.map((m) => [m.kind, m.documents]);

describe("the three-way match: each kind of mismatch, with its documents", () => {
  it.each<[string, (b: ReturnType<typeof books>) => void, Array<[MismatchKind, object]>]>([
    ["clean books: nothing", () => {}, []],
    ["shipped, not invoiced", (b) => b.invoices.splice(0, 1) && b.payments.splice(0, 1), [["delivery-not-invoiced", { deliveries: ["SHP-1"], invoices: [], payments: [] }]]],
    ["invoiced without a delivery", (b) => b.deliveries.splice(1, 1), [["invoice-without-delivery", { deliveries: [], invoices: ["INV-2"], payments: [] }]]],
    ["billed another quantity", (b) => (b.invoices[2].lines[0].quantity += 1), [["quantity-difference", { deliveries: ["SHP-3"], invoices: ["INV-3"], payments: [] }]]],
    ["billed another price", (b) => (b.invoices[3].lines[0].unitPrice! += 0.01), [["price-difference", { deliveries: ["SHP-4"], invoices: ["INV-4"], payments: [] }]]],
    ["paid in part", (b) => (b.payments[4].amount -= 5), [["partial-payment", { deliveries: [], invoices: ["INV-5"], payments: ["PAY-5"] }]]],
    ["paid too much", (b) => (b.payments[5].amount += 5), [["over-payment", { deliveries: [], invoices: ["INV-6"], payments: ["PAY-6"] }]]],
    ["a payment naming an invoice never sent", (b) => b.payments.push({ payment: "PAY-X", customer: "C-1", amount: 10, currency: "EUR", invoice: "INV-404", at: "2026-03-20" }), [["payment-without-invoice", { deliveries: [], invoices: [], payments: ["PAY-X"] }]]],
    ["a payment with no reference and nothing open", (b) => b.payments.push({ payment: "PAY-Y", customer: "C-NEW", amount: 10, currency: "EUR", at: "2026-03-20" }), [["payment-without-invoice", { deliveries: [], invoices: [], payments: ["PAY-Y"] }]]],
    ["shipped today: the invoice may still come tomorrow", (b) => { b.invoices.splice(0, 1); b.payments.splice(0, 1); b.deliveries[0].at = DATE; }, []],
    ["documents after the run's day do not count", (b) => { b.invoices[0].at = "2026-04-02"; b.payments[0].at = "2026-04-03"; }, [["delivery-not-invoiced", { deliveries: ["SHP-1"], invoices: [], payments: [] }]]],
    ["the same events delivered twice are one document each", (b) => { b.deliveries.push({ ...b.deliveries[0] }); b.invoices.push({ ...b.invoices[0] }); b.payments.push({ ...b.payments[0] }); }, []],
    ["an unpaid invoice is no mismatch (dunning's business)", (b) => b.payments.splice(0, 1), []],
    ["an invoice without a shipment reference matches the order's one delivery", (b) => delete b.invoices[0].shipment, []],
  ])("%s", (_name, plant, expected) => {
    const b = books(8);
    plant(b);
    expect(kinds(reconcile(b))).toEqual(expected);
  });
});

describe("a run over 1,000 clean orders with five planted mismatches", () => {
  it("finds each of the five and nothing else", () => {
    const b = books(1_000);
    b.invoices.splice(b.invoices.findIndex((i) => i.document === "INV-101"), 1); // shipped, not invoiced
    b.payments.splice(b.payments.findIndex((p) => p.payment === "PAY-101"), 1);
    b.deliveries.splice(b.deliveries.findIndex((d) => d.document === "SHP-202"), 1); // invoice without delivery
    b.invoices.find((i) => i.document === "INV-303")!.lines[0].quantity += 2; // quantity difference
    b.invoices.find((i) => i.document === "INV-404")!.lines[0].unitPrice! -= 1; // price difference
    b.payments.find((p) => p.payment === "PAY-505")!.amount -= 3.5; // partial payment
    const r = reconcile(b);
    expect(r.counts).toMatchObject({ deliveries: 999, invoices: 999, payments: 999, mismatches: 5 });
    expect(r.mismatches.map((m) => [m.kind, [...m.documents.deliveries, ...m.documents.invoices, ...m.documents.payments]]).sort()).toEqual(
      [
        ["delivery-not-invoiced", ["SHP-101"]],
        ["invoice-without-delivery", ["INV-202"]],
        ["quantity-difference", ["SHP-303", "INV-303"]],
        ["price-difference", ["SHP-404", "INV-404"]],
        ["partial-payment", ["INV-505", "PAY-505"]],
      ].sort(),
    );
    expect(r.mismatches.find((m) => m.kind === "partial-payment")?.detail).toMatch(/^invoice INV-505: .* EUR of .* EUR paid \(PAY-505\), 3\.50 EUR still open$/);
  });
});

describe("comparing a run with the previous one", () => {
  it("tells new, resolved and still open mismatches apart", () => {
    const first = books(10);
    first.invoices.splice(0, 1);
    first.payments.splice(0, 1);
    first.payments[3].amount -= 1;
    const before = reconcile(first);
    const second = books(10);
    second.payments[4].amount -= 1; // still open (same invoice and payment)
    second.invoices[6].lines[0].quantity += 1; // new
    const after = reconcile({ ...second, date: "2026-04-01" });
    const c = compareRuns(before, after);
    expect(c.previousDate).toBe(DATE);
    expect(c.new.map((m) => m.kind)).toEqual(["quantity-difference"]);
    expect(c.resolved.map((m) => m.kind)).toEqual(["delivery-not-invoiced"]);
    expect(c.stillOpen.map((m) => m.kind)).toEqual(["partial-payment"]);
    expect(compareRuns(undefined, after).new).toHaveLength(2);
  });
});
