import type { Invoice } from "../domain/fulfilment/invoice";
import type { OpenItem, Supply } from "../domain/master/types";
import { SettlementError } from "../domain/settlement/common";
import { checkRma, creditNoteFor, creditNoteVoucher, type CreditNote, type GoodsReceipt, type Rma } from "../domain/settlement/returns";
import { ublCreditNoteXml } from "../domain/settlement/ubl-credit-note";
import { settlementDocumentsTotal } from "../observability/metrics";
import type { HubStore, MasterWrite } from "../store/types";
import type { MasterDataService } from "./master-data";

/**
 * Returns at work: each reads what its rule needs from the store, asks the rule in
 * domain/settlement/, and writes the result once.
 */

export class NotFound extends Error {
  override name = "NotFound";
}

async function invoiceOf(store: HubStore, invoiceId: string): Promise<Invoice> {
  const record = await store.invoices.get(invoiceId);
  if (!record) throw new NotFound(`invoice ${invoiceId}: the hub issued no invoice with this number`);
  return JSON.parse(record.summary) as Invoice;
}

/** An RMA checked against the invoice's delivery and the earlier RMAs of that invoice, recorded once. */
export async function authoriseReturn(store: HubStore, rma: Rma, now = Date.now()) {
  const known = await store.settlement.rma(rma.rma);
  if (known) return { outcome: "exists" as const, rma: known };
  const invoice = await invoiceOf(store, rma.invoice);
  if (invoice.orderKey !== rma.orderKey) throw new SettlementError(`rma ${rma.rma}: invoice ${rma.invoice} bills order ${invoice.orderKey}, not ${rma.orderKey}`);
  const delivered = invoice.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity }));
  const earlier = (await store.settlement.rmasForOrder(rma.orderKey)).filter((r) => r.invoice === rma.invoice && r.status !== "cancelled");
  const check = checkRma(rma, delivered, earlier.flatMap((r) => r.lines));
  if (check.outcome === "refused") return { outcome: "refused" as const, reasons: check.reasons };
  const record = { ...rma, lines: check.lines, status: "authorised" as const, createdAt: now };
  const written = await store.settlement.recordRma(record);
  return written.outcome === "exists" ? { outcome: "exists" as const, rma: written.record } : { outcome: "authorised" as const, rma: record };
}

/**
 * The warehouse's goods receipt under an RMA: the credit note for what was received (UBL 2.1 CreditNote), its AR
 * voucher, the stock received back on hand and the credit as a negative open item of the customer, once per receipt.
 */
export async function receiveReturn(store: HubStore, master: MasterDataService, rmaId: string, receipt: GoodsReceipt, issueDate: string, now = Date.now()) {
  const record = await store.settlement.rma(rmaId);
  if (!record) throw new NotFound(`rma ${rmaId}: no such return authorisation`);
  if (record.status === "cancelled") throw new SettlementError(`rma ${rmaId} was cancelled: nothing is credited for it`);
  const invoice = await invoiceOf(store, record.invoice);
  const before = (await store.settlement.creditNotes({ rma: rmaId })).filter((n) => n.receipt !== receipt.document);
  const known = (await store.settlement.creditNotes({ rma: rmaId })).find((n) => n.receipt === receipt.document);
  if (known) {
    const creditNote = JSON.parse(known.summary) as CreditNote;
    return { outcome: "repeat" as const, creditNote, xml: known.xml, voucher: creditNoteVoucher(creditNote) };
  }
  const result = creditNoteFor(record, receipt, invoice, before.flatMap((n) => n.lines), issueDate);
  if (result.outcome !== "credit-note") return result;
  const cn = result.creditNote;
  const xml = ublCreditNoteXml(cn);
  const voucher = creditNoteVoucher(cn);
  const restore = await stockAndCredit(master, receipt, record.customer, cn.creditNoteId, cn.totals.payable);
  const written = await store.settlement.recordCreditNote(
    {
      creditNoteId: cn.creditNoteId, rma: rmaId, receipt: receipt.document, invoice: invoice.invoiceId, customer: record.customer, amount: cn.totals.payable, currency: cn.currency,
      issuedAt: issueDate, lines: cn.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity })), summary: JSON.stringify(cn), xml, recordedAt: now,
    },
    restore,
  );
  settlementDocumentsTotal.inc({ kind: "credit-note", outcome: written.outcome === "exists" ? "repeat" : "written" });
  if (written.outcome === "exists") return { outcome: "repeat" as const, creditNote: JSON.parse(written.record.summary), xml: written.record.xml, voucher };
  // the store holds it already; the master data's memory and index take the same records
  await master.applyBundle(Object.fromEntries(restore.map((w) => [w.kind, "records" in w ? w.records : []])), "upsert", `return ${receipt.document} (credit note ${cn.creditNoteId})`);
  return { outcome: "credit-note" as const, creditNote: cn, xml, voucher };
}

/**
 * What came back goes on hand in the receiving warehouse (else the first by priority), and the credit lowers the
 * customer's exposure as a negative open item under the credit note's number: master data written in the credit
 * note's own transaction, so a crash leaves both or neither, and a repeated receipt restores nothing again.
 */
async function stockAndCredit(master: MasterDataService, receipt: GoodsReceipt, customer: string, creditNoteId: string, amount: number): Promise<MasterWrite[]> {
  const index = await master.ready();
  const warehouse = receipt.warehouse ?? [...index.warehouses.values()].sort((a, b) => a.priority - b.priority)[0]?.id;
  const received = new Map<string, number>();
  for (const l of receipt.lines) received.set(l.sku, (received.get(l.sku) ?? 0) + l.quantity);
  const onHand = master.records("supply") as Supply[];
  const supply = warehouse
    ? [...received].map(([sku, quantity]) => {
        const held = onHand.find((s) => s.sku === sku && s.warehouse === warehouse && s.type === "on-hand" && !s.date);
        return { sku, warehouse, type: "on-hand" as const, quantity: (held?.quantity ?? 0) + quantity };
      })
    : [];
  const openItems: OpenItem[] = [{ customer, type: "invoice", document: creditNoteId, amount: -amount }];
  return [...(supply.length ? [{ kind: "supply" as const, mode: "upsert" as const, records: supply }] : []), { kind: "openItems", mode: "upsert", records: openItems }];
}
