import type { DeliveryNote } from "../../domain/fulfilment/delivery-note";
import { shipmentCreditCheck } from "../../domain/fulfilment/shipment-credit";
import { announceEvent, earlierOf, invoicesOf, masterIndex, orderKeyOf, releasedOrder } from "../invoice-build/order-facts";
import { evaluationDate, type RuleNodeConfig } from "../shared/order-rules";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import type { HubMessage, Node, NodeAPI } from "../shared/types";

export type ShipmentCreditCheckConfig = RuleNodeConfig;

export const SHIPMENT_HELD = "order.shipment-held";

function noteOf(msg: HubMessage): Pick<DeliveryNote, "deliveryNote" | "lines"> {
  const p = msg.payload as Partial<DeliveryNote> | undefined;
  if (typeof p !== "object" || p === null || typeof p.deliveryNote !== "string" || !Array.isArray(p.lines)) {
    throw new Error("shipment-credit-check: msg.payload must be a delivery note (as the delivery-note node makes it): deliveryNote, orderKey and lines");
  }
  return p as DeliveryNote;
}

/**
 * shipment-credit-check: the credit re-check before a delivery note's goods leave (domain/fulfilment/shipment-credit.ts),
 * on the hub's master data as it is now. Output 1: ship; output 2: hold, with msg.event the `order.shipment-held`.
 * The decision is msg.shipmentCredit either way.
 */
export class ShipmentCreditCheckController {
  constructor(_RED: NodeAPI, node: Node, config: ShipmentCreditCheckConfig) {
    const status = new OutcomeStatus(node, ["ship", "held"]);
    onAsyncInput(node, status, async (msg, send) => {
      const note = noteOf(msg);
      const orderKey = orderKeyOf(msg, "shipment-credit-check");
      const at = evaluationDate(config, msg, "shipment-credit-check");
      const [released, invoices, master] = await Promise.all([releasedOrder(orderKey), invoicesOf(orderKey), masterIndex()]);
      const decision = shipmentCreditCheck({ orderKey, order: released.order, deliveryNote: note, earlier: earlierOf(invoices) }, master, at);
      msg.shipmentCredit = decision;
      if (decision.outcome === "ship") {
        status.count("ship");
        return send([msg, null]);
      }
      status.count("held");
      announceEvent(msg, SHIPMENT_HELD, { orderKey, orderNumber: released.orderNumber, buyer: released.buyer, document: note.deliveryNote }, { reasons: decision.reasons });
      send([null, msg]);
    });
  }
}
