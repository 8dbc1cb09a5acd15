import { describe, expect, it } from "vitest";
import type { MasterData, OpenItem } from "../../domain/master/types";
import { shipmentCreditCheck } from "../../domain/fulfilment/shipment-credit";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { AT, books, keyOf, line, order } from "./books";

type Change = (m: Required<MasterData>) => void;
const item = (customer: string, type: OpenItem["type"], document: string, amount: number, dueDate?: string): OpenItem => ({ customer, type, document, amount, ...(dueDate ? { dueDate } : {}) });
const owing = (...items: OpenItem[]): Change => (m) => m.openItems.push(...items);

/** 20 gear housings at 100.00 (2,380.00 with VAT); the delivery note ships `quantity` of them. */
function check(buyer: string, quantity: number, change?: Change, o: CanonicalOrder = order(buyer, [line("1", "GH-100", 20, 100)])) {
  const deliveryNote = { deliveryNote: "DN-1", lines: [{ lineNumber: "1", sku: "GH-100", quantity, warehouse: "WH-A", date: AT, schedule: [] }] };
  return shipmentCreditCheck({ orderKey: keyOf(o), order: o, deliveryNote }, books(change), AT);
}

describe("the credit re-check before a shipment leaves", () => {
  it.each<[string, string, number, Change | undefined, "ship" | "hold", string]>([
    ["within the limit: 10 housings (1,190.00 with VAT) on 8,000.00 AR against 10,000.00", "C-DE", 10, owing(item("C-DE", "invoice", "INV-7", 8000, "2026-06-20")), "ship",
      "shipment-credit-check: customer C-DE exposure with this shipment 9,190.00 EUR is within the limit of 10,000.00 EUR (open AR 8,000.00 + this shipment 1,190.00)"],
    ["over the limit since the order was released: new invoices take it over", "C-DE", 10, owing(item("C-DE", "invoice", "INV-7", 8000, "2026-06-20"), item("C-DE", "open-order", "C-DE/PO-9/0", 1500)), "hold",
      "shipment-credit-check: customer C-DE exposure with this shipment is 10,690.00 EUR, over the limit of 10,000.00 EUR (open AR 8,000.00 + open orders 1,500.00 + this shipment 1,190.00)"],
    ["the order's own open-order entry is the shipment, not counted twice", "C-DE", 10, owing(item("C-DE", "open-order", "C-DE/PO-1/0", 2380)), "ship",
      "shipment-credit-check: customer C-DE exposure with this shipment 1,190.00 EUR is within the limit of 10,000.00 EUR (this shipment 1,190.00)"],
    ["an invoice overdue past the grace days", "C-DE", 10, owing(item("C-DE", "invoice", "INV-3", 500, "2026-05-01")), "hold",
      "shipment-credit-check: invoice INV-3 of 500.00 EUR was due 2026-05-01 and is 31 days overdue on 2026-06-01 (grace 5 days): delivery note DN-1 (order PO-1) waits until it is paid"],
    ["a blocked customer", "C-BLOCKED", 10, undefined, "hold",
      "shipment-credit-check: customer C-BLOCKED is blocked: delivery note DN-1 (order PO-1) may not leave on its account"],
    ["a cash-in-advance customer who has not prepaid", "C-CASH", 10, undefined, "hold",
      "shipment-credit-check: customer C-CASH pays in advance (credit limit 0): delivery note DN-1 (order PO-1) waits for prepayment of 1,190.00 EUR (this shipment 1,190.00)"],
    ["a cash-in-advance customer who prepaid", "C-CASH", 10, owing(item("C-CASH", "invoice", "PAY-1", -1190)), "ship",
      "shipment-credit-check: customer C-CASH exposure with this shipment 0.00 EUR is within the limit of 0.00 EUR (open AR -1,190.00 + this shipment 1,190.00)"],
    ["a customer without a limit", "C-FREE", 20, owing(item("C-FREE", "invoice", "INV-1", 90_000, "2026-07-01")), "ship",
      "shipment-credit-check: customer C-FREE has no credit limit; exposure 92,380.00 EUR with this shipment (open AR 90,000.00 + this shipment 2,380.00)"],
    ["a zero-value shipment (nothing shipped) adds no exposure, even over the limit", "C-DE", 0, owing(item("C-DE", "invoice", "INV-7", 12_000, "2026-06-20")), "ship",
      "shipment-credit-check: delivery note DN-1 (order PO-1) is invoiced at nothing (0.00 EUR): it adds no exposure"],
    ["a customer the master does not know", "C-NOBODY", 10, undefined, "hold",
      "shipment-credit-check: customer C-NOBODY is not in the customer master: there is no credit account to ship delivery note DN-1 (order PO-1) against"],
  ])("%s", (_case, buyer, quantity, change, outcome, reason) => {
    const decision = check(buyer, quantity, change);
    expect(decision.outcome).toBe(outcome);
    expect(decision.reasons[0]).toBe(reason);
  });

  it("free goods ship to a customer over its limit, but not to a blocked one", () => {
    const free = order("C-BLOCKED", [line("1", "GH-100", 5, 0)]);
    expect(check("C-BLOCKED", 5, undefined, free).outcome).toBe("hold");
    const over = owing(item("C-DE", "invoice", "INV-7", 12_000, "2026-06-20"));
    expect(check("C-DE", 5, over, order("C-DE", [line("1", "GH-100", 5, 0)])).outcome).toBe("ship");
  });

  it("values the shipment as it will be invoiced: its share of allowances and charges, with tax", () => {
    const o = order("C-DE", [line("1", "GH-100", 20, 100)], { allowances: [{ reason: "loyalty", amount: 100 }] });
    const decision = check("C-DE", 10, undefined, o);
    expect([decision.shipmentValue, decision.currency]).toEqual([1130.5, "EUR"]);
    expect(decision.exposure?.thisOrder).toBe(1130.5);
  });

  it("names every reason for a hold, the weightiest first", () => {
    const decision = check("C-DE", 10, owing(item("C-DE", "invoice", "INV-3", 9500, "2026-05-01")));
    expect(decision.outcome).toBe("hold");
    expect(decision.reasons).toHaveLength(2);
    expect(decision.reasons[0]).toMatch(/^shipment-credit-check: invoice INV-3 of 9,500.00 EUR was due 2026-05-01 and is 31 days overdue/);
    expect(decision.reasons[1]).toMatch(/^shipment-credit-check: customer C-DE exposure with this shipment is 10,690.00 EUR, over the limit/);
  });
});
