import { checkOrder, describeProblems } from "../../domain/order/acceptance";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { validateCanonicalOrder } from "../../mappings";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, SendFn } from "../shared/types";

/** A rejection an order desk would write: what is wrong with which order. */
export class OrderRejectedError extends Error {
  override name = "OrderRejected";
}

/**
 * order-validate: the canonical order in msg.payload must satisfy the schema and the order desk's checks (lines,
 * quantities, prices, totals, dates). An order that fails is an error naming every problem; msg.rejection has them.
 */
export class OrderValidateController {
  private readonly rate: ThroughputStatus;

  constructor(node: Node) {
    this.rate = new ThroughputStatus(node);
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      try {
        const order: CanonicalOrder = validateCanonicalOrder(msg.payload);
        const decision = checkOrder(order);
        if (!decision.accepted) {
          msg.rejection = { code: "order-check", message: describeProblems(order, decision.problems), problems: decision.problems };
          throw new OrderRejectedError(describeProblems(order, decision.problems));
        }
        this.rate.hit();
        send(msg);
        done();
      } catch (err) {
        const e = err as Error;
        msg.rejection ??= { code: "schema-violation", message: e.message };
        this.rate.hit("rejected");
        failing(node, e.message);
        done(e);
      }
    });
    node.on("close", () => this.rate.stop());
  }
}
