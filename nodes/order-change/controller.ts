import { orderRef, purposeOf, type CanonicalOrder } from "../../domain/order/canonical-order";
import { decideCancellation, decideChange } from "../../runtime/order-changes";
import { getOrderBook, today } from "../../runtime/order-book";
import { OutcomeStatus } from "../shared/outcome-status";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/**
 * order-change: the decisions flow's lane for `order.changed`, `order.cancelled` and `order.picked`. A change runs
 * again only the rules its delta touches (domain/order/change.ts) and becomes the order's new decision event
 * (order.released, order.held … with the new revision); a cancellation becomes `order.cancellation-confirmed`. Both
 * leave on output 1, for the idempotent step (scope order.decided) and order-record, which records them and takes
 * back what a cancellation releases. `order.picked` ({buyer, orderNumber}) marks the order picked and leaves on
 * output 2, to a settle node: a change from then on needs approval.
 */
export class OrderChangeController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["changes", "cancellations", "picked"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const fail = (err: Error) => {
        failing(node, err.message);
        done(err);
      };
      const book = getOrderBook();
      const payload = msg.payload as Record<string, unknown> | null;
      if (msg.topic === "order.picked" || msg.routingKey === "order.picked" || payload?.event === "order.picked") {
        const buyer = String(payload?.buyer ?? "");
        const ref = `${buyer}/${String(payload?.orderNumber ?? "")}`;
        book.store.orders.markPicked(ref, Date.now()).then((known) => {
          status.count("picked");
          msg.picked = { orderRef: ref, known };
          send([null, msg]);
          done();
        }, fail);
        return;
      }
      const order = payload as unknown as CanonicalOrder;
      if (!order || typeof order.orderNumber !== "string" || !Number.isInteger(order.revision) || purposeOf(order) === "order") {
        return fail(new Error("order-change: msg.payload must be a canonical change or cancellation with its revision, as the intake's order.changed and order.cancelled carry it"));
      }
      book.ready().then(async () => {
        if (purposeOf(order) === "cancel") {
          msg.payload = decideCancellation(book, order, today());
          status.count("cancellations");
        } else {
          const decided = await decideChange(book, order, today());
          msg.payload = decided.event;
          msg.change = { orderRef: orderRef(order), rules: decided.rules, delta: decided.delta };
          status.count("changes");
        }
        send([msg, null]);
        done();
      }).catch(fail);
    });
    node.on("close", () => status.stop());
  }
}
