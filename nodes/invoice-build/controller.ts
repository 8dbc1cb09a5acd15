import { buildInvoice, invoicedLines, type Invoice, type Shipment } from "../../domain/fulfilment/invoice";
import { ublInvoiceXml } from "../../domain/fulfilment/ubl-invoice";
import type { Party } from "../../domain/order/canonical-order";
import { getHubStore } from "../../store";
import type { InvoiceRecord } from "../../store/invoice-types";
import { evaluationDate, type RuleNodeConfig } from "../shared/order-rules";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import type { HubMessage, Node, NodeAPI } from "../shared/types";
import { announceEvent, earlierOf, invoicesOf, masterIndex, orderKeyOf, orderRefOf, PerOrder, releasedOrder, summaryOf } from "./order-facts";

export interface InvoiceBuildConfig extends RuleNodeConfig {
  supplierName?: string;
  supplierId?: string;
  supplierGln?: string;
  supplierTaxId?: string;
  supplierStreet?: string;
  supplierCity?: string;
  supplierPostalCode?: string;
  supplierCountry?: string;
}

export const INVOICED = "order.invoiced";
/** A shipment's invoice is recorded against a changed count of the order's invoices at most this often before giving up. */
const ATTEMPTS = 5;

function shipmentOf(msg: HubMessage): Shipment {
  const p = msg.payload as Partial<Shipment> | undefined;
  const problem =
    typeof p !== "object" || p === null ? "msg.payload is not an object" : typeof p.document !== "string" || p.document === "" ? "it has no document (the shipment's id)" : !Array.isArray(p.lines) ? "it has no lines" : undefined;
  if (problem) throw new Error(`invoice-build: msg.payload must be an order.shipped event (orderKey, document, lines): ${problem}`);
  return { document: p!.document!, ...(typeof p!.deliveryNote === "string" ? { deliveryNote: p!.deliveryNote } : {}), lines: p!.lines! };
}

function supplierOf(c: InvoiceBuildConfig): Party | undefined {
  if (!c.supplierName) return undefined;
  const address = { street: c.supplierStreet || undefined, city: c.supplierCity || undefined, postalCode: c.supplierPostalCode || undefined, country: c.supplierCountry || undefined };
  return { name: c.supplierName, id: c.supplierId || undefined, gln: c.supplierGln || undefined, taxId: c.supplierTaxId || undefined, address };
}

/** What the node puts on the message for an invoice: the UBL XML, the invoice, and the `order.invoiced` event. */
export function invoiceMessage(msg: HubMessage, invoice: Invoice, xml: string, repeat: boolean): void {
  msg.payload = xml;
  msg.invoice = invoice;
  msg.contentType = "application/xml";
  msg.headers = { ...(msg.headers as object | undefined), "content-type": "application/xml" };
  msg.repeat = repeat;
  announceEvent(msg, INVOICED, { orderKey: invoice.orderKey, orderNumber: invoice.orderNumber, buyer: invoice.buyer, document: invoice.invoiceId }, {
    amount: invoice.totals.payable,
    currency: invoice.currency,
    lines: invoicedLines(invoice),
    shipment: invoice.shipment,
    deliveryNote: invoice.deliveryNote,
  });
}

/**
 * invoice-build: an `order.shipped` → the invoice for what shipped (domain/fulfilment/invoice.ts) as a UBL 2.1 Invoice.
 * The released order comes from the order book, what earlier shipments of the order billed from the invoices table;
 * the invoice is recorded there before it goes on, so a repeated `order.shipped` gives the recorded invoice again
 * (msg.repeat true) and never a second one. Output 1: the invoice; output 2: nothing to invoice (msg.reasons).
 */
export class InvoiceBuildController {
  private readonly perOrder = new PerOrder();

  constructor(_RED: NodeAPI, node: Node, config: InvoiceBuildConfig) {
    const status = new OutcomeStatus(node, ["invoiced", "repeated", "nothing to invoice"]);
    const supplier = supplierOf(config);
    onAsyncInput(node, status, async (msg, send) => {
      const shipment = shipmentOf(msg);
      const orderKey = orderKeyOf(msg, "invoice-build");
      const issueDate = evaluationDate(config, msg, "invoice-build");
      await this.perOrder.run(orderRefOf(orderKey), async () => {
        const [released, master] = await Promise.all([releasedOrder(orderKey), masterIndex()]);
        for (let attempt = 1; ; attempt++) {
          const invoices = await invoicesOf(orderKey);
          const result = buildInvoice({ orderKey, order: released.order, shipment, earlier: earlierOf(invoices), issueDate, supplier }, master);
          if (result.outcome === "nothing-to-invoice") {
            msg.reasons = result.reasons;
            status.count("nothing to invoice");
            return send([null, msg]);
          }
          if (result.outcome === "already-invoiced") {
            const known = invoices.find((i) => i.invoiceId === result.invoiceId)!;
            status.count("repeated");
            invoiceMessage(msg, summaryOf(known), known.xml, true);
            return send([msg, null]);
          }
          const invoice = result.invoice;
          const xml = ublInvoiceXml(invoice);
          const record: InvoiceRecord = {
            invoiceId: invoice.invoiceId,
            orderRef: orderRefOf(orderKey),
            orderKey,
            shipment: invoice.shipment,
            deliveryNote: invoice.deliveryNote,
            lines: invoicedLines(invoice),
            amount: invoice.totals.payable,
            currency: invoice.currency,
            issuedAt: invoice.issueDate,
            recordedAt: Date.now(),
            summary: JSON.stringify(invoice),
            xml,
          };
          const written = await getHubStore().invoices.record(record, invoices.length);
          if (written.outcome === "recorded") {
            status.count("invoiced");
            invoiceMessage(msg, invoice, xml, false);
            return send([msg, null]);
          }
          if (written.outcome === "exists") {
            status.count("repeated");
            invoiceMessage(msg, summaryOf(written.record), written.record.xml, true);
            return send([msg, null]);
          }
          if (attempt >= ATTEMPTS) throw new Error(`invoice-build: order ${orderKey}'s invoices kept changing while invoicing shipment ${shipment.document} (${attempt} attempts): send it again`);
        }
      });
    });
  }
}
