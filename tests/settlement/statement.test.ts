import { describe, expect, it } from "vitest";
import { customerStatement, statementHtml, type StatementDocument } from "../../domain/settlement/statement";

const d = (kind: StatementDocument["kind"], document: string, at: string, amount: number): StatementDocument => ({ kind, document, at, amount });
const customer = { id: "C-DE", name: "Customer C-DE", currency: "EUR" };

describe("the customer statement", () => {
  it.each<[string, StatementDocument[], number, number, number]>([
    ["nothing at all", [], 0, 0, 0],
    ["an invoice before the period is the opening balance", [d("invoice", "I0", "2026-02-10", 1_000)], 1_000, 0, 1_000],
    ["invoice, part payment and a credit note in the period", [d("invoice", "I1", "2026-03-02", 1_428), d("payment", "P1", "2026-03-20", 1_000), d("credit-note", "CN1", "2026-03-25", 119)], 0, 3, 309],
    ["a payment before any invoice: the customer is in credit", [d("payment", "P0", "2026-02-01", 50), d("invoice", "I1", "2026-03-02", 20)], -50, 1, -30],
    ["a document after the period is left out", [d("invoice", "I1", "2026-03-02", 10), d("invoice", "I2", "2026-04-01", 99)], 0, 1, 10],
    ["the same document twice counts once", [d("invoice", "I1", "2026-03-02", 10), d("invoice", "I1", "2026-03-02", 10)], 0, 1, 10],
    ["cents over many lines do not drift", Array.from({ length: 300 }, (_, i) => d("invoice", `I${i}`, "2026-03-05", 0.1)), 0, 300, 30],
  ])("%s", (_name, docs, opening, lines, closing) => {
    const s = customerStatement(customer, docs, "2026-03-01", "2026-03-31");
    expect([s.opening, s.lines.length, s.closing]).toEqual([opening, lines, closing]);
    const sum = s.lines.reduce((a, l) => a + Math.round(l.amount * 100), Math.round(s.opening * 100));
    expect(sum / 100).toBe(s.closing);
    expect(s.lines.at(-1)?.balance ?? s.opening).toBe(s.closing);
  });

  it("refuses a period that ends before it starts", () => {
    expect(() => customerStatement(customer, [], "2026-04-01", "2026-03-01")).toThrow("statement of customer C-DE: from 2026-04-01 is after to 2026-03-01");
  });

  it("prints as an HTML page with the opening, every line and the closing balance", () => {
    const s = customerStatement(customer, [d("invoice", "I1", "2026-03-02", 1_428), d("payment", "P<1>", "2026-03-20", 1_000)], "2026-03-01", "2026-03-31");
    const html = statementHtml(s);
    expect(html).toContain("<h1>Statement of account</h1>");
    expect(html).toContain("P&lt;1&gt;");
    expect(html).toContain("Closing balance</td><td class=\"n\">428.00");
  });
});
