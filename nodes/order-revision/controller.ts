import { orderKey, orderRef, purposeOf, type CanonicalOrder } from "../../domain/order/canonical-order";
import { getHubStore } from "../../store";
import { OutcomeStatus } from "../shared/outcome-status";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/** The event each purpose is announced with. */
export const INTAKE_TOPICS = { order: "order.accepted", change: "order.changed", cancel: "order.cancelled" } as const;

/**
 * order-revision: between order-validate and the idempotent step of the intake. Sets msg.topic by what the document
 * does with the order (order.accepted, order.changed, order.cancelled) and numbers a change or a cancellation whose
 * document gives no revision: the revision given to the same document before (a redelivery), else the order's highest
 * known revision + 1. The document is `source.documentId`, else the inbound message id.
 */
export class OrderRevisionController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["orders", "changes", "cancellations"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const order = msg.payload as CanonicalOrder;
      if (typeof order !== "object" || order === null || typeof order.orderNumber !== "string") {
        failing(node, "order-revision: msg.payload is no canonical order");
        return done(new Error("order-revision: msg.payload must be a canonical order, as order-normalize makes it"));
      }
      const purpose = purposeOf(order);
      msg.topic = INTAKE_TOPICS[purpose];
      const pass = () => {
        msg.orderKey = orderKey(order);
        status.count(purpose === "order" ? "orders" : purpose === "change" ? "changes" : "cancellations");
        send(msg);
        done();
      };
      if (purpose === "order" || Number.isInteger(order.revision)) return pass();
      const document = order.source?.documentId ?? (typeof msg.messageId === "string" ? msg.messageId : JSON.stringify(order));
      getHubStore()
        .orders.assignRevision(orderRef(order), document, purpose, Date.now())
        .then(
          (revision) => {
            order.revision = revision;
            pass();
          },
          (err: Error) => {
            failing(node, err.message);
            done(err);
          },
        );
    });
    node.on("close", () => status.stop());
  }
}
