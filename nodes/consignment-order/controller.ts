import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { consignmentOrderEvent } from "../../runtime/consignment-orders";
import { getMasterData } from "../../runtime/master-data";
import { getHubStore } from "../../store";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import type { Node, NodeDef } from "../shared/types";

const MINE = new Set(["consignment-fillup", "consignment-pickup", "consignment-return"]);

/**
 * consignment-order: an accepted order of a consignment type that is no sale (runtime/consignment-orders.ts). A
 * fill-up becomes `consignment.fill-up-requested` (WMS, ERP and TMS take it from there, no invoice); a pick-up comes
 * off the site's ledger and becomes `consignment.pickup` (ERP); both on output 1 with msg.topic and msg.messageId (the
 * same as the REST routes give the same document), for an amqp-out to orderhub.events. Output 2: an order of another
 * type. A pick-up beyond what the site holds, a consignment return as an order, or an order without its site fails
 * naming it, for a catch: the order is dead-lettered.
 */
export class ConsignmentOrderController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["fill-ups", "pick-ups", "refused", "other orders"], "idle");
    onAsyncInput(node, status, async (msg, send) => {
      const order = msg.payload as CanonicalOrder;
      if (!order || typeof order !== "object" || typeof order.orderType !== "string") throw new Error("consignment-order: msg.payload is not an order (no orderType)");
      if (!MINE.has(order.orderType)) {
        status.count("other orders");
        return send([null, msg]);
      }
      const { messageId, event } = await consignmentOrderEvent(getHubStore(), getMasterData(), order).catch((err: Error) => {
        status.count("refused");
        throw new Error(`consignment-order: ${err.message}`);
      });
      status.count(order.orderType === "consignment-fillup" ? "fill-ups" : "pick-ups");
      msg.payload = event;
      msg.topic = event.event;
      msg.messageId = messageId;
      send([msg, null]);
    });
  }
}
