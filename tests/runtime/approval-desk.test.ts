import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import type { Decision } from "../../domain/order/decision";
import { ApprovalDesk, type PublishEvent } from "../../runtime/approval-desk";
import { ApprovalBook } from "../../store/approvals";
import { SqliteStore } from "../../store/sqlite-store";
import { canonicalOrder } from "../support/orders";
import { quietFor, until } from "../support/wait";

/**
 * The approval desk on its own (a publisher recorded here instead of a broker): what it owes after a crash it
 * publishes when it starts, a publish that fails is tried again, and each event goes once, under its approval's id.
 */

let dir: string;
let store: SqliteStore;
let book: ApprovalBook;
let desk: ApprovalDesk | undefined;
let published: Array<{ routingKey: string; messageId: string; body: any }>;
let failNext: number;

const publish: PublishEvent = async (routingKey, body, { messageId }) => {
  if (failNext > 0) {
    failNext--;
    throw new Error("broker api is connecting");
  }
  published.push({ routingKey, messageId, body });
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-desk-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  book = new ApprovalBook(store);
  published = [];
  failNext = 0;
});

afterEach(async () => {
  await desk?.stop();
  desk = undefined;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const decisions: Decision[] = [
  { rule: "price", outcome: "approval", reasons: ["price-check: line 1 (FG-1000): below the list price"], lines: [] },
  { rule: "atp", outcome: "ok", reasons: [], lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 10, requestedDate: "2026-12-15", confirmations: [{ quantity: 10, date: "2026-12-15", warehouse: "WH-1", source: "supply" }] }] },
];

async function openApproval(orderNumber: string): Promise<string> {
  const order = canonicalOrder(orderNumber, 0, 1) as unknown as CanonicalOrder;
  const { row } = await book.open({ order, decisions, orderKey: `C-1001/${orderNumber}/0`, terms: { escalateAfterMs: 3_600_000, rejectAfterMs: 3_600_000 }, now: Date.now() });
  await book.markSent(row.id, Date.now());
  return row.id;
}

function startDesk(): ApprovalDesk {
  desk = new ApprovalDesk(book, publish);
  desk.start();
  return desk;
}

