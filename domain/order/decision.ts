import type { MasterIndex } from "../master/master-index";
import type { Customer, OpenItemType } from "../master/types";
import { buyerIdentity, orderKey, type CanonicalOrder, type OrderLine } from "./canonical-order";

/**
 * What every order rule gives back: its outcome and the reasons in sentences, with the figures behind them. A rule is
 * a pure function of the order, the master data and the evaluation date: the same three in give the same decision.
 */

export type RuleName = "audit" | "price" | "credit" | "atp";

/** ok: nothing to question · approval: someone must say yes (routed, never silently blocked) · hold: waits until its cause is gone · reject: cannot be booked. */
export type RuleOutcome = "ok" | "approval" | "hold" | "reject";

interface DecisionOf<R extends RuleName> {
  rule: R;
  outcome: RuleOutcome;
  /** The reasons that decided the outcome come first; notes an order desk would want to see (a later date, a gift) follow. */
  reasons: string[];
}

export type AuditDecision = DecisionOf<"audit">;

/** A line as the price check sees it: unit prices in the order's currency; null where there is none. */
export interface PriceLine {
  lineNumber: string;
  sku: string;
  /** The list price at the line's quantity, valid on the order date. */
  expected: number | null;
  /** The unit price the order states. */
  actual: number | null;
  /** (actual − expected) / expected, in percent to two decimals: negative below the list. */
  deviationPercent: number | null;
  /** The price list the expected price comes from. */
  priceList?: string;
  /** The promotion that makes a zero-priced line a gift. */
  giftOf?: string;
}

export interface PriceDecision extends DecisionOf<"price"> {
  lines: PriceLine[];
}

export type ExposureItemType = OpenItemType | "this-order";

export interface ExposureItem {
  type: ExposureItemType;
  document: string;
  amount: number;
  dueDate?: string;
}

/** A customer's exposure, item by item and summed, in the customer's currency. */
export interface Exposure {
  currency: string;
  openInvoices: number;
  openOrders: number;
  deliveredNotInvoiced: number;
  thisOrder: number;
  total: number;
  /** null: no credit limit. */
  limit: number | null;
  items: ExposureItem[];
}

export interface CreditDecision extends DecisionOf<"credit"> {
  /** Absent only for a customer the master data does not know. */
  exposure?: Exposure;
}

/** A quantity promised for a date from a warehouse: from free supply, or from the item's lead time past it. */
export interface Confirmation {
  quantity: number;
  date: string;
  /** A consignment issue's: the customer's consignment site, where the goods already are. */
  warehouse: string;
  /** consignment: used at the customer's site from our goods there; nothing is reserved from a warehouse. */
  source: "supply" | "lead-time" | "consignment";
}

export interface AtpLine {
  lineNumber: string;
  sku: string;
  quantity: number;
  /** The date ATP promised against: the line's, else the order's requested date, never before the evaluation date. */
  requestedDate: string;
  confirmations: Confirmation[];
}

/** An order with a later requested date that a rush order's proposal would push back, and its new date. */
export interface PushedBack {
  order: string;
  sku: string;
  warehouse: string;
  quantity: number;
  from: string;
  to: string;
  /**
   * The reservation taken from, where it is not the order's own (`order`): the part of an order's reservation that an
   * earlier rush order moved to another date (`<order key>@<date>`, reservationKeyOf in atp-ledger.ts).
   */
  reservation?: string;
}

/** A quantity a feasible rush proposal serves on the rush order's requested date: from free supply, or taken from a pushed-back order. */
export interface RushServed {
  lineNumber: string;
  sku: string;
  quantity: number;
  date: string;
  warehouse: string;
}

/** What a rush order could take from released orders with later requested dates, for the approver to decide on. */
export interface RushProposal {
  /** Whether pushing them back serves the rush order in full on its requested date; if not, nobody is pushed back. */
  feasible: boolean;
  reasons: string[];
  pushedBack: PushedBack[];
  /** Feasible only: what serves each short line on its requested date; with ATP's on-time confirmations, the rush order's promise once approved. */
  served?: RushServed[];
}

export interface AtpDecision extends DecisionOf<"atp"> {
  lines: AtpLine[];
  /** Only for a rush order ATP cannot serve, when the evaluation was given a way to propose one (evaluate.ts). */
  rushProposal?: RushProposal;
}

export type Decision = AuditDecision | PriceDecision | CreditDecision | AtpDecision;

/** An order rule. `at` is the evaluation date (ISO 8601): the rules never read a clock. */
export type Rule<D extends Decision = Decision> = (order: CanonicalOrder, master: MasterIndex, at: string) => D;

/** One thing a rule found, and what it means for the order. */
export interface Finding {
  outcome: RuleOutcome;
  reason: string;
}

const SEVERITY: Record<RuleOutcome, number> = { ok: 0, approval: 1, hold: 2, reject: 3 };

export function worstOutcome(outcomes: Iterable<RuleOutcome>): RuleOutcome {
  let worst: RuleOutcome = "ok";
  for (const o of outcomes) if (SEVERITY[o] > SEVERITY[worst]) worst = o;
  return worst;
}

/** The outcome of a rule's findings and its reasons, each named for the rule's node ("credit-check: …"), worst first. */
export function decide(node: string, findings: readonly Finding[]): { outcome: RuleOutcome; reasons: string[] } {
  const ranked = findings.map((f, i) => ({ f, i })).sort((a, b) => SEVERITY[b.f.outcome] - SEVERITY[a.f.outcome] || a.i - b.i);
  return { outcome: worstOutcome(findings.map((f) => f.outcome)), reasons: ranked.map(({ f }) => `${node}: ${f.reason}`) };
}

/** The customer the order is booked to: its buyer by id, else GLN, else name, as the hub names buyers. */
export function customerOf(order: CanonicalOrder, master: MasterIndex): Customer | undefined {
  return master.customers.get(buyerIdentity(order.buyer));
}

export function customerName(order: CanonicalOrder): string {
  return buyerIdentity(order.buyer) || "(unnamed buyer)";
}

export function lineName(line: Pick<OrderLine, "lineNumber" | "sku">): string {
  return `line ${line.lineNumber} (${line.sku})`;
}

/**
 * Whether a document among the buyer's own open items names this order, by its key or its number (a buyer's numbers
 * are its own): an order evaluated again is not counted twice. A reservation, among every buyer's, names it by key only.
 */
export function namesThisOrder(order: CanonicalOrder, reference: string): boolean {
  return reference === order.orderNumber || reference === orderKey(order);
}

/** "1,200" or "2.5": a quantity as an order desk writes it. */
export function formatQuantity(quantity: number): string {
  const [whole, fraction] = String(Number(quantity.toPrecision(12))).split(".");
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction ? `.${fraction}` : ""}`;
}

/** "the line is", "both lines are", "all 3 lines are". */
export function allLines(count: number, noun = "line"): string {
  return count === 1 ? `the ${noun} is` : count === 2 ? `both ${noun}s are` : `all ${count} ${noun}s are`;
}
