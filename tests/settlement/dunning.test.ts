import { describe, expect, it } from "vitest";
import { DEFAULT_DUNNING_TERMS, dunningNotices, type DunnableInvoice, type DunningLevel } from "../../domain/settlement/dunning";

const terms = (graceDays = 5) => ({ graceDays, ...DEFAULT_DUNNING_TERMS });
const inv = (invoice: string, open: number, dueDate: string): DunnableInvoice => ({ invoice, customer: "C-DE", currency: "EUR", open, dueDate });

describe("dunning: which overdue invoices get which notice", () => {
  it.each<[string, DunnableInvoice, string, DunningLevel[], Array<[string, number]>]>([
    ["not yet due", inv("I1", 100, "2026-03-31"), "2026-03-20", [], []],
    ["due, within the grace days", inv("I1", 100, "2026-03-01"), "2026-03-06", [], []],
    ["the first day after the grace days: a reminder", inv("I1", 100, "2026-03-01"), "2026-03-07", [], [["dunning.reminder", 1]]],
    ["the reminder was sent: nothing again", inv("I1", 100, "2026-03-01"), "2026-03-10", ["reminder"], []],
    ["15 days overdue: the second notice", inv("I1", 100, "2026-03-01"), "2026-03-21", ["reminder"], [["dunning.second-notice", 15]]],
    ["30 days overdue: credit hold", inv("I1", 100, "2026-03-01"), "2026-04-05", ["reminder", "second-notice"], [["dunning.credit-hold", 30]]],
    ["late (the hub was down): only the highest level reached", inv("I1", 100, "2026-03-01"), "2026-05-01", [], [["dunning.credit-hold", 56]]],
    ["paid in full: never dunned", inv("I1", 0, "2026-01-01"), "2026-05-01", [], []],
    ["a credit (negative): never dunned", inv("CN-1", -40, "2026-01-01"), "2026-05-01", [], []],
    ["credit hold sent: nothing more", inv("I1", 100, "2026-01-01"), "2026-05-01", ["credit-hold"], []],
  ])("%s", (_name, invoice, at, sent, notices) => {
    const r = dunningNotices([invoice], () => terms(), new Map([[invoice.invoice, sent]]), at);
    expect(r.map((n) => [n.event, n.daysOverdue])).toEqual(notices);
  });

  it("reads each customer's grace days and says why in words", () => {
    const r = dunningNotices([inv("I1", 428, "2026-03-01"), { ...inv("I2", 50, "2026-03-01"), customer: "C-SLOW" }], (c) => terms(c === "C-SLOW" ? 30 : 0), new Map(), "2026-03-02");
    expect(r.map((n) => n.reason)).toEqual(["invoice I1 of customer C-DE: 428.00 EUR open, due 2026-03-01, 1 day overdue after 0 grace days: a reminder"]);
  });
});
