/**
 * Planning in the store: BOM lines per parent, low-level codes, engineering change orders and the history of every BOM
 * change. Part of HubStore (types.ts) as `planning`; the rules that decide what to write live in domain/planning, the
 * book that applies them in store/planning-book.ts.
 */
import type { BomLine } from "../domain/planning/bom";
import type { Eco } from "../domain/planning/eco";

export type EcoStatus = "draft" | "pending" | "approved" | "rejected" | "expired" | "applied";

export const ECO_STATUSES: readonly EcoStatus[] = ["draft", "pending", "approved", "rejected", "expired", "applied"];

/** Every BOM line and low-level code as of one BOM version. */
export interface BomSnapshot {
  version: number;
  lines: BomLine[];
  lowLevelCodes: Record<string, number>;
}

/** Who changed a BOM, when (epoch ms) and why; the ECO when one did. */
export interface BomAudit {
  who: string;
  at: number;
  why: string;
  ecoId?: string;
}

export interface BomHistoryEntry extends BomAudit {
  parent: string;
  before: BomLine[];
  after: BomLine[];
}

/**
 * One change to the BOMs, committed in one transaction only while the BOM version is still `expectVersion` (the version
 * the change was checked against): the lines of `parents` replaced by `lines`, the low-level codes replaced by those
 * given, a history entry per parent, and, for an ECO, its move to `applied` (compare-and-set from `eco.from`).
 */
export interface BomWrite {
  expectVersion: number;
  parents: string[];
  lines: BomLine[];
  lowLevelCodes: Record<string, number>;
  history: { parent: string; before: BomLine[]; after: BomLine[] }[];
  audit: BomAudit;
  eco?: { id: string; from: EcoStatus[]; decidedBy?: string; comment?: string | null };
}

export type BomWriteResult =
  | { outcome: "done"; version: number }
  /** The BOMs changed since the version checked: nothing written, check again. */
  | { outcome: "stale"; version: number }
  /** The ECO is not in a state it may be applied from (decided meanwhile): nothing written. */
  | { outcome: "eco-moved"; status: EcoStatus | null };

export interface EcoRow {
  id: string;
  eco: Eco;
  status: EcoStatus;
  approvalId: string | null;
  createdAt: number;
  submittedAt: number | null;
  decidedBy: string | null;
  decidedAt: number | null;
  comment: string | null;
  appliedAt: number | null;
  /** Why an approved ECO could not be applied (the BOMs changed meanwhile). Not `error`: an answer with that key is a failure on its way back from the writer thread. */
  applyError: string | null;
}

/** The fields a state move sets besides the status. */
export interface EcoMove {
  approvalId?: string;
  submittedAt?: number;
  decidedBy?: string;
  decidedAt?: number;
  comment?: string | null;
  error?: string | null;
}

export interface PlanningStore {
  readBoms(): Promise<BomSnapshot>;
  writeBoms(write: BomWrite): Promise<BomWriteResult>;
  /** A parent's changes, oldest first. */
  bomHistory(parent: string): Promise<BomHistoryEntry[]>;
  /** Stores a new ECO as a draft; `created` false when the id is taken (the stored one is returned). */
  createEco(eco: Eco, now: number): Promise<{ created: boolean; row: EcoRow }>;
  getEco(id: string): Promise<EcoRow | undefined>;
  listEcos(statuses?: readonly EcoStatus[]): Promise<EcoRow[]>;
  /** Compare-and-set: moves the ECO to `to` only from one of `from`. */
  moveEco(id: string, from: readonly EcoStatus[], to: EcoStatus, fields: EcoMove): Promise<{ moved: boolean; row?: EcoRow }>;
}
