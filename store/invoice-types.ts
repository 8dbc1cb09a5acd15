/**
 * Invoices the hub issued (schema step 12, "settlement"): one row per invoice, keyed by its id, with what it billed
 * per order line, so that a repeated `order.shipped` finds its invoice instead of billing again, and the next shipment
 * of the order bills only the rest. Part of HubStore (types.ts).
 */

export interface InvoiceRecord {
  invoiceId: string;
  /** `<buyer>/<order number>`: the order across its revisions. */
  orderRef: string;
  orderKey: string;
  /** The shipment's document, and the delivery note it shipped. */
  shipment: string;
  deliveryNote: string;
  /** What it billed, per order line. */
  lines: Array<{ lineNumber: string; quantity: number }>;
  /** The payable amount. */
  amount: number;
  currency: string;
  /** The invoice date (a day). */
  issuedAt: string;
  /** Epoch ms. */
  recordedAt: number;
  /** The invoice as domain/fulfilment/invoice.ts makes it, as JSON. */
  summary: string;
  /** The UBL 2.1 Invoice sent to finance. */
  xml: string;
}

/** A payment the order book applied that names an invoice. */
export interface InvoicePayment {
  payment: string;
  invoice: string;
  amount: number;
  customer: string;
  appliedAt: number;
}

/**
 * `recorded`: written. `exists`: an invoice with the id was recorded before (`record` is it): nothing written.
 * `moved`: another invoice of the order was recorded since the caller read them (`invoices` the order has now):
 * build again on those and record again.
 */
export type InvoiceRecordResult = { outcome: "recorded" } | { outcome: "exists"; record: InvoiceRecord } | { outcome: "moved"; invoices: number };

export interface InvoiceStore {
  /** Records the invoice if the order still has `expected` invoices (compare-and-set on the order's invoices). */
  record(invoice: InvoiceRecord, expected: number): Promise<InvoiceRecordResult>;
  get(invoiceId: string): Promise<InvoiceRecord | undefined>;
  /** The order's invoices, all revisions, oldest first. */
  forOrder(orderRef: string): Promise<InvoiceRecord[]>;
  /** Payments applied to these invoices (the order book's payments that name one of them). */
  payments(invoiceIds: readonly string[]): Promise<InvoicePayment[]>;
}
