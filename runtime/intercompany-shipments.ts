import { documentId } from "../domain/fulfilment/ids";
import type { Company } from "../domain/master/types";
import { SettlementError } from "../domain/settlement/common";
import type { HubStore } from "../store/types";
import type { MasterDataService } from "./master-data";
import { mirrorIntercompany, type IntercompanyEvent } from "./intercompany";

/**
 * An inter-company order the home company sells is shipped by the hub (runtime/intercompany.ts, `homeDelivery`): the
 * WMS's `wms.intercompany.shipped` (what really left) is B's delivery, mirrored as A's goods receipt; once A's ERP has
 * booked that receipt (`intercompany.goods-received`), the home company invoices what was received at the transfer
 * price, mirrored as A's supplier invoice. Each once per document: a repeated message gives the same events.
 */

interface Body {
  [field: string]: unknown;
}

const linesOf = (raw: unknown): Array<{ lineNumber: string; sku: string; quantity: number }> =>
  (Array.isArray(raw) ? (raw as Body[]) : [])
    .map((l) => ({ lineNumber: String(l.lineNumber ?? ""), sku: String(l.sku ?? ""), quantity: Number(l.quantity ?? 0) }))
    .filter((l) => l.sku && l.quantity > 0);

/** B's delivery from the WMS's report, mirrored for A's goods receipt; undefined when nothing left the warehouse. */
export async function shippedDelivery(store: HubStore, master: MasterDataService, body: Body): Promise<IntercompanyEvent | undefined> {
  const orderKey = typeof body.orderKey === "string" ? body.orderKey : "";
  const deliveryNote = typeof body.deliveryNote === "string" ? body.deliveryNote : "";
  if (!orderKey || !deliveryNote) throw new SettlementError(`wms.intercompany.shipped: orderKey and deliveryNote are required (has ${JSON.stringify({ orderKey, deliveryNote })})`);
  const lines = linesOf(body.lines);
  if (lines.length === 0) return undefined;
  const at = typeof body.at === "string" ? body.at.slice(0, 10) : new Date().toISOString().slice(0, 10);
  return (await mirrorIntercompany(store, master, orderKey, { from: "seller", kind: "delivery", document: deliveryNote, lines, at })).event;
}

/**
 * The home company's invoice for what A received, mirrored for A's supplier invoice; undefined when the seller is not
 * the home company (its own systems send its invoice).
 */
export async function homeInvoice(store: HubStore, master: MasterDataService, body: Body): Promise<IntercompanyEvent | undefined> {
  const orderKey = typeof body.orderKey === "string" ? body.orderKey : "";
  const delivery = typeof body.counterpart === "string" ? body.counterpart : "";
  if (!orderKey || !delivery) throw new SettlementError(`intercompany.goods-received: orderKey and counterpart (the seller's delivery) are required (has ${JSON.stringify({ orderKey, delivery })})`);
  await master.ready();
  const links = await store.settlement.links(orderKey);
  const seller = links.find((l) => l.kind === "sales-order")?.body.company;
  if (!(master.records("companies") as Company[]).find((c) => c.id === seller)?.home) return undefined;
  const receipt = links.find((l) => l.kind === "goods-receipt" && l.source === delivery)?.body;
  if (!receipt) throw new SettlementError(`intercompany order ${orderKey}: no goods receipt of delivery ${delivery} is recorded`);
  const invoice = documentId("ICIN", orderKey, delivery);
  const at = typeof body.at === "string" ? body.at.slice(0, 10) : new Date().toISOString().slice(0, 10);
  const lines = receipt.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity }));
  return (await mirrorIntercompany(store, master, orderKey, { from: "seller", kind: "invoice", document: invoice, lines, amount: receipt.amount, at })).event;
}
