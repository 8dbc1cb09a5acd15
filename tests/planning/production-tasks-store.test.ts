import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProductionTask } from "../../domain/planning/production-tasks";
import { SqliteStore } from "../../store/sqlite-store";

// Schema step 11 on a real SQLite file, through the writer thread: tasks made once, changed, issued to; quotes kept.
let dir: string;
let store: SqliteStore;
const task = (id: string, more: Partial<ProductionTask> = {}): ProductionTask => ({ id, orderKey: "C-1/PO-1/0", orderRef: "C-1/PO-1", line: "1", item: "CART", quantity: 10, due: "2026-06-01", status: "open", ...more });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "orderhub-production-store-"));
  store = new SqliteStore(path.join(dir, "orderhub.db"));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("production tasks in the store", () => {
  it("stores a batch in one go, and a task asked for again is kept as it was", async () => {
    expect(await store.production.createTasks([task("PT-1"), task("PT-2", { line: "2", due: null })], 1000)).toEqual(["PT-1", "PT-2"]);
    expect(await store.production.createTasks([task("PT-1", { quantity: 99 }), task("PT-3", { orderRef: "", orderKey: "", line: "" })], 2000)).toEqual(["PT-3"]);
    const tasks = await store.production.tasks({ orderRef: "C-1/PO-1" });
    expect(tasks.map((t) => [t.id, t.quantity, t.due, t.createdAt])).toEqual([["PT-1", 10, "2026-06-01", 1000], ["PT-2", 10, null, 1000]]);
  });

  it("adds up what is issued, per component, and refuses an unknown task", async () => {
    expect(await store.production.issue("PT-1", { AXLE: 4, BODY: 1 }, 3000)).toBe(true);
    expect(await store.production.issue("PT-1", { AXLE: 2.5 }, 3100)).toBe(true);
    expect(await store.production.issue("PT-404", { AXLE: 1 }, 3200)).toBe(false);
    const [t] = await store.production.tasks({ ids: ["PT-1"] });
    expect(t).toMatchObject({ issued: { AXLE: 6.5, BODY: 1 }, updatedAt: 3100 });
  });

  it("changes tasks after an order change, and filters by status", async () => {
    expect(await store.production.updateTasks([task("PT-1", { quantity: 30, orderKey: "C-1/PO-1/1" }), task("PT-2", { status: "cancelled" })], 4000)).toBe(2);
    expect((await store.production.tasks({ status: ["open"] })).map((t) => [t.id, t.quantity, t.orderKey])).toEqual([["PT-1", 30, "C-1/PO-1/1"], ["PT-3", 10, ""]]);
    expect((await store.production.tasks({ status: ["cancelled"] })).map((t) => t.id)).toEqual(["PT-2"]);
    expect(await store.production.tasks({ ids: [] })).toEqual([]);
  });

  it("keeps a quote with its request", async () => {
    await store.production.saveQuote({ id: "Q-1", body: '{"item":"CART"}', answer: '{"unitPrice":47}', createdAt: 5000 });
    expect(await store.production.getQuote("Q-1")).toEqual({ id: "Q-1", body: '{"item":"CART"}', answer: '{"unitPrice":47}', createdAt: 5000 });
    expect(await store.production.getQuote("Q-2")).toBeUndefined();
  });
});
