import { describe, expect, it } from "vitest";
import { approvalGrounds, approvalRequest, durationWords, rejectionReason, type ApprovalFacts } from "../../domain/order/approval";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import type { Decision } from "../../domain/order/decision";
import { canonicalOrder } from "../support/orders";

/** What an approver is asked, and in what words the deadlines and rejections are told. */

const order = canonicalOrder("PO-77", 1, 3) as unknown as CanonicalOrder;
const ids = { approvalId: "apr-1", correlationId: "corr-1", orderKey: "C-1001/PO-77/1" };
const terms = { escalateAfterMs: 8 * 3_600_000, rejectAfterMs: 8 * 3_600_000, escalateTo: "credit-manager" };

describe("deadlines in words", () => {
  it.each([
    [2 * 86_400_000, "2 days"],
    [86_400_000, "24 hours"],
    [36 * 3_600_000, "36 hours"],
    [3_600_000, "60 minutes"],
    [90 * 60_000, "90 minutes"],
    [60_000, "60 seconds"],
    [2000, "2 seconds"],
    [1000, "1 second"],
    [1500, "1.5 seconds"],
  ])("%i ms is %s", (ms, words) => {
    expect(durationWords(ms)).toBe(words);
  });
});

describe("which orders are for approval", () => {
  it("takes the rules that ask for approval as the grounds, in the order of the rules", () => {
    const decisions: Decision[] = [
      { rule: "audit", outcome: "approval", reasons: ["order-audit: payment terms 60 days are longer than the customer's 30"] },
      { rule: "price", outcome: "ok", reasons: [], lines: [] },
      { rule: "credit", outcome: "approval", reasons: ["credit-check: a note"] },
    ];
    expect(approvalGrounds(decisions)).toEqual({ grounds: [{ rule: "audit", reasons: [decisions[0].reasons[0]] }, { rule: "credit", reasons: ["credit-check: a note"] }] });
  });

  it("refuses an order a rule rejects or holds, naming the rule and its first reason", () => {
    const decisions: Decision[] = [
      { rule: "price", outcome: "approval", reasons: ["price-check: below the floor"], lines: [] },
      { rule: "credit", outcome: "hold", reasons: ["credit-check: exposure 120,000.00 EUR exceeds the limit 100,000.00 EUR"] },
    ];
    expect(approvalGrounds(decisions).refusal).toBe("it is not waiting for approval: credit holds it (credit-check: exposure 120,000.00 EUR exceeds the limit 100,000.00 EUR)");
  });
});

describe("the approval request", () => {
  const decisions: Decision[] = [
    {
      rule: "price",
      outcome: "approval",
      reasons: ["price-check: line 2 (FG-1001): 13.50 EUR is 10 % below the list"],
      lines: [
        { lineNumber: "1", sku: "FG-1000", expected: 12.5, actual: 12.5, deviationPercent: 0 },
        { lineNumber: "2", sku: "FG-1001", expected: 15, actual: 13.5, deviationPercent: -10 },
        { lineNumber: "3", sku: "GIFT-1", expected: 4, actual: 0, deviationPercent: -100, giftOf: "PROMO-1" },
      ],
    },
    {
      rule: "atp",
      outcome: "approval",
      reasons: ["atp-check: rush order cannot be served on 2026-11-25"],
      lines: [],
      rushProposal: { feasible: true, reasons: ["take 10 from PO-9"], pushedBack: [{ order: "C-2/PO-9/0", sku: "FG-1000", warehouse: "WH-1", quantity: 10, from: "2026-11-26", to: "2026-12-03" }] },
    },
  ];

  it("names the order, every reason, the amount, the lines off their price (gifts are not) and a rush order's proposal", () => {
    const request = approvalRequest(order, decisions, ids, terms, "2026-11-20T08:00:00.000Z");
    expect(request).toMatchObject({
      ...ids,
      orderNumber: "PO-77",
      revision: 1,
      buyer: "C-1001",
      buyerName: "Schmidt Antriebstechnik GmbH",
      amount: { payable: order.totals.payable, currency: "EUR" },
      reasons: [decisions[0].reasons[0], decisions[1].reasons[0]],
      priceDeviations: [{ lineNumber: "2", sku: "FG-1001", expected: 15, actual: 13.5, deviationPercent: -10 }],
      rushProposal: { pushedBack: [{ order: "C-2/PO-9/0", to: "2026-12-03" }] },
      escalateAfter: "8 hours",
      escalateTo: "credit-manager",
    });
  });

  it("says so when the flow asks for approval without a rule asking for it", () => {
    expect(approvalRequest(order, [{ rule: "audit", outcome: "ok", reasons: [] }], ids, terms, "2026-11-20T08:00:00.000Z").reasons).toEqual(["approval asked by the flow: no rule asked for it"]);
  });
});

describe("why an order was rejected", () => {
  const facts: ApprovalFacts = { id: "apr-1", correlationId: "c", orderKey: "C-1001/PO-77/1", state: "rejected", requestedAt: "2026-11-20T08:00:00.000Z" };

  it("by a person: who, and their comment", () => {
    expect(rejectionReason({ ...facts, decidedBy: "alice", comment: "margin too thin" })).toBe("approval rejected by alice: margin too thin");
  });

  it("by the deadline: how long nobody decided", () => {
    expect(rejectionReason({ ...facts, decidedBy: "orderhub", escalateTo: "credit-manager" }, 16 * 3_600_000)).toBe("no approval within 16 hours (escalated to credit-manager)");
  });
});
