import { describe, expect, it } from "vitest";
import { withDecidedPrices } from "../../domain/fulfilment/decided-prices";
import type { CanonicalOrder, OrderLine } from "../../domain/order/canonical-order";
import type { Decision } from "../../domain/order/decision";

// What a line is billed at when the order states no price: the list price the price check released it at.
const order = (lines: Array<Partial<OrderLine> & { lineNumber: string }>): CanonicalOrder =>
  ({ orderNumber: "CR-1", revision: 0, orderType: "consignment-issue", source: { system: "t", format: "json" }, issueDate: "2026-12-05", currency: "EUR", buyer: { id: "C-1" },
    lines: lines.map((l) => ({ sku: "FG-1000", quantity: 10, ...l })), allowances: [], charges: [], totals: { lineTotal: 0, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 0 } }) as CanonicalOrder;
const price = (lines: Array<{ lineNumber: string; expected: number | null; giftOf?: string }>): Decision[] =>
  [{ rule: "price", outcome: "ok", reasons: [], lines: lines.map((l) => ({ sku: "FG-1000", actual: null, deviationPercent: null, ...l })) } as unknown as Decision];

describe("the price a line is billed at", () => {
  it.each<[string, Array<Partial<OrderLine> & { lineNumber: string }>, Decision[] | undefined, Array<number | undefined>]>([
    ["no price stated: the list price applied at release", [{ lineNumber: "10" }], price([{ lineNumber: "10", expected: 12.5 }]), [12.5]],
    ["a price stated: the order's, whatever the list says", [{ lineNumber: "10", unitPrice: 11 }], price([{ lineNumber: "10", expected: 12.5 }]), [11]],
    ["a line amount stated: left to the order's amount", [{ lineNumber: "10", lineAmount: 100 }], price([{ lineNumber: "10", expected: 12.5 }]), [undefined]],
    ["no list price either: left without (invoicing says so)", [{ lineNumber: "10" }], price([{ lineNumber: "10", expected: null }]), [undefined]],
    ["a gift line: not priced from the list", [{ lineNumber: "20" }], price([{ lineNumber: "20", expected: 4.9, giftOf: "PROMO-1" }]), [undefined]],
    ["two lines, one priced", [{ lineNumber: "10", unitPrice: 13 }, { lineNumber: "20" }], price([{ lineNumber: "10", expected: 12.5 }, { lineNumber: "20", expected: 9 }]), [13, 9]],
    ["no price decision recorded", [{ lineNumber: "10" }], undefined, [undefined]],
  ])("%s", (_case, lines, decisions, billed) => {
    expect(withDecidedPrices(order(lines), decisions).lines.map((l) => l.unitPrice)).toEqual(billed);
  });
});
