import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { BomLine } from "../../domain/planning/bom";
import { BomCycleError } from "../../domain/planning/errors";
import { EcoStateError, PlanningBook } from "../../store/planning-book";
import { SqliteStore } from "../../store/sqlite-store";

// A real store in a temp dir: the writer thread, the schema, the transactions the hub runs.
const opened: { store: SqliteStore; dir: string }[] = [];
afterEach(async () => {
  for (const { store, dir } of opened.splice(0)) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

let now = Date.parse("2026-05-20T09:00:00Z");
function open() {
  const dir = mkdtempSync(path.join(tmpdir(), "orderhub-eco-"));
  const store = new SqliteStore(path.join(dir, "orderhub.db"));
  opened.push({ store, dir });
  return { store, book: new PlanningBook(store, () => now), file: path.join(dir, "orderhub.db") };
}

/** 1,000 cabinets, each with its own door and the same hinge H-1 (2 per cabinet, 3 % loss). */
const cabinets = (n = 1000): BomLine[] =>
  Array.from({ length: n }, (_, i) => {
    const p = `CAB-${String(i).padStart(4, "0")}`;
    return [
      { parent: p, child: `DOOR-${i}`, quantity: 1 },
      { parent: p, child: "H-1", quantity: 2, lossRate: 0.03 },
    ];
  }).flat();

const HINGE_ECO = { id: "ECO-77", reason: "H-1 discontinued by the supplier", effectiveDate: "2026-06-01", changes: [{ match: { component: "H-1" }, action: "replace", to: "H-2" }] };

async function pendingEco(book: PlanningBook, eco: object = HINGE_ECO) {
  await book.createEco(eco);
  await book.markSubmitted((eco as { id: string }).id, "eco-approval");
}

describe("an ECO applied to 1,000 BOMs in one transaction", () => {
  it("approved: every BOM changes from the effective date, each with its history (who, when, why, before, after)", async () => {
    const { book } = open();
    await book.replaceBoms(cabinets(), { who: "plm", why: "initial load" });
    await pendingEco(book);
    const preview = await book.preview("ECO-77");
    expect(preview.result.boms).toHaveLength(1000);

    now = Date.parse("2026-05-21T10:00:00Z");
    const row = await book.decide("ECO-77", "approve", "eng.lead", "supplier letter 2026-05");
    expect(row).toMatchObject({ status: "applied", decidedBy: "eng.lead", comment: "supplier letter 2026-05", appliedAt: now, applyError: null });

    const snap = await book.snapshot();
    const cab = (p: string, date: string) => snap.lines.filter((l) => l.parent === p && (!l.validFrom || l.validFrom <= date) && (!l.validTo || date < l.validTo)).map((l) => l.child).sort();
    for (const p of ["CAB-0000", "CAB-0500", "CAB-0999"]) {
      expect(cab(p, "2026-05-31")).toEqual(expect.arrayContaining(["H-1"]));
      expect(cab(p, "2026-06-01")).toEqual(expect.arrayContaining(["H-2"]));
      expect(cab(p, "2026-06-01")).not.toContain("H-1");
    }
    expect(snap.lines.filter((l) => l.child === "H-2")).toHaveLength(1000);
    expect(snap.lines.find((l) => l.parent === "CAB-0042" && l.child === "H-2")).toEqual({ parent: "CAB-0042", child: "H-2", quantity: 2, lossRate: 0.03, validFrom: "2026-06-01" });

    const history = await book.history("CAB-0042");
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({ parent: "CAB-0042", ecoId: "ECO-77", who: "eng.lead", at: now, why: "H-1 discontinued by the supplier" });
    expect(history[1].before).toEqual([{ parent: "CAB-0042", child: "DOOR-42", quantity: 1 }, { parent: "CAB-0042", child: "H-1", quantity: 2, lossRate: 0.03 }]);
    expect(history[1].after).toHaveLength(3);
    expect(snap.lowLevelCodes["H-2"]).toBe(1);
  });

  it("rolled back on error: a failure at the 1,000th BOM leaves every BOM, the history and the ECO as they were", async () => {
    const { book, file } = open();
    await book.replaceBoms(cabinets(), { who: "plm", why: "initial load" });
    await pendingEco(book);
    const before = await book.snapshot();
    // the disk gives up while the last BOM's history is written: a real failure inside the writer's transaction
    const other = new Database(file);
    other.exec(`CREATE TRIGGER fail_last BEFORE INSERT ON bom_history WHEN NEW.parent = 'CAB-0999' AND NEW.eco_id IS NOT NULL BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END;`);
    other.close();

    await expect(book.decide("ECO-77", "approve", "eng.lead", null)).rejects.toThrow("disk I/O error (simulated)");
    const after = await book.snapshot();
    expect(after.lines).toEqual(before.lines);
    expect(after.version).toBe(before.version);
    expect(after.lowLevelCodes).toEqual(before.lowLevelCodes);
    expect(await book.history("CAB-0000")).toHaveLength(1);
    expect((await book.eco("ECO-77")).status).toBe("pending");

    // once the disk is back, the same decision goes through
    const fix = new Database(file);
    fix.exec("DROP TRIGGER fail_last");
    fix.close();
    expect((await book.decide("ECO-77", "approve", "eng.lead", null)).status).toBe("applied");
    expect((await book.snapshot()).lines.filter((l) => l.child === "H-2")).toHaveLength(1000);
  });
});

describe("rejected, expired or impossible ECOs change nothing", () => {
  it("rejected", async () => {
    const { book } = open();
    await book.replaceBoms(cabinets(3), { who: "plm", why: "load" });
    await pendingEco(book);
    const before = await book.snapshot();
    expect(await book.decide("ECO-77", "reject", "eng.lead", "wait for the new supplier")).toMatchObject({ status: "rejected", decidedBy: "eng.lead" });
    expect(await book.snapshot()).toEqual(before);
    await expect(book.decide("ECO-77", "approve", "someone.else", null)).rejects.toThrow(/ECO ECO-77 is rejected \(by eng.lead at .*\): only a pending ECO is decided/);
  });

  it("expired: its effective date passed before anyone approved it", async () => {
    const { book } = open();
    await book.replaceBoms(cabinets(3), { who: "plm", why: "load" });
    await pendingEco(book);
    const before = await book.snapshot();
    now = Date.parse("2026-06-02T12:00:00Z");
    await expect(book.decide("ECO-77", "approve", "eng.lead", null)).rejects.toThrow(EcoStateError);
    expect(await book.eco("ECO-77")).toMatchObject({ status: "expired", decidedBy: "orderhub", comment: "not approved before its effective date 2026-06-01" });
    expect(await book.snapshot()).toEqual(before);
    now = Date.parse("2026-05-20T09:00:00Z");
  });

  it("approved when the BOMs no longer allow it: stays approved with the reason, nothing written", async () => {
    const { book } = open();
    await book.replaceBoms(cabinets(2), { who: "plm", why: "load" });
    await pendingEco(book);
    await book.replaceBoms([{ parent: "CAB-0000", child: "H-3", quantity: 2 }, { parent: "CAB-0001", child: "H-3", quantity: 2 }], { who: "plm", why: "hinge changed in PLM" });
    const before = await book.snapshot();
    await expect(book.decide("ECO-77", "approve", "eng.lead", null)).rejects.toThrow("ECO ECO-77 is approved but cannot be applied to the BOMs as they are now: changes[0]: H-1 is in no BOM valid on 2026-06-01: nothing to replace");
    expect(await book.eco("ECO-77")).toMatchObject({ status: "approved", decidedBy: "eng.lead", applyError: "changes[0]: H-1 is in no BOM valid on 2026-06-01: nothing to replace" });
    expect(await book.snapshot()).toEqual(before);
  });

  it("the same ECO created twice is one; another ECO under its id is refused", async () => {
    const { book } = open();
    expect((await book.createEco(HINGE_ECO)).created).toBe(true);
    expect((await book.createEco(HINGE_ECO)).created).toBe(false);
    await expect(book.createEco({ ...HINGE_ECO, reason: "other" })).rejects.toThrow("ECO ECO-77 exists already with other content (status draft); give the new one another id");
  });
});

describe("BOM changes are checked against every BOM the hub holds", () => {
  it("a cycle across two imports is refused naming the loop, and nothing of the second is stored", async () => {
    const { book } = open();
    await book.replaceBoms([{ parent: "A", child: "B", quantity: 1 }, { parent: "B", child: "C", quantity: 1 }], { who: "plm", why: "load" });
    const before = await book.snapshot();
    const err = await book.replaceBoms([{ parent: "C", child: "A", quantity: 1 }], { who: "plm", why: "bad release" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BomCycleError);
    expect((err as Error).message).toBe("BOM cycle: A → B → C → A (an item cannot be its own component; correct one of these BOM lines)");
    expect(await book.snapshot()).toEqual(before);
  });

  it("replacing a parent's BOM keeps the others, keeps low-level codes current, and an empty parent list entry empties a BOM", async () => {
    const { book } = open();
    await book.replaceBoms([{ parent: "A", child: "B", quantity: 1 }, { parent: "X", child: "B", quantity: 2 }], { who: "plm", why: "load" });
    await book.replaceBoms([{ parent: "B", child: "C", quantity: 3 }], { who: "plm", why: "B gets a BOM" });
    let snap = await book.snapshot();
    expect(snap.lowLevelCodes).toEqual({ A: 0, X: 0, B: 1, C: 2 });
    await book.replaceBoms([], { who: "plm", why: "A withdrawn" }, ["A"]);
    snap = await book.snapshot();
    expect(snap.lines.map((l) => `${l.parent}>${l.child}`).sort()).toEqual(["B>C", "X>B"]);
    expect(snap.version).toBe(3);
  });

  it("concurrent changes: each is checked against the other's result, so two halves of a loop cannot both get in", async () => {
    const { book } = open();
    await book.replaceBoms([{ parent: "A", child: "B", quantity: 1 }], { who: "plm", why: "load" });
    const results = await Promise.allSettled([
      book.replaceBoms([{ parent: "B", child: "C", quantity: 1 }], { who: "one", why: "x" }),
      book.replaceBoms([{ parent: "C", child: "A", quantity: 1 }], { who: "two", why: "y" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(String((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason.message)).toMatch(/^BOM cycle: /);
  });
});
