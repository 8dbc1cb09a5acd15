import type { Shipment } from "../../domain/fulfilment/invoice";
import { orderClose, type ClosePayment } from "../../domain/fulfilment/order-close";
import { getHubStore } from "../../store";
import { announceEvent, invoicesOf, latestOrder, OrderFactsError } from "../invoice-build/order-facts";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import type { HubMessage, Node, NodeAPI, NodeDef } from "../shared/types";

export type OrderCloseConfig = NodeDef;

export const CLOSED = "order.closed";

interface OrderEventBody {
  event?: string;
  orderKey?: string;
  document?: string;
  invoice?: string;
  amount?: number;
  lines?: Shipment["lines"];
}

/**
 * The order the message is about: its orderKey, else (a payment) the order of the invoice it pays; undefined for a
 * payment of no invoice the hub issued (one on account, or of an invoice from before the hub): no order to close.
 */
async function orderKeyFor(body: OrderEventBody, msg: HubMessage): Promise<string | undefined> {
  const key = body.orderKey ?? msg.orderKey;
  if (typeof key === "string" && key) return key;
  if (typeof body.invoice === "string") {
    const record = await getHubStore().invoices.get(body.invoice);
    if (record) return record.orderKey;
  }
  if (body.event === "payment.received" || msg.topic === "payment.received") return undefined;
  throw new OrderFactsError("order-close: msg.payload must be an order event with an orderKey, or a payment.received naming an invoice");
}

/**
 * order-close: after any order-to-cash event, is the order done (domain/fulfilment/order-close.ts)? Reads the order's
 * latest revision, the invoices the hub issued for it (and the shipments they billed), and the payments the order book
 * applied to them; the message's own shipment or payment counts too. Output 1: closed, msg.event the `order.closed`;
 * output 2: still open, msg.orderClose saying what is open.
 */
export class OrderCloseController {
  constructor(_RED: NodeAPI, node: Node, _config: OrderCloseConfig) {
    const status = new OutcomeStatus(node, ["closed", "open"]);
    onAsyncInput(node, status, async (msg, send) => {
      const body = (typeof msg.payload === "object" && msg.payload !== null ? msg.payload : {}) as OrderEventBody;
      const orderKey = await orderKeyFor(body, msg);
      if (orderKey === undefined) {
        msg.orderClose = { closed: false, reasons: [`payment ${body.document ?? ""} pays no invoice the hub issued${body.invoice ? ` (it names ${body.invoice})` : ""}: no order to close`], lines: [], invoices: [] };
        status.count("open");
        return send([null, msg]);
      }
      const [latest, invoices] = await Promise.all([latestOrder(orderKey), invoicesOf(orderKey)]);
      const shipments: Shipment[] = invoices.map((i) => ({ document: i.shipment, lines: i.lines.map((l) => ({ ...l, sku: "" })) }));
      if (body.event === "order.shipped" && typeof body.document === "string" && Array.isArray(body.lines) && !invoices.some((i) => i.shipment === body.document)) {
        shipments.push({ document: body.document, lines: body.lines });
      }
      const payments: ClosePayment[] = (await getHubStore().invoices.payments(invoices.map((i) => i.invoiceId))).map((p) => ({ document: p.payment, amount: p.amount, invoice: p.invoice }));
      if (body.event === "payment.received" && typeof body.document === "string" && typeof body.amount === "number" && invoices.some((i) => i.invoiceId === body.invoice)) {
        payments.push({ document: body.document, amount: body.amount, invoice: body.invoice });
      }
      const decision = orderClose({
        order: latest.order,
        shipments,
        invoices: invoices.map((i) => ({ invoiceId: i.invoiceId, amount: i.amount, lines: i.lines })),
        payments,
      });
      msg.orderClose = decision;
      msg.orderKey = orderKey;
      if (!decision.closed) {
        status.count("open");
        return send([null, msg]);
      }
      status.count("closed");
      announceEvent(msg, CLOSED, { orderKey, orderNumber: latest.orderNumber, buyer: latest.buyer, document: latest.orderKey }, { reasons: decision.reasons });
      send([msg, null]);
    });
  }
}
