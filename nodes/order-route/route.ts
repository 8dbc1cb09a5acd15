/**
 * Which way an order goes by what kind of order it is (docs/SETTLEMENT.md): the order desk decides sales; a
 * consignment issue (what a customer used at its site) comes off the site's ledger first; consignment fill-ups,
 * pick-ups and returns are no sale; an inter-company order is placed on the sister company, not decided; a return
 * order is a return authorisation, not a sale.
 */

export type OrderLane = "orders" | "changes";

/** The outputs of each lane, in order: the first is the order desk's. */
export const ROUTES: Readonly<Record<OrderLane, readonly string[]>> = {
  orders: ["decide", "consignment-issue", "consignment", "intercompany", "return"],
  changes: ["decide", "intercompany"],
};

/** The output (its index in the lane's ROUTES) an order of `orderType` takes; anything else, or no type, is decided. */
export function routeOf(lane: OrderLane, orderType: unknown): number {
  const route =
    orderType === "intercompany"
      ? "intercompany"
      : orderType === "consignment-issue"
        ? "consignment-issue"
        : orderType === "consignment-fillup" || orderType === "consignment-pickup" || orderType === "consignment-return"
          ? "consignment"
          : orderType === "return"
            ? "return"
            : "decide";
  const index = ROUTES[lane].indexOf(route);
  return index < 0 ? 0 : index;
}
