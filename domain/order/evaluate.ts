import type { MasterIndex } from "../master/master-index";
import { atpCheck } from "./atp";
import { orderAudit } from "./audit";
import { buyerIdentity, orderKey, type CanonicalOrder } from "./canonical-order";
import { creditCheck } from "./credit";
import { isIsoDay } from "./dates";
import { worstOutcome, type AtpDecision, type Decision, type RushProposal } from "./decision";
import { priceCheck } from "./price";

/**
 * The order desk's chain: audit → price → credit → ATP, each rule deciding on its own, all of them run so that one
 * evaluation names every problem at once. The order's outcome: any reject → rejected; else any hold → held; else any
 * approval → needs-approval; else released.
 */

export type OrderOutcome = "released" | "held" | "needs-approval" | "rejected";

export interface OrderEvaluation {
  orderNumber: string;
  buyer: string;
  orderKey: string;
  /** The evaluation date the decisions were made on. */
  at: string;
  outcome: OrderOutcome;
  decisions: Decision[];
}

/**
 * Where a rush order ATP cannot serve on its requested date gets a proposal that takes supply from released orders
 * with later requested dates (`proposeRushRescheduling` in rush.ts). Without one, such an order needs approval with
 * ATP's reasons alone.
 */
export type RushRescheduling = (order: CanonicalOrder, atp: AtpDecision, master: MasterIndex, at: string) => RushProposal | undefined;

export interface EvaluateOptions {
  proposeRushRescheduling?: RushRescheduling;
}

const OUTCOMES = { reject: "rejected", hold: "held", approval: "needs-approval", ok: "released" } as const;

export function orderOutcome(decisions: readonly Pick<Decision, "outcome">[]): OrderOutcome {
  return OUTCOMES[worstOutcome(decisions.map((d) => d.outcome))];
}

/** ATP's decision with the rush proposal added, for a rush order it cannot serve (a caller running the rules one by one). */
export function withRushProposal(atp: AtpDecision, order: CanonicalOrder, master: MasterIndex, at: string, options: EvaluateOptions): AtpDecision {
  if (order.orderType !== "rush" || atp.outcome !== "approval" || !options.proposeRushRescheduling) return atp;
  const proposal = options.proposeRushRescheduling(order, atp, master, at);
  if (!proposal) return atp;
  return { ...atp, reasons: [...atp.reasons, ...proposal.reasons.map((r) => `atp-check: ${r}`)], rushProposal: proposal };
}

/** Every rule on the order, on the evaluation date `at` (ISO 8601). No side effects: releasing is the caller's (see atp.ts for the reservations it writes). */
export function evaluateOrder(order: CanonicalOrder, master: MasterIndex, at: string, options: EvaluateOptions = {}): OrderEvaluation {
  if (!isIsoDay(at)) throw new RangeError(`evaluation date "${at}" is not an ISO 8601 date (YYYY-MM-DD)`);
  const decisions: Decision[] = [
    orderAudit(order, master, at),
    priceCheck(order, master, at),
    creditCheck(order, master, at),
    withRushProposal(atpCheck(order, master, at), order, master, at, options),
  ];
  return { orderNumber: order.orderNumber, buyer: buyerIdentity(order.buyer), orderKey: orderKey(order), at, outcome: orderOutcome(decisions), decisions };
}
