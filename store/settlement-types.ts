/**
 * The settlement ledgers (schema step 13): consignment movements and counts, return authorisations and credit notes,
 * the documents the three-way match reads, payment allocations, reconciliation runs, dunning notices and the
 * inter-company links. Part of HubStore (types.ts). Each write is one transaction on the writer thread
 * (store/sqlite-settlement.cjs); a document written again is recognised, not written twice.
 */
import type { Movement } from "../domain/settlement/consignment";
import type { DunningLevel, DunningNotice } from "../domain/settlement/dunning";
import type { SideDocument } from "../domain/settlement/intercompany";
import type { MasterWrite } from "./types";
import type { Allocation } from "../domain/settlement/payment-application";
import type { ReconciliationReport } from "../domain/settlement/reconciliation";
import type { Rma, RmaLine } from "../domain/settlement/returns";

/** `recorded`: written. `repeat`: the document was written before, nothing written. `moved`: the site's ledger changed since it was read (`count`: movements now): check again. */
export type MovementWriteResult = { outcome: "recorded" } | { outcome: "repeat" } | { outcome: "moved"; count: number };

export interface CountRecord {
  customer: string;
  site: string;
  document: string;
  at: string;
  lines: Array<{ sku: string; quantity: number }>;
  /** The reconciliation of the count (domain/settlement/consignment.ts), as JSON. */
  report: string;
  recordedAt: number;
}

export interface RmaRecord extends Rma {
  status: "authorised" | "received" | "cancelled";
  createdAt: number;
}

export interface CreditNoteRecord {
  creditNoteId: string;
  rma: string;
  receipt: string;
  invoice: string;
  customer: string;
  amount: number;
  currency: string;
  issuedAt: string;
  lines: RmaLine[];
  /** The credit note (domain/settlement/returns.ts), as JSON. */
  summary: string;
  /** The UBL 2.1 CreditNote. */
  xml: string;
  recordedAt: number;
}

export type SettlementDocumentKind = "delivery" | "invoice" | "payment";

/** A delivery, invoice or payment as the events announced it, for the three-way match and the statement. */
export interface SettlementDocument {
  kind: SettlementDocumentKind;
  document: string;
  customer: string;
  orderKey?: string;
  /** The day. */
  at: string;
  amount?: number;
  currency?: string;
  /** The rest as the reconciliation reads it: lines, shipment, due date, the invoice a payment names. */
  body: Record<string, unknown>;
  recordedAt: number;
}

export interface DocumentQuery {
  kind?: SettlementDocumentKind;
  customer?: string;
  /** Documents on or before this day. */
  upTo?: string;
}

export interface AppliedPayment extends Allocation {
  customer: string;
  currency: string;
  at: string;
}

export interface ReconciliationRun {
  id: number;
  date: string;
  report: ReconciliationReport;
  recordedAt: number;
}

export interface LinkRecord {
  orderKey: string;
  kind: SideDocument["kind"];
  /** The document it comes from (the order key for the order's own pair). */
  source: string;
  side: SideDocument["side"];
  document: string;
  body: SideDocument;
  recordedAt: number;
}

export interface SettlementStore {
  /** A site's movements, oldest first. */
  movements(customer: string, site: string): Promise<Movement[]>;
  /** Every consignment site of a customer (or of all customers). */
  sites(customer?: string): Promise<Array<{ customer: string; site: string }>>;
  /** Writes a document's movements if the site still has `expected` movements (compare-and-set). */
  recordMovements(movements: readonly Movement[], expected: number, now: number): Promise<MovementWriteResult>;
  /** The count, once per document: `repeat` gives back the stored one. */
  recordCount(count: CountRecord): Promise<{ outcome: "recorded" } | { outcome: "repeat"; record: CountRecord }>;
  counts(customer: string, site: string): Promise<CountRecord[]>;

  /** An RMA, once: `exists` gives back the stored one. */
  recordRma(rma: RmaRecord): Promise<{ outcome: "recorded" } | { outcome: "exists"; record: RmaRecord }>;
  rma(rma: string): Promise<RmaRecord | undefined>;
  rmasForOrder(orderKey: string): Promise<RmaRecord[]>;
  /**
   * The credit note, once per RMA and receipt; the RMA becomes received. `master`: master data written in the same
   * transaction (the stock back on hand, the credit as an open item), so a crash leaves both or neither.
   */
  recordCreditNote(note: CreditNoteRecord, master?: readonly MasterWrite[]): Promise<{ outcome: "recorded" } | { outcome: "exists"; record: CreditNoteRecord }>;
  creditNotes(query: { rma?: string; customer?: string }): Promise<CreditNoteRecord[]>;

  /** A delivery, invoice or payment, once per kind and document. */
  recordDocument(doc: SettlementDocument): Promise<"recorded" | "repeat">;
  documents(query: DocumentQuery): Promise<SettlementDocument[]>;
  /** A payment's allocations (the invoice '' is what went on account), once per payment. */
  recordAllocations(allocations: readonly AppliedPayment[], now: number): Promise<"recorded" | "repeat">;
  allocations(query: { customer?: string; invoices?: readonly string[] }): Promise<AppliedPayment[]>;

  saveRun(date: string, report: ReconciliationReport, now: number): Promise<number>;
  run(id: number): Promise<ReconciliationRun | undefined>;
  /** The run before this one (by id). */
  previousRun(id: number): Promise<ReconciliationRun | undefined>;

  /** Levels sent so far, per invoice. */
  dunningSent(invoices: readonly string[]): Promise<Map<string, DunningLevel[]>>;
  /** Records notices; returns those not recorded before (each level once per invoice). */
  recordNotices(notices: readonly DunningNotice[], now: number): Promise<DunningNotice[]>;

  /** Each link once by (order, kind, source): `created` says which were new; `links` are the stored ones. */
  recordLinks(links: readonly LinkRecord[]): Promise<{ created: string[]; links: LinkRecord[] }>;
  links(orderKey: string): Promise<LinkRecord[]>;
}
