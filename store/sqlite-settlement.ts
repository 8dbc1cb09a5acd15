// The settlement ledgers on their way to and from the writer thread (store/sqlite-settlement.cjs): an operation and its
// arguments go, plain records come back.
import type { Movement } from "../domain/settlement/consignment";
import type { DunningLevel, DunningNotice } from "../domain/settlement/dunning";
import type { ReconciliationReport } from "../domain/settlement/reconciliation";
import { packMasterWrites } from "./sqlite-master";
import type { SendToWriter } from "./sqlite-orders";
import type { MasterWrite } from "./types";
import type {
  AppliedPayment,
  CountRecord,
  CreditNoteRecord,
  DocumentQuery,
  LinkRecord,
  MovementWriteResult,
  ReconciliationRun,
  RmaRecord,
  SettlementDocument,
  SettlementStore,
} from "./settlement-types";

export class SqliteSettlementStore implements SettlementStore {
  constructor(private readonly send: SendToWriter) {}

  /**
   * `args` must not use `id` (the writer thread answers by the message id) nor another part's mark (`invoices`,
   * `orders`, `master` …: the writer hands a message with one to that part).
   */
  private async ask<T>(operation: string, args: Record<string, unknown> = {}): Promise<T> {
    return (await this.send({ settlement: operation, ...args })) as T;
  }

  movements(customer: string, site: string): Promise<Movement[]> {
    return this.ask("movements", { customer, site });
  }

  sites(customer?: string): Promise<Array<{ customer: string; site: string }>> {
    return this.ask("sites", { customer });
  }

  recordMovements(movements: readonly Movement[], expected: number, now: number): Promise<MovementWriteResult> {
    return this.ask("recordMovements", { movements: [...movements], expected, now });
  }

  recordCount(count: CountRecord): Promise<{ outcome: "recorded" } | { outcome: "repeat"; record: CountRecord }> {
    return this.ask("recordCount", { count });
  }

  counts(customer: string, site: string): Promise<CountRecord[]> {
    return this.ask("counts", { customer, site });
  }

  recordRma(rma: RmaRecord): Promise<{ outcome: "recorded" } | { outcome: "exists"; record: RmaRecord }> {
    return this.ask("recordRma", { rma });
  }

  async rma(rma: string): Promise<RmaRecord | undefined> {
    return (await this.ask<RmaRecord | null>("rma", { rma })) ?? undefined;
  }

  rmasForOrder(orderKey: string): Promise<RmaRecord[]> {
    return this.ask("rmasForOrder", { orderKey });
  }

  recordCreditNote(note: CreditNoteRecord, master: readonly MasterWrite[] = []): Promise<{ outcome: "recorded" } | { outcome: "exists"; record: CreditNoteRecord }> {
    return this.ask("recordCreditNote", { note, masterWrites: packMasterWrites(master) });
  }

  creditNotes(query: { rma?: string; customer?: string }): Promise<CreditNoteRecord[]> {
    return this.ask("creditNotes", { query });
  }

  recordDocument(doc: SettlementDocument): Promise<"recorded" | "repeat"> {
    return this.ask("recordDocument", { doc });
  }

  documents(query: DocumentQuery): Promise<SettlementDocument[]> {
    return this.ask("documents", { query });
  }

  recordAllocations(allocations: readonly AppliedPayment[], now: number): Promise<"recorded" | "repeat"> {
    return this.ask("recordAllocations", { allocations: [...allocations], now });
  }

  allocations(query: { customer?: string; invoices?: readonly string[] }): Promise<AppliedPayment[]> {
    return this.ask("allocations", { query: { ...query, ...(query.invoices ? { invoices: [...query.invoices] } : {}) } });
  }

  saveRun(date: string, report: ReconciliationReport, now: number): Promise<number> {
    return this.ask("saveRun", { date, report, now });
  }

  async run(id: number): Promise<ReconciliationRun | undefined> {
    return (await this.ask<ReconciliationRun | null>("run", { runId: id })) ?? undefined;
  }

  async previousRun(id: number): Promise<ReconciliationRun | undefined> {
    return (await this.ask<ReconciliationRun | null>("previousRun", { runId: id })) ?? undefined;
  }

  async dunningSent(invoices: readonly string[]): Promise<Map<string, DunningLevel[]>> {
    return new Map(await this.ask<Array<[string, DunningLevel[]]>>("dunningSent", { invoiceIds: [...invoices] }));
  }

  recordNotices(notices: readonly DunningNotice[], now: number): Promise<DunningNotice[]> {
    return this.ask("recordNotices", { notices: [...notices], now });
  }

  recordLinks(links: readonly LinkRecord[]): Promise<{ created: string[]; links: LinkRecord[] }> {
    return this.ask("recordLinks", { links: [...links] });
  }

  links(orderKey: string): Promise<LinkRecord[]> {
    return this.ask("links", { orderKey });
  }
}
