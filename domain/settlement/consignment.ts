import { SettlementError, qty, sumBy } from "./common";

/**
 * Consignment stock: goods we own that stand at a customer's site until the customer uses them. The ledger keeps, per
 * customer site and item, what stands there (`balance`, still ours) and what the customer used and could still send
 * back (`issued`, the customer's). Every movement is a document:
 *
 * - fill-up: goods go to the site; no invoice; the balance grows.
 * - issue: the customer reports consumption; the balance shrinks and the quantity is sold (order, invoice, ownership
 *   transfer). More than the site holds is refused, naming what it holds.
 * - pickup: goods come back from the site to our warehouse; the balance shrinks. More than the site holds is refused.
 * - return: goods the customer used (issued) come back; a credit note follows. More than was issued and not yet
 *   returned is refused.
 *
 * A document is applied once: the same document again is a repeat and changes nothing.
 */

export type MovementKind = "fill-up" | "issue" | "pickup" | "return";
export const MOVEMENT_KINDS: readonly MovementKind[] = ["fill-up", "issue", "pickup", "return"];

export interface MovementLine {
  sku: string;
  quantity: number;
}

/** A movement document: one kind, one site, one or more items. */
export interface MovementDocument {
  customer: string;
  site: string;
  kind: MovementKind;
  /** The document's own id (delivery, consumption report, pick-up order, return): applied once. */
  document: string;
  /** The day it happened. */
  at: string;
  lines: MovementLine[];
}

/** One line of the ledger: a document's effect on one item. */
export interface Movement {
  customer: string;
  site: string;
  sku: string;
  kind: MovementKind;
  quantity: number;
  document: string;
  at: string;
}

export interface LedgerItem {
  sku: string;
  /** Ours, at the customer's site. */
  balance: number;
  /** Used by the customer and not returned. */
  issued: number;
  filledUp: number;
  pickedUp: number;
  returned: number;
}

export type MovementResult =
  | { outcome: "applied"; movements: Movement[]; ledger: LedgerItem[] }
  | { outcome: "repeat"; document: string; ledger: LedgerItem[] }
  | { outcome: "refused"; reasons: string[]; ledger: LedgerItem[] };

const WORDS: Record<MovementKind, string> = { "fill-up": "the fill-up", issue: "the report", pickup: "the pick-up", return: "the return" };

/** The ledger of one site from its movements: one row per item, in the order items first moved. */
export function ledgerOf(movements: readonly Movement[]): LedgerItem[] {
  const items = new Map<string, LedgerItem>();
  for (const m of movements) {
    const i = items.get(m.sku) ?? { sku: m.sku, balance: 0, issued: 0, filledUp: 0, pickedUp: 0, returned: 0 };
    if (m.kind === "fill-up") (i.balance = qty(i.balance + m.quantity)), (i.filledUp = qty(i.filledUp + m.quantity));
    else if (m.kind === "issue") (i.balance = qty(i.balance - m.quantity)), (i.issued = qty(i.issued + m.quantity));
    else if (m.kind === "pickup") (i.balance = qty(i.balance - m.quantity)), (i.pickedUp = qty(i.pickedUp + m.quantity));
    else (i.issued = qty(i.issued - m.quantity)), (i.returned = qty(i.returned + m.quantity));
    items.set(m.sku, i);
  }
  return [...items.values()];
}

/** Checks a movement document's shape; throws naming the field. */
export function checkMovementDocument(doc: MovementDocument): void {
  const where = `consignment movement ${doc.document || "(no document)"}`;
  if (!doc.document) throw new SettlementError(`${where}: document: is required (the delivery, report or return's id)`);
  if (!MOVEMENT_KINDS.includes(doc.kind)) throw new SettlementError(`${where}: kind: must be one of ${MOVEMENT_KINDS.join(", ")}, is ${JSON.stringify(doc.kind)}`);
  if (!Array.isArray(doc.lines) || doc.lines.length === 0) throw new SettlementError(`${where}: lines: at least one line (sku, quantity) is required`);
  doc.lines.forEach((l, n) => {
    if (typeof l.sku !== "string" || l.sku === "") throw new SettlementError(`${where}: lines[${n}].sku: is required`);
    if (typeof l.quantity !== "number" || !Number.isFinite(l.quantity) || l.quantity <= 0) {
      throw new SettlementError(`${where}: lines[${n}].quantity: must be a number above 0, is ${JSON.stringify(l.quantity)}`);
    }
  });
}

/**
 * Applies a movement document to the site's ledger (its movements so far): every line or, when one cannot be taken,
 * none, with a reason per refused line ("site S holds 40 of X; the report uses 55").
 */
