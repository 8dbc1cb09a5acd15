import { deliveryNotes, type ReleasedOrder } from "../../domain/fulfilment/delivery-note";
import { announceEvent } from "../invoice-build/order-facts";
import { OutcomeStatus } from "../shared/outcome-status";
import { splitDelivery } from "../shared/settlement";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";

export type DeliveryNoteConfig = NodeDef;

export const DELIVERY_NOTE_SENT = "order.delivery-note-sent";

/** The `order.released` body on the message, checked as far as delivery notes need it. */
function releasedOf(msg: HubMessage): ReleasedOrder {
  const p = msg.payload as Partial<ReleasedOrder & { event: string }> | undefined;
  const problem =
    typeof p !== "object" || p === null
      ? "msg.payload is not an object"
      : p.event !== undefined && p.event !== "order.released"
        ? `it is ${p.event}, and only a released order is shipped`
        : typeof p.orderKey !== "string"
          ? "it has no orderKey"
          : typeof p.order !== "object" || p.order === null || !Array.isArray(p.order.lines)
            ? "it has no order with lines"
            : !Array.isArray(p.confirmations)
              ? "it has no confirmations (what ATP promised, from which warehouse)"
              : undefined;
  if (problem) throw new Error(`delivery-note: msg.payload must be an order.released event: ${problem}`);
  return p as ReleasedOrder;
}

/**
 * delivery-note: an `order.released` in msg.payload → one message per warehouse, msg.payload the delivery note for
 * the WMS (domain/fulfilment/delivery-note.ts), msg.event the `order.delivery-note-sent` event announcing it.
 */
export class DeliveryNoteController {
  constructor(RED: NodeAPI, node: Node, _config: DeliveryNoteConfig) {
    const status = new OutcomeStatus(node, ["orders", "notes"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      try {
        const released = releasedOf(msg);
        const notes = deliveryNotes(released);
        if (notes.length === 0) throw new Error(`delivery-note: order ${released.orderKey} was released with nothing confirmed to ship (no confirmation above 0)`);
        const keys = splitDelivery(msg, notes.length);
        const { payload: _released, ...rest } = msg;
        const at = new Date().toISOString();
        const parts = notes.map((note, i) => {
          const part = RED.util.cloneMessage(rest as HubMessage) as HubMessage;
          if (keys) part._delivery = keys[i];
          part.payload = note;
          part.orderKey = note.orderKey;
          part.deliveryNote = note.deliveryNote;
          announceEvent(part, DELIVERY_NOTE_SENT, { orderKey: note.orderKey, orderNumber: note.orderNumber, buyer: note.buyer, document: note.deliveryNote, at }, {
            lines: note.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity, warehouse: l.warehouse })),
          });
          return part;
        });
        status.count("orders");
        for (const part of parts) {
          status.count("notes");
          send(part);
        }
        done();
      } catch (err) {
        failing(node, (err as Error).message);
        done(err as Error);
      }
    });
    node.on("close", () => status.stop());
  }
}
