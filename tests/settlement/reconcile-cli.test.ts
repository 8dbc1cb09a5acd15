import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../store";
import { ensureBuilt, ROOT } from "../support/build";

/** `orderhub reconcile` on a hub's store: the finance controller's run from the command line. */
const CLI = join(ROOT, "dist/cli/main.js");
let dir: string;
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, "reconcile", "--data-dir", join(dir, "data"), ...args], { cwd: ROOT, encoding: "utf8" });

beforeAll(async () => {
  ensureBuilt("dist/cli/commands/reconcile.js", "dist/store/sqlite-settlement.cjs");
  dir = mkdtempSync(join(tmpdir(), "orderhub-reconcile-"));
  const store = new SqliteStore(join(dir, "data", "orderhub.db"));
  const doc = (kind: "delivery" | "invoice" | "payment", document: string, at: string, amount?: number, body: Record<string, unknown> = {}) =>
    store.settlement.recordDocument({ kind, document, customer: "C-1", orderKey: "C-1/PO-1/0", at, ...(amount === undefined ? {} : { amount, currency: "EUR" }), body, recordedAt: 1 });
  await doc("delivery", "SHP-1", "2026-03-02", undefined, { lines: [{ sku: "GH-100", quantity: 2 }] });
  await doc("invoice", "INV-1", "2026-03-03", 200, { shipment: "SHP-1", lines: [{ sku: "GH-100", quantity: 2 }] });
  await doc("payment", "PAY-1", "2026-03-20", 150, { invoice: "INV-1" });
  await store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("orderhub reconcile", () => {
  it("exits 0 on a day the books match, and 3 listing each mismatch once they do not", () => {
    const before = run("--date", "2026-03-10");
    expect([before.status, before.stdout]).toEqual([0, "run 1 on 2026-03-10: 1 customer, 1 deliveries, 1 invoices, 0 payments: 0 mismatches (0 new, 0 resolved, 0 still open)\n"]);
    const after = run("--date", "2026-03-31");
    expect(after.status).toBe(3);
    expect(after.stdout.split("\n")[1]).toBe("C-1\tpartial-payment\tinvoice INV-1: 150.00 EUR of 200.00 EUR paid (PAY-1), 50.00 EUR still open");
    const json = JSON.parse(run("--date", "2026-03-31", "--json").stdout);
    expect(json.comparison.stillOpen.map((m: { kind: string }) => m.kind)).toEqual(["partial-payment"]);
  });

  it("exits 2 for a day that is none, naming it", () => {
    const bad = run("--date", "2026-02-30");
    expect([bad.status, bad.stderr]).toEqual([2, 'orderhub reconcile: --date must be a day (YYYY-MM-DD), is "2026-02-30"\n']);
  });
});
