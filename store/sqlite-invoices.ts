// Invoices on their way to and from the writer thread (store/sqlite-invoices.cjs): an operation and its arguments go,
// plain records come back.
import type { InvoicePayment, InvoiceRecord, InvoiceRecordResult, InvoiceStore } from "./invoice-types";
import type { SendToWriter } from "./sqlite-orders";

export class SqliteInvoiceStore implements InvoiceStore {
  constructor(private readonly send: SendToWriter) {}

  async record(invoice: InvoiceRecord, expected: number): Promise<InvoiceRecordResult> {
    return (await this.send({ invoices: "record", invoice, expected })) as InvoiceRecordResult;
  }

  async get(invoiceId: string): Promise<InvoiceRecord | undefined> {
    return ((await this.send({ invoices: "get", invoiceId })) as InvoiceRecord | null) ?? undefined;
  }

  async forOrder(orderRef: string): Promise<InvoiceRecord[]> {
    return (await this.send({ invoices: "order", orderRef })) as InvoiceRecord[];
  }

  async payments(invoiceIds: readonly string[]): Promise<InvoicePayment[]> {
    return (await this.send({ invoices: "payments", invoiceIds: [...invoiceIds] })) as InvoicePayment[];
  }
}
