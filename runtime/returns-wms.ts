import { SettlementError } from "../domain/settlement/common";
import type { CreditNote, GoodsReceipt, Rma } from "../domain/settlement/returns";
import type { HubStore } from "../store/types";
import type { MasterDataService } from "./master-data";
import { receiveReturn } from "./settlement-returns";

/**
 * Returns through the WMS (docs/SETTLEMENT.md, "Returns through the WMS"): an authorised RMA is announced as
 * `return.authorised` (the flow sends the WMS its return notice), the WMS's `wms.return-received` is the goods receipt,
 * recorded as `POST /api/returns/{rma}/receipt` records it, and its credit note goes on as `return.credited`.
 */

/** The event of an authorised RMA, the same under the same message id each time it is announced. */
export function authorisedEvent(rma: Rma & { status?: string }): { messageId: string; event: Record<string, unknown> } {
  const event = {
    event: "return.authorised", system: "hub", document: rma.rma, rma: rma.rma, orderKey: rma.orderKey, customer: rma.customer, invoice: rma.invoice, reason: rma.reason,
    lines: rma.lines.map((l) => ({ ...(l.lineNumber ? { lineNumber: l.lineNumber } : {}), sku: l.sku, quantity: l.quantity })),
  };
  return { messageId: `return.authorised/${rma.rma}`, event };
}

/** The event that takes a credit note on to finance (the UBL CreditNote) and ERP (the AR voucher), once per credit note. */
export function creditedEvent(result: { creditNote: CreditNote; xml: string; voucher: unknown }): { messageId: string; event: Record<string, unknown> } {
  const cn = result.creditNote;
  const event = {
    event: "return.credited", orderKey: cn.orderKey, orderNumber: cn.orderNumber, buyer: cn.buyer, system: "hub", document: cn.creditNoteId, rma: cn.rma, receipt: cn.receipt, invoice: cn.invoiceId,
    amount: cn.totals.payable, currency: cn.currency, at: cn.issueDate, lines: cn.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity })), xml: result.xml, voucher: result.voucher,
  };
  return { messageId: `return.credited/${cn.creditNoteId}`, event };
}

/** The goods receipt in a `wms.return-received` body, or a SettlementError naming the field and the value. */
export function receiptOfWms(body: Record<string, unknown>): { rma: string; receipt: GoodsReceipt } {
  const rma = body.rma;
  if (typeof rma !== "string" || !rma) throw new SettlementError(`wms.return-received: rma must name the return authorisation (is ${JSON.stringify(rma)})`);
  const document = body.document;
  if (typeof document !== "string" || !document) throw new SettlementError(`wms.return-received for rma ${rma}: document (the goods receipt) is required (is ${JSON.stringify(document)})`);
  if (!Array.isArray(body.lines)) throw new SettlementError(`wms.return-received ${document}: lines must be a list`);
  const lines = (body.lines as Array<Record<string, unknown>>).map((l, i) => {
    if (typeof l?.sku !== "string" || typeof l.quantity !== "number" || !(l.quantity >= 0)) throw new SettlementError(`wms.return-received ${document}: lines[${i}] needs a sku and a quantity of 0 or more (is ${JSON.stringify(l)})`);
    return { ...(typeof l.lineNumber === "string" ? { lineNumber: l.lineNumber } : {}), sku: l.sku, quantity: l.quantity };
  });
  const at = typeof body.at === "string" && body.at ? body.at.slice(0, 10) : "";
  if (!at) throw new SettlementError(`wms.return-received ${document}: at (the day received) is required`);
  const warehouse = typeof body.warehouse === "string" && body.warehouse ? { warehouse: body.warehouse } : {};
  return { rma, receipt: { document, at, ...warehouse, lines: lines.filter((l) => l.quantity > 0) } };
}

/** Records the WMS's goods receipt as the REST route does: a credit note once per receipt, or nothing to credit. */
export async function receiveWmsReturn(store: HubStore, master: MasterDataService, body: Record<string, unknown>) {
  const { rma, receipt } = receiptOfWms(body);
  if (receipt.lines.length === 0) return { outcome: "nothing-to-credit" as const, reasons: [`receipt ${receipt.document} under rma ${rma}: the WMS received nothing`], rma, receipt: receipt.document };
  const result = await receiveReturn(store, master, rma, receipt, receipt.at);
  if (result.outcome === "nothing-to-credit") return { ...result, rma, receipt: receipt.document };
  return { ...result, credited: creditedEvent(result) };
}
