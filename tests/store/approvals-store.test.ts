import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Decision } from "../../domain/order/decision";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { ApprovalBook, approvalIdOf, approvalView } from "../../store/approvals";
import { SqliteStore } from "../../store/sqlite-store";
import { canonicalOrder } from "../support/orders";

/** An approval's life in the store: one per order revision, each step a compare-and-set, what is owed found again. */

let dir: string;
let store: SqliteStore;
let book: ApprovalBook;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-approvals-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  book = new ApprovalBook(store);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-20T08:00:00Z");
const TERMS = { escalateAfterMs: 24 * HOUR, rejectAfterMs: 24 * HOUR, escalateTo: "sales-director" };

const decisions: Decision[] = [
  { rule: "audit", outcome: "ok", reasons: [] },
  {
    rule: "price",
    outcome: "approval",
    reasons: ["price-check: line 1 (FG-1000): 12.50 EUR is 16.67 % below the list price 15.00 EUR (more than the 10 % allowed)"],
    lines: [
      { lineNumber: "1", sku: "FG-1000", expected: 15, actual: 12.5, deviationPercent: -16.67 },
      { lineNumber: "2", sku: "FG-1001", expected: 13.5, actual: 13.5, deviationPercent: 0 },
    ],
  },
  { rule: "credit", outcome: "ok", reasons: [] },
  { rule: "atp", outcome: "ok", reasons: [], lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 10, requestedDate: "2026-12-15", confirmations: [{ quantity: 10, date: "2026-12-15", warehouse: "WH-1", source: "supply" }] }] },
];

function open(orderNumber: string, now = T0) {
  const order = canonicalOrder(orderNumber, 0, 2) as unknown as CanonicalOrder;
  return book.open({ order, decisions, orderKey: `C-1001/${orderNumber}/0`, correlationId: `corr-${orderNumber}`, terms: TERMS, now });
}

describe("opening an approval", () => {
  it("keeps one approval per order revision, its id from the order's key: opening it again finds the first", async () => {
    const first = await open("PO-1");
    const again = await open("PO-1", T0 + 5000);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.row.id).toBe(approvalIdOf("C-1001/PO-1/0"));
    expect(again.row.createdAt).toBe(T0);
    expect((await store.approvals.list(["pending"], 10)).map((r) => r.id)).toEqual([first.row.id]);
  });

  it("asks with the reasons and the amounts the decisions give: payable, the lines off their list price", async () => {
    const { row } = await open("PO-2");
    const view = approvalView(row);
    expect(view.reasons).toEqual([decisions[1].reasons[0]]);
    expect(view.amount).toEqual({ payable: 395, currency: "EUR" });
    expect(view.request.priceDeviations).toEqual([{ lineNumber: "1", sku: "FG-1000", expected: 15, actual: 12.5, deviationPercent: -16.67 }]);
    expect(view.request.escalateAfter).toBe("24 hours");
    expect(view.request.correlationId).toBe("corr-PO-2");
  });

  it("starts the first deadline when OA took the request, not before", async () => {
    const { row } = await open("PO-3");
    expect(row.escalateAt).toBeNull();
    expect((await book.due(T0 + 100 * HOUR)).escalate).toEqual([]);
    const sent = await book.markSent(row.id, T0 + HOUR);
    expect(sent?.escalateAt).toBe(T0 + 25 * HOUR);
    expect((await book.markSent(row.id, T0 + 2 * HOUR))?.escalateAt).toBe(T0 + 25 * HOUR);
    expect((await book.due(T0)).next).toBe(T0 + 25 * HOUR);
  });
});

