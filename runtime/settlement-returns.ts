import type { Invoice } from "../domain/fulfilment/invoice";
import type { Supply } from "../domain/master/types";
import { SettlementError } from "../domain/settlement/common";
import { intercompanyOrderDocuments, mirrorChange, mirrorSellerDocument, type Company, type IntercompanyOrder, type SellerDocument, type Side, type TransferPrice } from "../domain/settlement/intercompany";
import { checkRma, creditNoteFor, creditNoteVoucher, type GoodsReceipt, type Rma } from "../domain/settlement/returns";
import { ublCreditNoteXml } from "../domain/settlement/ubl-credit-note";
import type { LinkRecord } from "../store/settlement-types";
import type { HubStore } from "../store/types";
import type { MasterDataService } from "./master-data";

/**
 * Returns and inter-company documents at work: each reads what its rule needs from the store, asks the rule in
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
    const creditNote = JSON.parse(known.summary);
    return { outcome: "repeat" as const, creditNote, xml: known.xml, voucher: creditNoteVoucher(creditNote) };
  }
  const result = creditNoteFor(record, receipt, invoice, before.flatMap((n) => n.lines), issueDate);
  if (result.outcome !== "credit-note") return result;
  const cn = result.creditNote;
  const xml = ublCreditNoteXml(cn);
  const voucher = creditNoteVoucher(cn);
  const written = await store.settlement.recordCreditNote({
    creditNoteId: cn.creditNoteId, rma: rmaId, receipt: receipt.document, invoice: invoice.invoiceId, customer: record.customer, amount: cn.totals.payable, currency: cn.currency,
    issuedAt: issueDate, lines: cn.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity })), summary: JSON.stringify(cn), xml, recordedAt: now,
  });
  if (written.outcome === "exists") return { outcome: "repeat" as const, creditNote: JSON.parse(written.record.summary), xml: written.record.xml, voucher };
  await restoreStockAndCredit(master, receipt, record.customer, cn.creditNoteId, cn.totals.payable);
  return { outcome: "credit-note" as const, creditNote: cn, xml, voucher };
}

/** What came back goes on hand in the receiving warehouse (else the first by priority); the credit lowers the exposure. */
async function restoreStockAndCredit(master: MasterDataService, receipt: GoodsReceipt, customer: string, creditNoteId: string, amount: number): Promise<void> {
  const index = await master.ready();
  const warehouse = receipt.warehouse ?? [...index.warehouses.values()].sort((a, b) => a.priority - b.priority)[0]?.id;
  if (warehouse) {
    const supply = master.records("supply") as Supply[];
    const records = receipt.lines.map((l) => {
      const onHand = supply.find((s) => s.sku === l.sku && s.warehouse === warehouse && s.type === "on-hand" && !s.date);
      return { sku: l.sku, warehouse, type: "on-hand", quantity: (onHand?.quantity ?? 0) + l.quantity };
    });
    await master.upsert("supply", records, `return ${receipt.document}`);
  }
  if (index.customers.has(customer)) await master.upsert("openItems", [{ customer, type: "invoice", document: creditNoteId, amount: -amount }], `credit note ${creditNoteId}`);
}

/** The group's companies (master data for inter-company orders), each with the transfer prices it sells at. */
export type GroupCompany = Company & { transferPrices?: TransferPrice[] };

async function group(store: HubStore): Promise<{ companies: GroupCompany[]; prices: (seller: string) => TransferPrice[] }> {
  const companies = (await store.settlement.companies()) as GroupCompany[];
  return { companies, prices: (seller) => companies.find((c) => c.id === seller)?.transferPrices ?? [] };
}

const link = (orderKey: string, source: string, d: ReturnType<typeof intercompanyOrderDocuments>["salesOrder"], now: number): LinkRecord => ({
  orderKey, kind: d.kind, source, side: d.side, document: d.id, body: d, recordedAt: now,
});

/** B's sales order and A's purchase order, each once however often the order comes. */
export async function placeIntercompanyOrder(store: HubStore, order: IntercompanyOrder, now = Date.now()) {
  const g = await group(store);
  const { salesOrder, purchaseOrder } = intercompanyOrderDocuments(order, g.companies, g.prices(order.seller));
  return store.settlement.recordLinks([link(order.orderKey, order.orderKey, salesOrder, now), link(order.orderKey, order.orderKey, purchaseOrder, now)]);
}

async function placedOrder(store: HubStore, orderKey: string): Promise<IntercompanyOrder> {
  const so = (await store.settlement.links(orderKey)).find((l) => l.kind === "sales-order");
  if (!so) throw new NotFound(`intercompany order ${orderKey}: not placed (POST /api/intercompany/orders first)`);
  const po = (await store.settlement.links(orderKey)).find((l) => l.kind === "purchase-order")!;
  const parts = orderKey.split("/");
  return { orderKey, orderNumber: parts.slice(1, -1).join("/"), buyer: po.body.company, seller: so.body.company, issueDate: "", lines: so.body.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity })) };
}

/** B's delivery or invoice mirrored on A's side, or a change or cancellation from one side on the other: once per source document. */
export async function mirrorIntercompany(store: HubStore, orderKey: string, input: { from: Side; kind: SellerDocument["kind"] | "change" | "cancel"; document: string; lines?: SellerDocument["lines"]; amount?: number }, now = Date.now()) {
  const order = await placedOrder(store, orderKey);
  const g = await group(store);
  const prices = g.prices(order.seller);
  if (input.kind === "delivery" || input.kind === "invoice") {
    if (input.from !== "seller") throw new SettlementError(`intercompany order ${orderKey}: a ${input.kind} comes from the seller's side (${order.seller})`);
    const { document, notes } = mirrorSellerDocument(order, { kind: input.kind, document: input.document, lines: input.lines ?? [], ...(input.amount !== undefined ? { amount: input.amount } : {}) }, g.companies, prices);
    return { ...(await store.settlement.recordLinks([link(orderKey, input.document, document, now)])), notes };
  }
  const document = mirrorChange(order, input.from, { document: input.document, purpose: input.kind, ...(input.lines ? { lines: input.lines } : {}) }, g.companies, prices);
  return { ...(await store.settlement.recordLinks([link(orderKey, input.document, document, now)])), notes: [] as string[] };
}
