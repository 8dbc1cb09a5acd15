import { describe, expect, it } from "vitest";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { orderDelta } from "../../domain/order/change";

const line = (lineNumber: string, sku: string, quantity: number, unitPrice: number, requestedDate = "2026-06-01") => ({ lineNumber, sku, quantity, unitPrice, requestedDate });
const order = (lines: CanonicalOrder["lines"], extra: Partial<CanonicalOrder> = {}): CanonicalOrder => ({
  orderNumber: "PO-1", revision: 0, orderType: "standard", source: { system: "erp", format: "json" }, issueDate: "2026-05-04", currency: "EUR",
  buyer: { id: "C-1" }, lines, allowances: [], charges: [], totals: { lineTotal: 0, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 0 }, ...extra,
});
const before = order([line("1", "A", 10, 5), line("2", "B", 4, 20)]);

// What a change touches, as the order desk reads it: which rules must judge the order again.
describe("a change runs again only the rules its delta touches", () => {
  it.each<[string, CanonicalOrder, string[], string[]]>([
    ["nothing changed", order([line("1", "A", 10, 5), line("2", "B", 4, 20)]), [], []],
    ["a price changed: price, and credit for the amount", order([line("1", "A", 10, 4.5), line("2", "B", 4, 20)]), ["price", "credit"], ["line 1 (A) unit price 5 → 4.5"]],
    ["a quantity raised: price breaks, credit and ATP", order([line("1", "A", 30, 5), line("2", "B", 4, 20)]), ["price", "credit", "atp"], ["line 1 (A) quantity 10 → 30"]],
    ["a date moved: credit and ATP", order([line("1", "A", 10, 5, "2026-07-01"), line("2", "B", 4, 20)]), ["credit", "atp"], ["line 1 (A) requested date 2026-06-01 → 2026-07-01"]],
    ["a line added: every rule, audit for the new item", order([line("1", "A", 10, 5), line("2", "B", 4, 20), line("3", "C", 1, 9)]), ["audit", "price", "credit", "atp"], ["line 3 (C) added: 1"]],
    ["a line taken out: credit and ATP", order([line("1", "A", 10, 5)]), ["credit", "atp"], ["line 2 (B) taken out (was 4)"]],
    ["an item swapped on a line: every rule", order([line("1", "Z", 10, 5), line("2", "B", 4, 20)]), ["audit", "price", "credit", "atp"], ["line 1 item A → Z"]],
    ["payment terms changed: audit", order(before.lines, { paymentTerms: { netDays: 90 } }), ["audit"], ["payment terms changed"]],
  ])("%s", (_what, after, rules, reasons) => {
    const delta = orderDelta(before, after);
    expect(delta.rules).toEqual(rules);
    expect(delta.reasons).toEqual(reasons);
  });
});
