import { invoiceMessage } from "../invoice-build/controller";
import { invoicesOf, OrderFactsError, releasedOrder, summaryOf } from "../invoice-build/order-facts";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import type { Node, NodeAPI, NodeDef } from "../shared/types";

interface DeliveredBody {
  event?: string;
  orderKey?: string;
  /** The shipment's id (the carrier's document). */
  document?: string;
  /** The delivery note the shipment carried. */
  deliveryNote?: string;
}

/**
 * invoice-on-delivery: an `order.delivered` → the invoice invoice-build recorded when that delivery note's goods left
 * (what really shipped), now to go to finance: msg.payload the UBL 2.1 XML, msg.invoice, msg.event the `order.invoiced`
 * and msg.messageId, as invoice-build puts them. The invoice is built at shipment and sent at delivery, so a carrier
 * that reports late delays the invoice and a repeated delivery report finds the same invoice (the same message id).
 * Output 1: the invoice; output 2: the shipment billed nothing (every line free or cancelled). An order.delivered whose
 * delivery note has no invoice recorded (its order.shipped not taken yet) fails for a catch: replay it later.
 */
export class InvoiceOnDeliveryController {
  constructor(_RED: NodeAPI, node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["sent on delivery", "nothing billed"]);
    onAsyncInput(node, status, async (msg, send) => {
      const body = (typeof msg.payload === "object" && msg.payload !== null ? msg.payload : {}) as DeliveredBody;
      if (typeof body.orderKey !== "string" || !body.orderKey) throw new OrderFactsError("invoice-on-delivery: msg.payload must be an order.delivered with its orderKey");
      if (typeof body.deliveryNote !== "string" || !body.deliveryNote) {
        throw new OrderFactsError(`invoice-on-delivery: the order.delivered of ${body.orderKey} (shipment ${body.document ?? "?"}) names no delivery note: which goods were delivered is unknown`);
      }
      const invoices = await invoicesOf(body.orderKey);
      const record = invoices.find((i) => i.deliveryNote === body.deliveryNote || i.shipment === body.deliveryNote);
      if (!record) {
        // goods delivered for no order the hub released (a consignment fill-up stays ours: nothing to invoice)
        const released = await releasedOrder(body.orderKey).then(
          () => true,
          (err: unknown) => (err instanceof OrderFactsError ? false : Promise.reject(err)),
        );
        if (!released) {
          status.count("nothing billed");
          msg.reasons = [`delivery note ${body.deliveryNote}: ${body.orderKey} is no order the hub released, so nothing of it is invoiced`];
          return send([null, msg]);
        }
        throw new OrderFactsError(
          `invoice-on-delivery: no invoice is recorded for delivery note ${body.deliveryNote} of ${body.orderKey} (its order.shipped has not been invoiced yet): replay this message once it is`,
        );
      }
      const invoice = summaryOf(record);
      if (!(record.amount > 0) && invoice.lines.every((l) => !(l.quantity > 0))) {
        status.count("nothing billed");
        msg.reasons = [`delivery note ${body.deliveryNote}: its invoice ${record.invoiceId} bills nothing`];
        return send([null, msg]);
      }
      invoiceMessage(msg, invoice, record.xml, false);
      status.count("sent on delivery");
      send([msg, null]);
    });
  }
}
