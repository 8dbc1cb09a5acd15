import { readNodeConfig } from "../shared/config-version";
import { OutcomeStatus } from "../shared/outcome-status";
import type { DoneFn, HubMessage, NodeAPI, NodeDef, SendFn } from "../shared/types";
import { ROUTES, routeOf, type OrderLane } from "./route";

interface OrderRouteConfig extends NodeDef {
  lane?: OrderLane;
}

/**
 * order-route: sends an accepted order (lane `orders`) or a change, cancellation or pick report (lane `changes`) on
 * by its `orderType` (route.ts), as a node of the hub: the runtime hands it to the next hub node directly, so routing
 * adds no turn of Node-RED's message queue and orders keep the order they arrived in.
 */
export default function register(RED: NodeAPI): void {
  RED.nodes.registerType("order-route", function (this: any, config: OrderRouteConfig) {
    RED.nodes.createNode(this, config);
    const cfg = readNodeConfig<OrderRouteConfig>(this, "order-route", config);
    if (!cfg) return;
    const lane: OrderLane = cfg.lane === "changes" ? "changes" : "orders";
    const routes = ROUTES[lane];
    const status = new OutcomeStatus(this, [...routes], "idle");
    this.on("input", (msg: HubMessage, send: SendFn, done: DoneFn) => {
      const payload = msg.payload as { orderType?: unknown } | undefined;
      const index = routeOf(lane, payload && typeof payload === "object" ? payload.orderType : undefined);
      status.count(routes[index]);
      const out: Array<HubMessage | null> = routes.map(() => null);
      out[index] = msg;
      send(out);
      done();
    });
    this.on("close", () => status.stop());
  });
}
