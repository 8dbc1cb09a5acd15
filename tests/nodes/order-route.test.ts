import { describe, expect, it } from "vitest";
import { ROUTES, routeOf, type OrderLane } from "../../nodes/order-route/route";

// Which way an order goes, as the order desk and the settlement clerks would send it.
describe("order-route: by the kind of order", () => {
  it.each<[OrderLane, unknown, string]>([
    ["orders", "standard", "decide"],
    ["orders", "rush", "decide"],
    ["orders", undefined, "decide"],
    ["orders", "something-new", "decide"],
    ["orders", "consignment-issue", "consignment-issue"],
    ["orders", "consignment-fillup", "consignment"],
    ["orders", "consignment-pickup", "consignment"],
    ["orders", "consignment-return", "consignment"],
    ["orders", "intercompany", "intercompany"],
    ["orders", "return", "return"],
    // a change or cancellation of any order but an inter-company one is the order desk's; a pick report has no type
    ["changes", "consignment-issue", "decide"],
    ["changes", "return", "decide"],
    ["changes", undefined, "decide"],
    ["changes", "intercompany", "intercompany"],
  ])("lane %s, %s → %s", (lane, orderType, route) => {
    expect(ROUTES[lane][routeOf(lane, orderType)]).toBe(route);
  });
});
