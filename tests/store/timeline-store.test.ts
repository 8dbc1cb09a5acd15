import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../store";
import { recordTimelineEvent } from "../../store/timeline";
import { o2cEvent, releasedEvent } from "../support/timeline";

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-timeline-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const KEY = "C-NORTH/PO-7/0";
const shipped = (document: string, quantity: number) => ({ routingKey: "order.shipped", body: o2cEvent("order.shipped", KEY, "wms", document, "2026-03-05T14:00:00Z", { lines: [{ lineNumber: "1", quantity }] }), messageId: `shipped:${document}` });

describe("the order timeline in the store", () => {
  it("records an event once: a redelivery and a repeated webhook change nothing, not even the summary's time", async () => {
    await recordTimelineEvent(store.timeline, { routingKey: "order.released", body: releasedEvent(KEY, [{ lineNumber: "1", sku: "GH-100", quantity: 10, date: "2026-03-04" }]), messageId: "rel" }, 1000);
    expect(await recordTimelineEvent(store.timeline, shipped("DN-1", 4), 2000)).toMatchObject({ outcome: "recorded", milestones: ["shipped"], state: "shipped" });
    const before = await store.timeline.read("C-NORTH/PO-7");
    expect(await recordTimelineEvent(store.timeline, shipped("DN-1", 4), 3000)).toMatchObject({ outcome: "repeat" });
    expect(await recordTimelineEvent(store.timeline, { ...shipped("DN-1", 4), messageId: "webhook-again" }, 4000)).toMatchObject({ outcome: "repeat" });
    expect(await store.timeline.read("C-NORTH/PO-7")).toEqual(before);
    expect(before.progress).toMatchObject({ state: "shipped", version: 6, updatedAt: 2000, promisedDate: "2026-03-04", delivered: false, lines: [{ lineNumber: "1", ordered: 10, shipped: 4, open: 6 }] });
  });

  it("keeps every one of many events of one order arriving at once, and a summary over all of them", async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => recordTimelineEvent(store.timeline, shipped(`DN-${i}`, 1), 1000 + i)));
    expect(results.every((r) => r.outcome === "recorded")).toBe(true);
    const read = await store.timeline.read("C-NORTH/PO-7");
    expect(read.entries).toHaveLength(12);
    expect(read.progress).toMatchObject({ version: 12, state: "shipped" });
    // no order lines known yet: the shipped quantities gather on the line they name
    expect(read.progress!.lines).toEqual([{ lineNumber: "1", sku: "", ordered: 0, shipped: 12, invoiced: 0, open: 0 }]);
  });

  it("loses nothing when two hubs on one store record events of the same order at the same time (compare-and-set)", async () => {
    const other = new SqliteStore(join(dir, "orderhub.db"));
    try {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => recordTimelineEvent((i % 2 ? other : store).timeline, shipped(`DN-${i}`, 2), 1000 + i)));
      expect(results.filter((r) => r.outcome === "recorded")).toHaveLength(10);
      expect((await store.timeline.read("C-NORTH/PO-7")).progress).toMatchObject({ version: 10, lines: [{ shipped: 20 }] });
    } finally {
      await other.close();
    }
  });

  it("passes by an event about no order, and finds an order by its invoice", async () => {
    expect(await recordTimelineEvent(store.timeline, { routingKey: "master.items.upserted", body: [{ sku: "X" }], messageId: "m" }, 1)).toMatchObject({ outcome: "skipped" });
    expect(await recordTimelineEvent(store.timeline, { routingKey: "payment.received", body: { customer: "C-NORTH", amount: 5, invoice: "INV-9" }, messageId: "p0" }, 1)).toMatchObject({ outcome: "skipped", why: "payment.received names invoice INV-9, which no order's timeline has" });
    await recordTimelineEvent(store.timeline, { routingKey: "order.invoiced", body: o2cEvent("order.invoiced", KEY, "finance", "INV-9", "2026-03-06T10:00:00Z"), messageId: "inv" }, 2);
    expect(await recordTimelineEvent(store.timeline, { routingKey: "payment.received", body: { customer: "C-NORTH", amount: 5, invoice: "INV-9", document: "PAY-9" }, messageId: "p1" }, 3)).toMatchObject({ outcome: "recorded", orderRef: "C-NORTH/PO-7", state: "paid" });
    expect((await store.timeline.list({ states: ["paid"] })).map((r) => r.orderKey)).toEqual([KEY]);
    // an order's event that names no order is a sender's mistake: an error for the dead-letter queue, not a lost milestone
    await expect(recordTimelineEvent(store.timeline, { routingKey: "order.shipped", body: { document: "DN-5", lines: [] }, messageId: "s5" }, 4)).rejects.toThrow(
      "order timeline: order.shipped (message s5) names no order: it has no orderNumber and no orderKey",
    );
    await expect(recordTimelineEvent(store.timeline, { routingKey: "order.delivered", body: "delivered", messageId: "d5" }, 4)).rejects.toThrow("order timeline: order.delivered (message d5) has a body that is not a JSON object");
    expect(await store.timeline.list({ states: ["shipped"] })).toEqual([]);
  });
  it("counts the orders in each state and the late ones, as the list finds them", async () => {
    const key = (n: number) => `C-NORTH/PO-${n}/0`;
    // three released for 2026-03-04, one of them shipped and one delivered since
    for (const n of [1, 2, 3]) await recordTimelineEvent(store.timeline, { routingKey: "order.released", body: releasedEvent(key(n), [{ lineNumber: "1", sku: "GH-100", quantity: 10, date: "2026-03-04" }]), messageId: `rel-${n}` }, n);
    await recordTimelineEvent(store.timeline, { routingKey: "order.shipped", body: o2cEvent("order.shipped", key(2), "wms", "DN-2", "2026-03-05T14:00:00Z", { lines: [{ lineNumber: "1", quantity: 10 }] }), messageId: "s2" }, 10);
    await recordTimelineEvent(store.timeline, { routingKey: "order.delivered", body: o2cEvent("order.delivered", key(3), "tms", "SH-3", "2026-03-03T14:00:00Z", { deliveryNote: "DN-3" }), messageId: "d3" }, 11);
    const counts = await store.timeline.counts("2026-03-10");
    expect(counts.byState).toEqual({ approved: 1, shipped: 1, delivered: 1 });
    // late on the 10th: promised the 4th, not delivered (the released one and the shipped one)
    expect(counts.late).toBe((await store.timeline.list({ late: true, asOf: "2026-03-10" })).length);
    expect(counts.late).toBe(2);
    expect((await store.timeline.counts("2026-03-01")).late).toBe(0);
  });
});
