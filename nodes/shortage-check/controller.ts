import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { getMasterData } from "../../runtime/master-data";
import { onOrderChanged } from "../../runtime/planning-tasks";
import { today } from "../../runtime/today";
import { getHubStore } from "../../store";
import { getPlanningBook } from "../../store/planning-book";
import { OutcomeStatus } from "../shared/outcome-status";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/** The body as JSON: amqp-in with output json gives an object; a string or Buffer of JSON is read here. */
function bodyOf(payload: unknown): unknown {
  if (Buffer.isBuffer(payload)) payload = payload.toString("utf8");
  return typeof payload === "string" ? JSON.parse(payload) : payload;
}

/**
 * shortage-check: the production lane for `order.changed` and `order.cancelled` (the canonical change with its new
 * revision). The order's production tasks take the changed quantities and dates (a cancelled line or order cancels
 * its task) and their shortage analysis runs again on the stored BOMs and the stock (runtime/planning-tasks.ts).
 * Short: output 1 with `planning.shortage` in msg.payload, msg.topic and a message id from the revision and what is
 * short, for amqp-out. Nothing short, or an order without tasks: output 2, for settle (msg.shortage says why).
 */
export class ShortageCheckController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["short", "covered", "no tasks"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const fail = (err: Error) => {
        failing(node, err.message);
        done(err);
      };
      let order: CanonicalOrder;
      try {
        order = bodyOf(msg.payload) as CanonicalOrder;
        if (!order || typeof order.orderNumber !== "string" || !Array.isArray(order.lines)) throw new Error("not a canonical order");
      } catch (err) {
        return fail(new Error(`shortage-check: msg.payload must be the canonical order of an order.changed or order.cancelled (${(err as Error).message})`));
      }
      const sources = { store: getHubStore(), book: getPlanningBook(), master: getMasterData(), today: today() };
      onOrderChanged(order, sources, Date.now()).then((outcome) => {
        msg.shortage = { orderRef: outcome.orderRef, changedTasks: outcome.changed.map((t) => t.id), complete: outcome.analysis?.complete ?? true };
        if (outcome.event) {
          status.count("short");
          msg.payload = outcome.event;
          msg.topic = "planning.shortage";
          msg.messageId = outcome.messageId;
          send([msg, null]);
        } else {
          status.count(outcome.analysis ? "covered" : "no tasks");
          send([null, msg]);
        }
        done();
      }, fail);
    });
    node.on("close", () => status.stop());
  }
}
