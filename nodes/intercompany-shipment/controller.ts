import { homeInvoice, shippedDelivery } from "../../runtime/intercompany-shipments";
import { getMasterData } from "../../runtime/master-data";
import { getHubStore } from "../../store";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import { bodyObject } from "../shared/settlement-input";
import type { Node, NodeDef } from "../shared/types";

export interface IntercompanyShipmentConfig extends NodeDef {
  /** delivery: a `wms.intercompany.shipped` → `intercompany.delivery-mirrored`; invoice: an `intercompany.goods-received` → `intercompany.invoice-mirrored`. */
  step?: "delivery" | "invoice";
}

/**
 * intercompany-shipment: an inter-company order the home company ships (runtime/intercompany-shipments.ts). Step
 * `delivery`: what the WMS shipped becomes A's goods receipt (`intercompany.delivery-mirrored`); step `invoice`: once A's
 * ERP booked it, the home company's invoice at the transfer price becomes A's supplier invoice
 * (`intercompany.invoice-mirrored`). Output 1: the event (msg.topic, msg.messageId, the same on a repeat) for an
 * amqp-out to orderhub.events; output 2: nothing to do (nothing shipped, or a seller that invoices itself), to settle.
 */
export class IntercompanyShipmentController {
  constructor(node: Node, config: IntercompanyShipmentConfig) {
    const step = config.step === "invoice" ? "invoice" : "delivery";
    const status = new OutcomeStatus(node, step === "delivery" ? ["deliveries", "nothing shipped"] : ["invoices", "not ours to invoice"], "idle");
    onAsyncInput(node, status, async (msg, send) => {
      const body = bodyObject(msg.payload, "intercompany-shipment");
      const found = step === "delivery" ? await shippedDelivery(getHubStore(), getMasterData(), body) : await homeInvoice(getHubStore(), getMasterData(), body);
      if (!found) {
        status.count(step === "delivery" ? "nothing shipped" : "not ours to invoice");
        return send([null, msg]);
      }
      status.count(step === "delivery" ? "deliveries" : "invoices");
      msg.payload = found.event;
      msg.topic = found.event.event;
      msg.messageId = found.messageId;
      send([msg, null]);
    });
  }
}