describe("the approval desk", () => {
  it("publishes, as it starts, a decision a crash left unpublished, under the approval's message id", async () => {
    const id = await openApproval("D-1");
    // decided before a crash: committed, the event never sent
    await book.decide(id, "approve", "alice", "fine", Date.now());
    startDesk();
    await until("order.released", () => published.length > 0);
    await until("the event marked published", async () => (await book.get(id))?.publishedAt !== null);
    expect(published.map((p) => [p.routingKey, p.messageId])).toEqual([["order.released", `order.released:${id}`]]);
    expect(published[0].body).toMatchObject({
      event: "order.released",
      orderKey: "C-1001/D-1/0",
      outcome: "released",
      confirmations: [{ lineNumber: "1", sku: "FG-1000", quantity: 10, date: "2026-12-15", warehouse: "WH-1", source: "supply" }],
      approval: { decidedBy: "alice", comment: "fine" },
    });
  });

  it("answers a decision once its event is confirmed, and publishes it once though a look finds it owed too", async () => {
    const id = await openApproval("D-2");
    const running = startDesk();
    const outcome = await running.decide(id, "reject", "bob", "no margin");
    expect(outcome).toMatchObject({ kind: "decided", published: true, row: { state: "rejected", decidedBy: "bob" } });
    await quietFor(() => published.length, 300);
    expect(published.map((p) => [p.routingKey, p.messageId])).toEqual([["order.rejected", `order.rejected:${id}`]]);
    expect(published[0].body).toMatchObject({ reason: "approval rejected by bob: no margin", rejectedBy: "bob" });
  });

  it("records a decision whose event cannot go yet and publishes it once the broker takes it", async () => {
    const id = await openApproval("D-3");
    const running = startDesk();
    failNext = 2;
    const outcome = await running.decide(id, "approve", "carol", null);
    expect(outcome).toMatchObject({ kind: "decided", published: false, error: "broker api is connecting" });
    await until("order.released after the retries", async () => (await book.get(id))?.publishedAt !== null);
    await quietFor(() => published.length, 300);
    expect(published.map((p) => p.messageId)).toEqual([`order.released:${id}`]);
  });

  it("names the first decider to a second decision, and who it was for an unknown id", async () => {
    const id = await openApproval("D-4");
    const running = startDesk();
    await running.decide(id, "approve", "alice", null);
    expect(await running.decide(id, "reject", "bob", null)).toMatchObject({ kind: "conflict", row: { state: "approved", decidedBy: "alice" } });
    expect(await running.decide("apr-unknown", "reject", "bob", null)).toEqual({ kind: "unknown" });
  });

  it("records a decision (history, reservations) before its event goes, and holds the event back while recording fails", async () => {
    const id = await openApproval("D-5");
    const recorded: string[] = [];
    let failRecord = 1;
    desk = new ApprovalDesk(book, publish, Date.now, async (event, messageId) => {
      if (failRecord-- > 0) throw new Error("store: disk I/O error");
      expect(published).toEqual([]);
      recorded.push(`${event.event} ${event.orderKey} ${messageId}`);
    });
    desk.start();
    expect(await desk.decide(id, "approve", "erin", null)).toMatchObject({ published: false, error: "store: disk I/O error" });
    await until("order.released", () => published.length > 0);
    expect(recorded).toEqual([`order.released C-1001/D-5/0 order.released:${id}`]);
  });

  describe("an approved rush order that pushes released orders back", () => {
    const rushDecisions: Decision[] = [
      decisions[0],
      {
        rule: "atp",
        outcome: "approval",
        reasons: ["atp-check: rush order: line 1 (FG-1000) cannot be served in full on 2026-12-15 (0 of 40 then; the rest from 2027-01-08)", "atp-check: rush: take 40 × FG-1000 from order C-NORTH/PO-77/0 at WH-1, its delivery moves from 2026-12-20 to 2027-01-08"],
        lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 40, requestedDate: "2026-12-15", confirmations: [{ quantity: 40, date: "2027-01-08", warehouse: "WH-1", source: "supply" }] }],
        rushProposal: {
          feasible: true,
          reasons: ["rush: take 40 × FG-1000 from order C-NORTH/PO-77/0 at WH-1, its delivery moves from 2026-12-20 to 2027-01-08"],
          pushedBack: [
            { order: "C-NORTH/PO-77/0", sku: "FG-1000", warehouse: "WH-1", quantity: 30, from: "2026-12-20", to: "2027-01-08" },
            { order: "C-WEST/PO-5/0", sku: "FG-1000", warehouse: "WH-1", quantity: 10, from: "2027-02-01", to: "2027-02-01" },
          ],
        },
      },
    ];

    async function openRush(orderNumber: string): Promise<string> {
      const order = canonicalOrder(orderNumber, 0, 1) as unknown as CanonicalOrder;
      const { row } = await book.open({ order, decisions: rushDecisions, orderKey: `C-1001/${orderNumber}/0`, terms: { escalateAfterMs: 3_600_000, rejectAfterMs: 3_600_000 }, now: Date.now() });
      await book.markSent(row.id, Date.now());
      return row.id;
    }

    it("asks for approval with the proposal and its reasons", async () => {
      const id = await openRush("R-0");
      const request = JSON.parse((await book.get(id))!.request);
      expect(request.reasons).toContain("atp-check: rush: take 40 × FG-1000 from order C-NORTH/PO-77/0 at WH-1, its delivery moves from 2026-12-20 to 2027-01-08");
      expect(request.rushProposal).toMatchObject({ feasible: true, pushedBack: [{ order: "C-NORTH/PO-77/0", to: "2027-01-08" }, { order: "C-WEST/PO-5/0" }] });
    });

    it("publishes order.rescheduled once for each order that moves, after the release, under ids of the approval and the order", async () => {
      const id = await openRush("R-1");
      const running = startDesk();
      expect(await running.decide(id, "approve", "dave", "rush for the trade fair")).toMatchObject({ kind: "decided", published: true });
      await quietFor(() => published.length, 300);
      expect(published.map((p) => [p.routingKey, p.messageId])).toEqual([
        ["order.released", `order.released:${id}`],
        ["order.rescheduled", `order.rescheduled:${id}:C-NORTH/PO-77/0:FG-1000:WH-1`],
      ]);
      expect(published[1].body).toMatchObject({
        event: "order.rescheduled",
        orderKey: "C-NORTH/PO-77/0",
        sku: "FG-1000",
        warehouse: "WH-1",
        quantity: 30,
        from: "2026-12-20",
        to: "2027-01-08",
        reason: "rush order C-1001/R-1/0 takes 30 × FG-1000 at WH-1: the delivery moves from 2026-12-20 to 2027-01-08",
        rushOrder: "C-1001/R-1/0",
        approval: { decidedBy: "dave" },
      });
    });

    it("sends an owed order.rescheduled again under the same id after a failed publish, and nothing once marked", async () => {
      const id = await openRush("R-2");
      let calls = 0;
      desk = new ApprovalDesk(book, async (routingKey, body, ids) => {
        if (routingKey === "order.rescheduled" && calls++ === 0) throw new Error("broker api is connecting");
        published.push({ routingKey, messageId: ids.messageId, body });
      });
      desk.start();
      expect(await desk.decide(id, "approve", "dave", null)).toMatchObject({ published: false });
      await until("the events marked published", async () => (await book.get(id))?.publishedAt !== null);
      await quietFor(() => published.length, 300);
      const rescheduled = published.filter((p) => p.routingKey === "order.rescheduled").map((p) => p.messageId);
      expect(rescheduled).toEqual([`order.rescheduled:${id}:C-NORTH/PO-77/0:FG-1000:WH-1`]);
      expect(new Set(published.map((p) => p.messageId))).toEqual(new Set([`order.released:${id}`, rescheduled[0]]));
    });

    it("publishes none when the approval is rejected", async () => {
      const id = await openRush("R-3");
      const running = startDesk();
      await running.decide(id, "reject", "erin", "not this week");
      await quietFor(() => published.length, 300);
      expect(published.map((p) => p.routingKey)).toEqual(["order.rejected"]);
    });
  });
});