export function applyMovement(existing: readonly Movement[], doc: MovementDocument): MovementResult {
  checkMovementDocument(doc);
  const before = ledgerOf(existing);
  if (existing.some((m) => m.document === doc.document && m.kind === doc.kind)) return { outcome: "repeat", document: doc.document, ledger: before };
  const wanted = sumBy(doc.lines, (l) => l.sku, (l) => l.quantity);
  const reasons: string[] = [];
  for (const [sku, quantity] of wanted) {
    const item = before.find((i) => i.sku === sku);
    if (doc.kind === "issue" || doc.kind === "pickup") {
      const holds = item?.balance ?? 0;
      if (quantity > holds) reasons.push(`site ${doc.site} holds ${holds} of ${sku}; ${WORDS[doc.kind]} uses ${quantity} (${doc.kind} ${doc.document}, customer ${doc.customer})`);
    } else if (doc.kind === "return") {
      const issued = item?.issued ?? 0;
      if (quantity > issued) reasons.push(`site ${doc.site} has ${issued} of ${sku} issued and not returned; ${WORDS.return} sends back ${quantity} (return ${doc.document}, customer ${doc.customer})`);
    }
  }
  if (reasons.length) return { outcome: "refused", reasons, ledger: before };
  const movements = [...wanted].map(([sku, quantity]) => ({ customer: doc.customer, site: doc.site, sku, kind: doc.kind, quantity, document: doc.document, at: doc.at }));
  return { outcome: "applied", movements, ledger: ledgerOf([...existing, ...movements]) };
}

/** The customer's stock count of the site: what they found, per item, on a day. */
export interface StockCount {
  document: string;
  at: string;
  lines: MovementLine[];
}

export interface CountDifference {
  sku: string;
  /** What the ledger says stands there (ours). */
  ledger: number;
  counted: number;
  /** counted − ledger: negative is missing at the site. */
  difference: number;
  /** The item's movements since the previous count (all of them when there was none). */
  movements: Movement[];
  /** The movements whose quantity accounts for the difference (a fill-up not yet booked, a use not yet reported). */
  explainedBy: string[];
  explanation: string;
}

export interface CountReconciliation {
  document: string;
  at: string;
  /** The previous count's day, when there was one. */
  since?: string;
  matched: string[];
  differences: CountDifference[];
}

function effect(m: Movement): number {
  return m.kind === "fill-up" ? m.quantity : m.kind === "return" ? 0 : -m.quantity;
}

/**
 * The customer's count against the ledger. Each item whose count differs is listed with the movements since the
 * previous count: a movement whose effect equals the gap (a fill-up the customer has not booked in, a consumption it
 * counted before reporting), or all of them together, explains it; otherwise the difference stands unexplained.
 */
export function reconcileCount(movements: readonly Movement[], count: StockCount, previousCountAt?: string): CountReconciliation {
  const upTo = movements.filter((m) => m.at.slice(0, 10) <= count.at.slice(0, 10));
  const ledger = ledgerOf(upTo);
  const counted = sumBy(count.lines, (l) => l.sku, (l) => l.quantity);
  const skus = [...new Set([...ledger.map((i) => i.sku), ...counted.keys()])];
  const matched: string[] = [];
  const differences: CountDifference[] = [];
  for (const sku of skus) {
    const onLedger = ledger.find((i) => i.sku === sku)?.balance ?? 0;
    const found = counted.get(sku) ?? 0;
    const difference = qty(found - onLedger);
    if (difference === 0) {
      matched.push(sku);
      continue;
    }
    const since = upTo.filter((m) => m.sku === sku && m.kind !== "return" && (previousCountAt === undefined || m.at.slice(0, 10) > previousCountAt.slice(0, 10)));
    const single = since.find((m) => qty(effect(m)) === qty(-difference));
    const all = since.length > 1 && qty(since.reduce((s, m) => s + effect(m), 0)) === qty(-difference);
    const explainedBy = single ? [single.document] : all ? since.map((m) => m.document) : [];
    const gap = difference < 0 ? `${-difference} fewer than the ledger's ${onLedger}` : `${difference} more than the ledger's ${onLedger}`;
    const explanation = single
      ? `${sku}: counted ${found}, ${gap}: explained by ${single.kind} ${single.document} of ${single.at} (${single.quantity}), which the count does not reflect`
      : all
        ? `${sku}: counted ${found}, ${gap}: explained by the ${since.length} movements since ${previousCountAt ? `the count of ${previousCountAt}` : "the start"}, which the count does not reflect`
        : `${sku}: counted ${found}, ${gap}: not explained by any movement since ${previousCountAt ? `the count of ${previousCountAt}` : "the start"} (${since.length} movement${since.length === 1 ? "" : "s"})`;
    differences.push({ sku, ledger: onLedger, counted: found, difference, movements: since, explainedBy, explanation });
  }
  return { document: count.document, at: count.at, ...(previousCountAt ? { since: previousCountAt } : {}), matched, differences };
}
