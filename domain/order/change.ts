// A change to an order: what differs between the revision the hub decided and the one the buyer sends now, and which
// of the order desk's rules that touches. A price changed on a line is price-check's; a quantity or a date changed, a
// line added or taken out is ATP's and credit's (more or less to promise, more or less exposure); a line or an item
// the order did not have before must pass audit too. Order-level money (allowances, charges, the payable amount) is
// credit's, a new currency or payment terms audit's and credit's. Pure: the two revisions in, the delta out.
import type { CanonicalOrder, OrderLine } from "./canonical-order";
import type { RuleName } from "./decision";

export type LineChange =
  | { kind: "added"; lineNumber: string; sku: string; quantity: number }
  | { kind: "removed"; lineNumber: string; sku: string; quantity: number }
  | { kind: "price"; lineNumber: string; sku: string; from?: number; to?: number }
  | { kind: "quantity"; lineNumber: string; sku: string; from: number; to: number }
  | { kind: "date"; lineNumber: string; sku: string; from?: string; to?: string }
  | { kind: "item"; lineNumber: string; from: string; to: string };

export type HeaderChange = "currency" | "payment-terms" | "allowances" | "charges" | "requested-delivery" | "order-type" | "buyer-details";

export interface OrderDelta {
  lines: LineChange[];
  header: HeaderChange[];
  /** The rules the change touches, in the chain's order; the others' decisions on the previous revision stand. */
  rules: RuleName[];
  /** The delta in the order desk's words, one sentence per change. */
  reasons: string[];
}

const CHAIN: readonly RuleName[] = ["audit", "price", "credit", "atp"];

const RULES_OF: Record<LineChange["kind"] | HeaderChange, readonly RuleName[]> = {
  added: ["audit", "price", "credit", "atp"],
  removed: ["credit", "atp"],
  price: ["price", "credit"],
  quantity: ["price", "credit", "atp"],
  date: ["credit", "atp"],
  item: ["audit", "price", "credit", "atp"],
  currency: ["audit", "price", "credit"],
  "payment-terms": ["audit"],
  allowances: ["audit", "credit"],
  charges: ["credit"],
  "requested-delivery": ["atp"],
  "order-type": ["atp"],
  "buyer-details": [],
};

/** A line's own price: its unit price, else its amount over its quantity. */
function priceOf(line: OrderLine): number | undefined {
  if (line.unitPrice !== undefined) return line.unitPrice;
  return line.lineAmount !== undefined && line.quantity ? Math.round((line.lineAmount / line.quantity) * 1e6) / 1e6 : undefined;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function lineChanges(before: OrderLine, after: OrderLine): LineChange[] {
  const { lineNumber, sku } = after;
  const changes: LineChange[] = [];
  if (before.sku !== after.sku) return [{ kind: "item", lineNumber, from: before.sku, to: after.sku }];
  if (priceOf(before) !== priceOf(after)) changes.push({ kind: "price", lineNumber, sku, from: priceOf(before), to: priceOf(after) });
  if (before.quantity !== after.quantity) changes.push({ kind: "quantity", lineNumber, sku, from: before.quantity, to: after.quantity });
  if (before.requestedDate !== after.requestedDate) changes.push({ kind: "date", lineNumber, sku, from: before.requestedDate, to: after.requestedDate });
  return changes;
}

function sentence(c: LineChange | HeaderChange): string {
  if (typeof c === "string") return `${c.replace("-", " ")} changed`;
  switch (c.kind) {
    case "added":
      return `line ${c.lineNumber} (${c.sku}) added: ${c.quantity}`;
    case "removed":
      return `line ${c.lineNumber} (${c.sku}) taken out (was ${c.quantity})`;
    case "price":
      return `line ${c.lineNumber} (${c.sku}) unit price ${c.from ?? "none"} → ${c.to ?? "none"}`;
    case "quantity":
      return `line ${c.lineNumber} (${c.sku}) quantity ${c.from} → ${c.to}`;
    case "date":
      return `line ${c.lineNumber} (${c.sku}) requested date ${c.from ?? "none"} → ${c.to ?? "none"}`;
    case "item":
      return `line ${c.lineNumber} item ${c.from} → ${c.to}`;
  }
}

/** What changed from `before` (the revision decided) to `after` (the change), and the rules to run again. */
export function orderDelta(before: CanonicalOrder, after: CanonicalOrder): OrderDelta {
  const previous = new Map(before.lines.map((l) => [l.lineNumber, l]));
  const current = new Set(after.lines.map((l) => l.lineNumber));
  const lines: LineChange[] = [];
  for (const line of after.lines) {
    const was = previous.get(line.lineNumber);
    if (!was) lines.push({ kind: "added", lineNumber: line.lineNumber, sku: line.sku, quantity: line.quantity });
    else lines.push(...lineChanges(was, line));
  }
  for (const line of before.lines) if (!current.has(line.lineNumber)) lines.push({ kind: "removed", lineNumber: line.lineNumber, sku: line.sku, quantity: line.quantity });
  const header: HeaderChange[] = [];
  if (before.currency !== after.currency) header.push("currency");
  if (!same(before.paymentTerms, after.paymentTerms)) header.push("payment-terms");
  if (!same(before.allowances, after.allowances)) header.push("allowances");
  if (!same(before.charges, after.charges)) header.push("charges");
  if (!same(before.requestedDelivery, after.requestedDelivery)) header.push("requested-delivery");
  if (before.orderType !== after.orderType) header.push("order-type");
  const touched = new Set([...lines.map((c) => c.kind), ...header].flatMap((k) => RULES_OF[k]));
  return { lines, header, rules: CHAIN.filter((r) => touched.has(r)), reasons: [...lines, ...header].map(sentence) };
}
