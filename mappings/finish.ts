// After the mapping: drop empty values, apply the canonical defaults, and compute what the document left out
// (line amounts, totals). The result still goes through the schema.
import { minorUnits, roundTo } from "../domain/order/totals";
import type { OrderFormat } from "./errors";

type Json = Record<string, unknown>;

/** Removes undefined, null, empty strings, empty objects and arrays; copies JSONata sequences into plain arrays. */
export function compact(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(compact).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value && typeof value === "object") {
    const out: Json = {};
    for (const [key, v] of Object.entries(value)) {
      const c = compact(v);
      if (c !== undefined) out[key] = c;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value === null || value === "" ? undefined : value;
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function sum(items: unknown, key: string): number {
  return Array.isArray(items) ? items.reduce((total: number, item: Json) => total + (isNum(item?.[key]) ? item[key] : 0), 0) : 0;
}

function completeLines(lines: unknown, digits: number): void {
  if (!Array.isArray(lines)) return;
  for (const line of lines as Json[]) {
    if (line && !isNum(line.lineAmount) && isNum(line.quantity) && isNum(line.unitPrice)) {
      line.lineAmount = roundTo(line.quantity * line.unitPrice, digits);
    }
  }
}

function completeTotals(order: Json, digits: number): Json {
  const given = (order.totals ?? {}) as Json;
  const lineTotal = isNum(given.lineTotal) ? given.lineTotal : roundTo(sum(order.lines, "lineAmount"), digits);
  const allowanceTotal = isNum(given.allowanceTotal) ? given.allowanceTotal : roundTo(sum(order.allowances, "amount"), digits);
  const chargeTotal = isNum(given.chargeTotal) ? given.chargeTotal : roundTo(sum(order.charges, "amount"), digits);
  const taxTotal = isNum(given.taxTotal) ? given.taxTotal : 0;
  const payable = isNum(given.payable) ? given.payable : roundTo(lineTotal - allowanceTotal + chargeTotal + taxTotal, digits);
  return { ...given, lineTotal, allowanceTotal, chargeTotal, taxTotal, payable };
}

export interface FinishOptions {
  format: OrderFormat;
  sourceSystem?: string;
}

/** Turns a mapping's draft into a complete canonical order (not yet validated). */
export function finishOrder(draft: unknown, opts: FinishOptions): unknown {
  const order = (compact(draft) ?? {}) as Json;
  if (typeof order !== "object" || Array.isArray(order)) return order;
  const source = (order.source ?? {}) as Json;
  const digits = minorUnits(String(order.currency));
  completeLines(order.lines, digits);
  // a change or a cancellation without a revision of its own is numbered at intake (previous revision + 1)
  const changes = order.purpose === "change" || order.purpose === "cancel";
  const revision = order.revision ?? (changes ? undefined : 0);
  const orderType = order.orderType ?? "standard";
  return Object.assign({ orderNumber: order.orderNumber, revision, orderType }, order, {
    revision,
    lines: order.lines ?? [],
    orderType,
    source: { ...source, system: opts.sourceSystem ?? source.system ?? "unknown", format: opts.format },
    allowances: order.allowances ?? [],
    charges: order.charges ?? [],
    totals: completeTotals(order, digits),
  });
}
