import type { MasterIndex } from "../../domain/master/master-index";
import { atpCheck } from "../../domain/order/atp";
import { orderAudit } from "../../domain/order/audit";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { creditCheck } from "../../domain/order/credit";
import { isIsoDay } from "../../domain/order/dates";
import type { AtpDecision, Decision, Rule, RuleName, RuleOutcome } from "../../domain/order/decision";
import { withRushProposal } from "../../domain/order/evaluate";
import { priceCheck } from "../../domain/order/price";
import { proposeRushRescheduling } from "../../domain/order/rush";
import { getOrderBook, today, type OrderBook } from "../../runtime/order-book";
import type { HubMessage, NodeDef } from "./types";

/**
 * What the order rule nodes share: the evaluation date, the order on the message, the master data they read (the
 * order book's view: the index with the orders released a moment ago counted) and where the decisions go
 * (`msg.decisions`, one per rule, in the order the rules ran).
 */

/** ATP as the hub runs it: a rush order it cannot serve gets the proposal to push back released orders (domain/order/rush.ts). */
export const atpWithRush: Rule<AtpDecision> = (order, master, at) => withRushProposal(atpCheck(order, master, at), order, master, at, { proposeRushRescheduling });

export const RULES: Readonly<Record<RuleName, Rule>> = { audit: orderAudit, price: priceCheck, credit: creditCheck, atp: atpWithRush };

/** The word a node's status counts an outcome under. */
export const RULE_OUTCOME_LABELS: Readonly<Record<RuleOutcome, string>> = { ok: "ok", approval: "to approve", hold: "held", reject: "rejected" };

export interface RuleNodeConfig extends NodeDef {
  /** "now": the hub's date when the message arrives; "msg": msg.evaluationDate (an ISO 8601 date). */
  evaluationDate?: "now" | "msg";
}

/** When and on what master data the decisions on a message were made: a later change makes them out of date. */
export interface Evaluation {
  at: string;
  /** The order book's version when the first of them was made. */
  version: number;
}

/** A message the rule nodes have worked on. */
export interface DecidingMessage extends HubMessage {
  decisions?: Decision[];
  evaluation?: Evaluation;
}

/** A rule node's failure that is the message's fault: it names what is wrong. */
export class OrderRuleError extends Error {
  override name = "OrderRuleError";
}

export function evaluationDate(config: Pick<RuleNodeConfig, "evaluationDate">, msg: HubMessage, node: string): string {
  if (config.evaluationDate !== "msg") return today();
  const given = msg.evaluationDate;
  if (typeof given !== "string" || !isIsoDay(given)) {
    throw new OrderRuleError(`${node}: msg.evaluationDate must be an ISO 8601 date such as 2026-05-04 (the node takes the evaluation date from the message); it is ${given === undefined ? "missing" : JSON.stringify(given)}`);
  }
  return given.slice(0, 10);
}

/** The canonical order on the message, checked as far as the rules need it (the intake validated it in full). */
export function orderOf(msg: HubMessage, node: string): CanonicalOrder {
  const o = msg.payload as Partial<CanonicalOrder> | undefined;
  const missing =
    typeof o !== "object" || o === null
      ? "msg.payload is not an object"
      : typeof o.orderNumber !== "string"
        ? "it has no orderNumber"
        : typeof o.buyer !== "object" || o.buyer === null
          ? "it has no buyer"
          : !Array.isArray(o.lines)
            ? "it has no lines"
            : typeof o.currency !== "string" || typeof o.totals !== "object" || o.totals === null
              ? "it has no currency or totals"
              : undefined;
  if (missing) throw new OrderRuleError(`${node}: msg.payload must be a canonical order (as order-normalize makes it): ${missing}`);
  return o as CanonicalOrder;
}

/** Puts the decision on the message in place of an earlier one of the same rule, and notes when it was made. */
export function putDecision(msg: DecidingMessage, decision: Decision, at: string, version: number): void {
  const decisions = Array.isArray(msg.decisions) ? msg.decisions.filter((d) => d.rule !== decision.rule) : [];
  decisions.push(decision);
  msg.decisions = decisions;
  const earlier = msg.evaluation;
  msg.evaluation = { at, version: earlier && earlier.at === at ? Math.min(earlier.version, version) : version };
}

/**
 * Runs `work` with the order book once the master data is loaded: at once (synchronously) when it is, which the hub
 * makes sure of before the flows start; otherwise after loading it.
 */
export function withOrderBook(work: (book: OrderBook, master: MasterIndex) => void, failed: (err: Error) => void): void {
  const book = getOrderBook();
  const run = () => {
    try {
      work(book, book.view());
    } catch (err) {
      failed(err as Error);
    }
  };
  if (book.isReady) run();
  else book.ready().then(run, failed);
}
