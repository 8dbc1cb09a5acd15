import { suggestionMessageId } from "../../domain/planning/suggestions";
import { checkMrpRequest, hubPlanningSources, mrpFromStore } from "../../runtime/planning";
import { ackMessage, splitDelivery } from "../shared/settlement";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

export interface MrpPlanConfig extends NodeDef {
  /** Periods of the horizon. */
  periods?: string | number;
  bucket?: "day" | "week";
  /** Merge planned orders of an item and supplier released within this many periods; empty: no merging. */
  mergeWindow?: string | number;
  /** Comma-separated items to plan (with their components); empty: every item with demand, a BOM or planning data. */
  items?: string;
}

/**
 * mrp-plan: the MRP on the hub's data (stored BOMs, the master data's items, stock, supply, and the released orders'
 * reservations as demand; runtime/planning.ts), from today (or msg.payload.from) over the node's horizon. Sends one
 * message per planned order: msg.topic `planning.suggestion`, msg.payload the suggestion, msg.messageId derived from
 * the plan's day and the order, so that an amqp-out publishes each once per day's plan. msg.payload may override
 * {from, periods, bucket, items, forecasts, mergeWindow}. The plan's exceptions go into the status and msg.exceptions.
 */
export class MrpPlanController {
  constructor(private readonly node: Node, private readonly config: MrpPlanConfig) {
    node.on("input", (m: object, send: SendFn, done: DoneFn) => this.input(m as HubMessage, send, done));
  }

  private input(msg: HubMessage, send: SendFn, done: DoneFn): void {
    const given = typeof msg.payload === "object" && msg.payload !== null && !Array.isArray(msg.payload) ? (msg.payload as Record<string, unknown>) : {};
    const items = this.config.items?.split(",").map((s) => s.trim()).filter(Boolean);
    const src = hubPlanningSources();
    const run = async () => {
      const body = {
        periods: Number(this.config.periods) || 12,
        bucket: this.config.bucket || "week",
        ...(items?.length ? { items } : {}),
        ...given,
      };
      const window = given.mergeWindow ?? (this.config.mergeWindow === "" || this.config.mergeWindow === undefined ? undefined : Number(this.config.mergeWindow));
      return mrpFromStore(checkMrpRequest(body, src.today, window), src);
    };
    run().then(
      (plan) => {
        const suggestions = plan.plannedOrders;
        this.node.status({ fill: plan.exceptions.length ? "yellow" : "green", shape: "dot", text: `${plan.plan.from}: ${suggestions.length} suggestion${suggestions.length === 1 ? "" : "s"}${plan.exceptions.length ? ` · ${plan.exceptions.length} past due` : ""}` });
        if (suggestions.length === 0) {
          ackMessage(msg);
          return done();
        }
        const keys = splitDelivery(msg, suggestions.length);
        suggestions.forEach((s, i) => {
          const out: HubMessage = { ...msg, _msgid: `${msg._msgid}-${i}`, topic: "planning.suggestion", payload: s, messageId: suggestionMessageId(s), correlationId: `planning:${plan.plan.from}`, exceptions: plan.exceptions, ...(keys ? { _delivery: keys[i] } : {}) };
          send(out);
        });
        done();
      },
      (err: Error) => {
        failing(this.node, err.message);
        done(new Error(`mrp-plan: ${err.message}`));
      },
    );
  }
}
