import { buildBom, effectiveLines, type BomLine } from "../domain/planning/bom";
import { applyEco, checkEco, checkUniqueLines, type Eco, type EcoResult } from "../domain/planning/eco";
import { PlanningInputError } from "../domain/planning/errors";
import { checkBomLines } from "../domain/planning/input-checks";
import { logger } from "../observability/logger";
import { getHubStore } from "./index";
import type { BomAudit, BomSnapshot, BomWrite, EcoRow, EcoStatus } from "./planning-types";
import type { HubStore } from "./types";

/** Attempts at a BOM change while other changes keep coming first (each attempt checks against the newest BOMs). */
const ATTEMPTS = 5;

/** An ECO in a state that does not allow what was asked: `status` says which, the message says why. */
export class EcoStateError extends Error {
  override readonly name = "EcoStateError";
  constructor(
    message: string,
    readonly row: EcoRow,
  ) {
    super(message);
  }
}

export class EcoNotFoundError extends Error {
  override readonly name = "EcoNotFoundError";
  constructor(readonly id: string) {
    super(`ECO ${id} is not known`);
  }
}

export interface BomChangeDone {
  parents: string[];
  lines: number;
  version: number;
}

const localDay = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The hub's BOMs and ECOs: every change is checked against the whole resulting set of BOM lines (a cycle is refused
 * naming the loop), committed in one transaction with its history and the new low-level codes, and only while the
 * BOMs are still those it was checked against (else checked again on the newer ones).
 */
export class PlanningBook {
  constructor(
    readonly store: HubStore,
    private readonly clock: () => number = Date.now,
  ) {}

  snapshot(): Promise<BomSnapshot> {
    return this.store.planning.readBoms();
  }

  /**
   * The BOMs of the parents the lines name (and of `parents`, which may name a parent whose BOM is to be emptied)
   * replaced by `lines`. Throws PlanningInputError naming the bad line, BomCycleError naming the loop.
   */
  async replaceBoms(lines: unknown, audit: Omit<BomAudit, "at" | "ecoId">, parents: readonly string[] = []): Promise<BomChangeDone> {
    checkBomLines(lines, "lines");
    const given = lines as BomLine[];
    checkUniqueLines(given);
    const replaced = [...new Set([...parents, ...given.map((l) => l.parent)])].sort();
    if (replaced.length === 0) throw new PlanningInputError("lines: no BOM line given (is [])");
    return this.commit(async (snap) => {
      const kept = snap.lines.filter((l) => !replaced.includes(l.parent));
      const result = [...kept, ...given];
      const codes = buildBom(result).lowLevelCodes;
      return {
        parents: replaced,
        lines: given,
        lowLevelCodes: Object.fromEntries(codes),
        history: replaced.map((parent) => ({ parent, before: snap.lines.filter((l) => l.parent === parent), after: given.filter((l) => l.parent === parent) })),
      };
    }, audit);
  }

  /** Runs `plan` on the newest BOMs and commits it; again on newer ones when another change came first. */
  private async commit(plan: (snap: BomSnapshot) => Promise<Omit<BomWrite, "expectVersion" | "audit" | "eco">>, audit: Omit<BomAudit, "at">, eco?: BomWrite["eco"]): Promise<BomChangeDone> {
    for (let attempt = 1; ; attempt++) {
      const snap = await this.snapshot();
      const write = await plan(snap);
      const result = await this.store.planning.writeBoms({ ...write, expectVersion: snap.version, audit: { ...audit, at: this.clock() }, ...(eco ? { eco } : {}) });
      if (result.outcome === "done") {
        logger.info({ parents: write.parents.length, who: audit.who, eco: audit.ecoId }, `planning: ${write.parents.length} BOM${write.parents.length === 1 ? "" : "s"} changed by ${audit.who} (${audit.why})`);
        return { parents: write.parents, lines: write.lines.length, version: result.version };
      }
      if (result.outcome === "eco-moved") {
        const row = await this.store.planning.getEco(eco!.id);
        throw new EcoStateError(`ECO ${eco!.id} is ${result.status ?? "gone"} now: it is applied only from ${eco!.from.join(" or ")}`, row!);
      }
      if (attempt >= ATTEMPTS) throw new Error(`the BOMs kept changing while this change was checked (${ATTEMPTS} attempts); send it again`);
    }
  }

  /** Every line of `parent`, or those valid on `date`. */
  async bomOf(parent: string, date?: string): Promise<{ lines: BomLine[]; lowLevelCode: number | undefined }> {
    const snap = await this.snapshot();
    const lines = snap.lines.filter((l) => l.parent === parent);
    return { lines: effectiveLines(lines, date), lowLevelCode: snap.lowLevelCodes[parent] };
  }

  // --- engineering change orders ---

  /** Stores the ECO as a draft. The same ECO again is no change; another ECO under a used id is refused. */
  async createEco(value: unknown): Promise<{ created: boolean; row: EcoRow }> {
    checkEco(value);
    const eco: Eco = { id: value.id, reason: value.reason, effectiveDate: value.effectiveDate.slice(0, 10), changes: value.changes };
    const result = await this.store.planning.createEco(eco, this.clock());
    if (!result.created && !same(result.row.eco, eco)) throw new EcoStateError(`ECO ${eco.id} exists already with other content (status ${result.row.status}); give the new one another id`, result.row);
    return result;
  }

