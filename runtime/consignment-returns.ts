import type { Invoice } from "../domain/fulfilment/invoice";
import { SettlementError } from "../domain/settlement/common";
import type { MovementDocument } from "../domain/settlement/consignment";
import type { HubStore } from "../store/types";
import type { MasterDataService } from "./master-data";
import { creditedEvent } from "./returns-wms";
import { authoriseReturn, NotFound, receiveReturn } from "./settlement-returns";

/**
 * A consignment return (docs/SETTLEMENT.md, "Consignment"): goods the customer used, and was invoiced for through its
 * consumption report, come back to our warehouse. The site's ledger takes them off what was issued; the credit note
 * is the returns' own (runtime/settlement-returns.ts): an RMA against the issue's invoice, authorised and received at
 * once with what came back, so the same checks apply (never more than was invoiced and not returned before) and the
 * same document again is the same credit note. Its `return.credited` takes it to finance and ERP.
 */

/** What a return names so its credit note can be found: the consumption report it returns goods of, or that report's invoice. */
export interface ReturnReference {
  /** The consumption report (the consignment-issue order's number). */
  issue?: string;
  invoice?: string;
}

/** The RMA a consignment return is credited under: one per customer, site and return document. */
export const consignmentRma = (doc: Pick<MovementDocument, "customer" | "site" | "document">) => `consignment-return/${doc.customer}/${doc.site}/${doc.document}`;

async function invoiceOf(store: HubStore, doc: MovementDocument, ref: ReturnReference): Promise<string> {
  if (ref.invoice) return ref.invoice;
  const invoices = (await store.invoices.forOrder(`${doc.customer}/${ref.issue}`)).sort((a, b) => b.recordedAt - a.recordedAt);
  const bills = (summary: string) => {
    const skus = new Set((JSON.parse(summary) as Invoice).lines.filter((l) => l.quantity > 0).map((l) => l.sku));
    return doc.lines.every((l) => skus.has(l.sku));
  };
  const billed = invoices.find((i) => bills(i.summary));
  if (!billed) {
    throw new NotFound(
      `consignment return ${doc.document}: consumption report ${ref.issue} of customer ${doc.customer} has no invoice billing ${doc.lines.map((l) => l.sku).join(", ")} yet; send the return again once it is invoiced`,
    );
  }
  return billed.invoiceId;
}

/** The reference in a return's body, or a SettlementError saying what the return must name. */
export function returnReference(body: Record<string, unknown>, document: string): ReturnReference {
  const issue = typeof body.issue === "string" && body.issue ? body.issue : undefined;
  const invoice = typeof body.invoice === "string" && body.invoice ? body.invoice : undefined;
  if (!issue && !invoice) throw new SettlementError(`return ${document}: issue (the consumption report the goods were billed on) or invoice is required, for the credit note`);
  return { ...(issue ? { issue } : {}), ...(invoice ? { invoice } : {}) };
}

/** The credit note for what came back, once per return document, and the `return.credited` event that takes it on. */
export async function creditConsignmentReturn(store: HubStore, master: MasterDataService, doc: MovementDocument, ref: ReturnReference, warehouse?: string) {
  const invoice = await invoiceOf(store, doc, ref);
  const record = await store.invoices.get(invoice);
  if (!record) throw new NotFound(`consignment return ${doc.document}: invoice ${invoice}: the hub issued no invoice with this number`);
  const lines = doc.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
  const rma = { rma: consignmentRma(doc), orderKey: record.orderKey, customer: doc.customer, invoice, reason: `consignment return ${doc.document} from site ${doc.site}`, lines };
  const authorised = await authoriseReturn(store, rma);
  if (authorised.outcome === "refused") throw new SettlementError(`consignment return ${doc.document}: ${authorised.reasons.join("; ")}`);
  const received = await receiveReturn(store, master, rma.rma, { document: doc.document, at: doc.at, ...(warehouse ? { warehouse } : {}), lines }, doc.at);
  if (received.outcome === "nothing-to-credit") throw new SettlementError(`consignment return ${doc.document}: ${received.reasons.join("; ")}`);
  return { rma: rma.rma, creditNote: received.creditNote, credited: creditedEvent(received) };
}