describe("deciding an approval", () => {
  it("takes the first decision and refuses a second, naming who decided", async () => {
    const { row } = await open("PO-4");
    const first = await book.decide(row.id, "reject", "alice", "price too low", T0 + HOUR);
    const second = await book.decide(row.id, "approve", "bob", null, T0 + 2 * HOUR);
    expect(first).toMatchObject({ decided: true, row: { state: "rejected", decidedBy: "alice", comment: "price too low", decidedAt: T0 + HOUR } });
    expect(second).toMatchObject({ decided: false, row: { state: "rejected", decidedBy: "alice" } });
  });

  it("says there is no such approval for an unknown id", async () => {
    expect(await book.decide("apr-nothing", "approve", "alice", null, T0)).toEqual({ decided: false, row: undefined });
  });

  it("owes the decision's event until it is marked published", async () => {
    const { row } = await open("PO-5");
    await book.decide(row.id, "approve", "alice", null, T0);
    expect((await book.due(T0)).unpublished.map((r) => r.id)).toEqual([row.id]);
    await book.mark(row.id, "published", T0 + 1);
    expect((await book.due(T0)).unpublished).toEqual([]);
    expect((await book.get(row.id))?.publishedAt).toBe(T0 + 1);
  });
});

describe("the deadlines", () => {
  it("escalates past the first deadline, then rejects past the second, each once", async () => {
    const { row } = await open("PO-6");
    await book.markSent(row.id, T0);
    expect(await book.escalate(row.id, T0 + 23 * HOUR)).toBeUndefined();
    const due = await book.due(T0 + 24 * HOUR);
    expect(due.escalate).toEqual([row.id]);
    const escalated = await book.escalate(row.id, T0 + 24 * HOUR);
    expect(escalated).toMatchObject({ state: "escalated", escalatedAt: T0 + 24 * HOUR, rejectAt: T0 + 48 * HOUR });
    expect(await book.escalate(row.id, T0 + 24 * HOUR)).toBeUndefined();
    expect((await book.due(T0 + 24 * HOUR)).unpublished.map((r) => r.id)).toEqual([row.id]);
    expect(await book.expire(row.id, T0 + 47 * HOUR, "orderhub", "no approval within 2 days")).toBeUndefined();
    expect((await book.due(T0 + 48 * HOUR)).expire).toEqual([row.id]);
    const expired = await book.expire(row.id, T0 + 48 * HOUR, "orderhub", "no approval within 2 days");
    expect(expired).toMatchObject({ state: "rejected", decidedBy: "orderhub", comment: "no approval within 2 days" });
    expect(await book.expire(row.id, T0 + 49 * HOUR, "orderhub", "again")).toBeUndefined();
  });

  it("lets a person decide an escalated approval, but not one the deadline rejected", async () => {
    const a = (await open("PO-7")).row;
    const b = (await open("PO-8")).row;
    for (const r of [a, b]) {
      await book.markSent(r.id, T0);
      await book.escalate(r.id, T0 + 24 * HOUR);
    }
    expect((await book.decide(a.id, "approve", "carol", "ok", T0 + 30 * HOUR)).decided).toBe(true);
    await book.expire(b.id, T0 + 48 * HOUR, "orderhub", "no approval within 2 days");
    expect(await book.decide(b.id, "approve", "carol", null, T0 + 49 * HOUR)).toMatchObject({ decided: false, row: { decidedBy: "orderhub" } });
  });
});

describe("across a restart", () => {
  it("finds its approvals as they were, with the events still owed", async () => {
    const { row } = await open("PO-9");
    await book.markSent(row.id, T0);
    await book.decide(row.id, "approve", "alice", null, T0 + HOUR);
    await store.close();
    store = new SqliteStore(join(dir, "orderhub.db"));
    book = new ApprovalBook(store);
    expect(await book.get(row.id)).toMatchObject({ state: "approved", decidedBy: "alice", sentAt: T0, publishedAt: null });
    expect((await book.due(T0 + 2 * HOUR)).unpublished.map((r) => r.id)).toEqual([row.id]);
    expect(await book.counts()).toEqual({ byState: { pending: 0, escalated: 0, approved: 1, rejected: 0 }, unsent: 0, eventsOwed: 1 });
  });
});