  /** The ECO, expired first when its effective date passed before anyone approved it. */
  async eco(id: string): Promise<EcoRow> {
    const row = await this.store.planning.getEco(id);
    if (!row) throw new EcoNotFoundError(id);
    if ((row.status === "draft" || row.status === "pending") && localDay(this.clock()) > row.eco.effectiveDate) {
      const moved = await this.store.planning.moveEco(id, ["draft", "pending"], "expired", { decidedBy: "orderhub", decidedAt: this.clock(), comment: `not approved before its effective date ${row.eco.effectiveDate}` });
      return moved.row ?? row;
    }
    return row;
  }

  listEcos(statuses?: readonly EcoStatus[]): Promise<EcoRow[]> {
    return this.store.planning.listEcos(statuses);
  }

  /** Every BOM the ECO touches, before → after, on the BOMs as they are now. Nothing is written. */
  async preview(id: string): Promise<{ row: EcoRow; result: EcoResult }> {
    const row = await this.eco(id);
    const snap = await this.snapshot();
    return { row, result: applyEco(row.eco, snap.lines) };
  }

  /** Draft → pending once OA has the request. */
  async markSubmitted(id: string, approvalId: string): Promise<EcoRow> {
    const row = await this.eco(id);
    if (row.status === "pending") return row;
    const moved = await this.store.planning.moveEco(id, ["draft"], "pending", { approvalId, submittedAt: this.clock() });
    if (!moved.moved) throw new EcoStateError(`ECO ${id} is ${moved.row?.status ?? row.status}: only a draft is submitted for approval`, moved.row ?? row);
    return moved.row!;
  }

  /**
   * OA's decision. Rejected: nothing changes. Approved: the ECO is applied to every matching BOM in one transaction
   * and becomes `applied`; when it cannot be applied any more (the BOMs changed since), it stays `approved` with the
   * reason in `error` and the error is thrown.
   */
  async decide(id: string, verdict: "approve" | "reject", by: string, comment: string | null): Promise<EcoRow> {
    const row = await this.eco(id);
    if (row.status !== "pending") {
      throw new EcoStateError(`ECO ${id} is ${row.status}${row.decidedBy ? ` (by ${row.decidedBy}${row.decidedAt ? ` at ${new Date(row.decidedAt).toISOString()}` : ""})` : ""}: only a pending ECO is decided`, row);
    }
    if (verdict === "reject") {
      const moved = await this.store.planning.moveEco(id, ["pending"], "rejected", { decidedBy: by, decidedAt: this.clock(), comment });
      if (!moved.moved) throw new EcoStateError(`ECO ${id} is ${moved.row?.status}: decided meanwhile`, moved.row ?? row);
      return moved.row!;
    }
    return this.apply(row, ["pending"], by, comment);
  }

  /** Applies an approved ECO that could not be applied at its approval (after the BOMs were corrected). */
  async applyApproved(id: string): Promise<EcoRow> {
    const row = await this.eco(id);
    if (row.status !== "approved") throw new EcoStateError(`ECO ${id} is ${row.status}: only an approved ECO not yet applied is applied`, row);
    return this.apply(row, ["approved"]);
  }

  private async apply(row: EcoRow, from: EcoStatus[], by?: string, comment?: string | null): Promise<EcoRow> {
    const who = by ?? row.decidedBy ?? "orderhub";
    try {
      await this.commit(
        async (snap) => {
          const result = applyEco(row.eco, snap.lines);
          const parents = result.boms.map((b) => b.parent);
          const set = new Set(parents);
          return {
            parents,
            lines: result.lines.filter((l) => set.has(l.parent)),
            lowLevelCodes: Object.fromEntries(buildBom(result.lines).lowLevelCodes),
            history: result.boms.map((b) => ({ parent: b.parent, before: b.before, after: b.after })),
          };
        },
        { who, why: row.eco.reason, ecoId: row.id },
        { id: row.id, from, ...(by !== undefined ? { decidedBy: by, comment: comment ?? null } : {}) },
      );
    } catch (err) {
      if (err instanceof PlanningInputError && from.includes("pending")) {
        const moved = await this.store.planning.moveEco(row.id, ["pending"], "approved", { decidedBy: who, decidedAt: this.clock(), comment: comment ?? null, error: err.message });
        if (moved.row) throw new EcoStateError(`ECO ${row.id} is approved but cannot be applied to the BOMs as they are now: ${err.message}`, moved.row);
      }
      if (err instanceof PlanningInputError) await this.store.planning.moveEco(row.id, ["approved"], "approved", { error: err.message });
      throw err;
    }
    return (await this.store.planning.getEco(row.id))!;
  }

  history(parent: string) {
    return this.store.planning.bomHistory(parent);
  }
}

let book: PlanningBook | undefined;

/** The process's planning book, on the process's store (a store replaced in tests gets a book of its own). */
export function getPlanningBook(): PlanningBook {
  const store = getHubStore();
  if (book?.store !== store) book = new PlanningBook(store);
  return book;
}
