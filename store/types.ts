/** The hub's own state, behind one interface: SQLite embedded (default) or, later, PostgreSQL for several instances. */

import type { MasterKind, MasterMode } from "./master-kinds";
import type { ApprovalStore } from "./approval-store";
import type { OrderStore } from "./order-types";
import type { InvoiceStore } from "./invoice-types";
import type { TimelineStore } from "./timeline-types";
import type { PlanningStore } from "./planning-types";
import type { ProductionStore } from "./production-types";
import type { ApiKeyStore } from "./api-key-store";
import type { SettlementStore } from "./settlement-types";

export type { MasterKind, MasterMode };

export type IdempotencyStatus = "pending" | "done";

export interface IdempotencyRecord {
  scope: string;
  key: string;
  /** Outgoing message id derived from the business key: the same key always yields the same id. */
  messageId: string;
  status: IdempotencyStatus;
  /**
   * The outgoing message body as first produced (the outbox copy): a redelivery re-sends this, never a new one. Kept
   * after the effect is confirmed, to compare a later message with the same key against (empty in records confirmed
   * before schema version 2, which emptied it).
   */
  payload: string;
  /** The inbound message id the key was first claimed for, when known: its redelivery is no other message. */
  origin: string | null;
  createdAt: number;
  doneAt: number | null;
}

export type ClaimOutcome =
  /** First time this key is seen: the record was written now. */
  | "new"
  /** Seen before, its effect not yet confirmed (a crash or a lost channel in between): re-send the stored payload. */
  | "pending"
  /** Seen before and its effect confirmed: a duplicate. */
  | "done";

export interface ClaimResult {
  outcome: ClaimOutcome;
  record: IdempotencyRecord;
}

/**
 * A change to master data: one kind's records replaced (every record of the kind), upserted (added or replaced by key)
 * or deleted (by key: the records need only their key fields), or the settings replaced.
 */
export type MasterWrite = { kind: MasterKind; mode: MasterMode; records: readonly object[] } | { kind: "settings"; settings: object };

/** What a write did to a kind: records written (for a delete: removed), and how many the kind holds now. */
export interface MasterWriteResult {
  kind: MasterKind | "settings";
  changed: number;
  total: number;
}

/** Master data as stored: every kind's records (by key), and the settings as last written (null: never). */
export interface StoredMasterData {
  records: Record<MasterKind, object[]>;
  settings: object | null;
}

export interface HubStore {
  readonly kind: "sqlite" | "postgres";
  /**
   * Insert the key with its outgoing message (outbox) unless present; return what is stored either way. `origin` is
   * the inbound message's id ("" when there is none). With `earlierKey` (the same thing's key as an earlier release
   * made it), a key not stored yet is first looked for under that one, and that record is returned as it is, nothing
   * inserted; `record.key` tells which key the record is stored under.
   */
  claim(scope: string, key: string, messageId: string, payload: string, now: number, origin?: string, earlierKey?: string): Promise<ClaimResult>;
  /** The effect of the key was handed on durably (publish confirmed). */
  markDone(scope: string, key: string, now: number): Promise<void>;
  /** Remove keys created before `olderThan` (epoch ms); returns how many. */
  purgeBefore(olderThan: number): Promise<number>;
  /**
   * Applies master data writes in one transaction: every one of them, or, when any fails, none. A record is kept as
   * JSON with its key (mappings/master-kinds.ts); it must have its key fields (a supply record's date may be absent).
   */
  writeMaster(writes: readonly MasterWrite[]): Promise<MasterWriteResult[]>;
  /** Every kind of master data and the settings, read in one transaction. */
  readMaster(): Promise<StoredMasterData>;
  /** Orders waiting for approval (store/approval-store.ts). */
  readonly approvals: ApprovalStore;
  /** The order book: decisions per order, orders held for credit, payments applied (store/order-types.ts). */
  readonly orders: OrderStore;
  /** The invoices the hub issued, with what each billed per order line (store/invoice-types.ts). */
  readonly invoices: InvoiceStore;
  /** The order timeline: every milestone of every order once, and a summary per order (store/timeline-types.ts). */
  readonly timeline: TimelineStore;
  /** Planning: BOM lines, low-level codes, ECOs and every BOM change's history (store/planning-types.ts). */
  readonly planning: PlanningStore;
  /** Production tasks tied to order lines, what was issued to them, and quotes (store/production-types.ts). */
  readonly production: ProductionStore;
  /** The API keys business systems call /api with, hashed (store/api-key-store.ts, runtime/api-keys.ts). */
  readonly apiKeys: ApiKeyStore;
  /** Settlement ledgers: consignment, returns and credit notes, reconciliation, dunning, inter-company (store/settlement-types.ts). */
  readonly settlement: SettlementStore;
  /** Cheap liveness check for /health. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
