import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { SettlementError } from "../../domain/settlement/common";
import { intercompanyOrderOf, mirrorIntakeChange, placedEvent, placeIntercompanyOrder, type IntercompanyEvent } from "../../runtime/intercompany";
import { getMasterData } from "../../runtime/master-data";
import { getHubStore } from "../../store";
import { OutcomeStatus } from "../shared/outcome-status";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/**
 * intercompany-order: an accepted order of `orderType: intercompany` (from any intake format: company A's order on
 * sister company B) gives B's sales order and A's purchase order at the transfer price, each recorded once
 * (runtime/intercompany.ts); a change or cancellation of it (order.changed, order.cancelled) is mirrored on B's side
 * once per revision (output 1: `intercompany.order-changed`). Output 1: the `intercompany.order-placed` event (msg.payload, msg.topic, msg.messageId
 * `intercompany.order-placed/<orderKey>`, the same on a repeat) for an amqp-out to orderhub.events, where the
 * *Settlement systems* tab books both in each company's ERP; output 2: an order of another type, to settle. A buyer or
 * seller not in the group, an item without a transfer price or a store failure is an error for a catch.
 */
export class IntercompanyOrderController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["placed", "repeats", "changes", "cancellations", "other orders"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const order = msg.payload as CanonicalOrder | undefined;
      if (!order || typeof order !== "object" || typeof order.orderType !== "string") {
        const err = new Error("intercompany-order: msg.payload is not an order (no orderType)");
        failing(node, err.message);
        return done(err);
      }
      if (order.orderType !== "intercompany") {
        status.count("other orders");
        send([null, msg]);
        return done();
      }
      const store = getHubStore();
      const announce = ({ messageId, event }: IntercompanyEvent) => {
        msg.payload = event;
        msg.topic = event.event;
        msg.messageId = messageId;
        send([msg, null]);
        done();
      };
      const failed = (err: Error) => {
        const reason = err instanceof SettlementError ? err.message : `intercompany-order: ${err.message}`;
        failing(node, reason);
        done(new Error(reason));
      };
      if (order.purpose === "change" || order.purpose === "cancel") {
        mirrorIntakeChange(store, getMasterData(), order).then((event) => {
          status.count(order.purpose === "cancel" ? "cancellations" : "changes");
          announce(event);
        }, failed);
        return;
      }
      let placing: ReturnType<typeof intercompanyOrderOf>;
      try {
        placing = intercompanyOrderOf(order);
      } catch (err) {
        failing(node, (err as Error).message);
        return done(err as Error);
      }
      placeIntercompanyOrder(store, getMasterData(), placing)
        .then(async (result) => {
          const { messageId, event } = await placedEvent(getMasterData(), placing, result.links);
          status.count(result.created.length ? "placed" : "repeats");
          announce({ messageId, event });
        })
        .catch(failed);
    });
    node.on("close", () => status.stop());
  }
}
