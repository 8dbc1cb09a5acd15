import { buildBom, type BomLine, type BomStructure } from "./bom";
import { PlanningInputError } from "./errors";
import { add, mul } from "./quantity";

/**
 * The rolled-up standard cost of an item, level by level: a bought part costs its standard cost; a made item costs
 * what its components cost (quantity per × (1 + loss rate) × their rolled-up cost) plus the cost added making it
 * (labour and overhead per unit, `addedCost`). The answer is the indented BOM with each line's cost, so a controller
 * sees where the cost comes from, and a total per level.
 */

export interface CostInput {
  /** Standard cost of one unit, by SKU: needed for every bought part (an item without components). */
  standardCost: Readonly<Record<string, number>>;
  /** Cost added per unit made (labour, overhead), by SKU of a made item. */
  addedCost?: Readonly<Record<string, number>>;
}

export interface CostLine {
  level: number;
  parent: string;
  sku: string;
  quantityPer: number;
  lossRate: number;
  /** Per unit of the item costed, losses included. */
  quantity: number;
  /** `bought` (its standard cost) or `made` (rolled up from its components). */
  kind: "bought" | "made";
  /** The rolled-up cost of one unit of the component. */
  unitCost: number;
  /** quantity × unitCost: what the line adds to one unit of the item costed. */
  extendedCost: number;
}

export interface BomCost {
  item: string;
  /** Rolled-up cost of one unit: material (the components) + added cost. */
  unitCost: number;
  materialCost: number;
  addedCost: number;
  /** The standard cost kept for the item, when one is, beside the rolled-up one: a difference means the standard is out of date. */
  standardCost?: number;
  /** The indented BOM, depth first, with costs. */
  lines: CostLine[];
  /** What the components of each level add, bought parts at their cost and the added cost of made ones (levels sum to unitCost − the item's own added cost). */
  levels: { level: number; boughtCost: number; addedCost: number }[];
}

const money = (x: number) => Math.round(x * 1e6) / 1e6 || 0;

/** Rolled-up unit cost of every item under (and including) `item`, memoised: a shared component is costed once. */
export function rolledCosts(structure: BomStructure, item: string, input: CostInput, memo = new Map<string, number>()): Map<string, number> {
  const visit = (sku: string, path: string[]): number => {
    const known = memo.get(sku);
    if (known !== undefined) return known;
    const lines = structure.components.get(sku) ?? [];
    let cost: number;
    if (lines.length === 0) {
      const c = input.standardCost[sku];
      if (typeof c !== "number" || !Number.isFinite(c) || c < 0) {
        throw new PlanningInputError(`standardCost.${sku}: a bought part needs a standard cost from 0 (is ${c === undefined ? "missing" : JSON.stringify(c)}; used in ${path.join(" → ")})`);
      }
      cost = c;
    } else {
      cost = input.addedCost?.[sku] ?? 0;
      for (const l of lines) cost = add(cost, mul(l.quantity, 1 + (l.lossRate ?? 0), visit(l.child, [...path, l.child])));
    }
    memo.set(sku, money(cost));
    return money(cost);
  };
  visit(item, [item]);
  return memo;
}

/** The rolled-up cost of `item` from BOM lines (valid on `date`, all without one) and standard costs. */
export function bomCost(bom: readonly BomLine[] | BomStructure, item: string, input: CostInput, date?: string): BomCost {
  const structure = Array.isArray(bom) ? buildBom(bom as BomLine[], { date }) : (bom as BomStructure);
  if (!structure.components.has(item) && input.standardCost[item] === undefined) {
    throw new PlanningInputError(`item ${item}: has no BOM${date ? ` valid on ${date.slice(0, 10)}` : ""} and no standard cost`);
  }
  const costs = rolledCosts(structure, item, input);
  const lines: CostLine[] = [];
  const levels = new Map<number, { boughtCost: number; addedCost: number }>();
  const walk = (parent: string, perTop: number, level: number) => {
    for (const l of structure.components.get(parent) ?? []) {
      const lossRate = l.lossRate ?? 0;
      const quantity = mul(perTop, l.quantity, 1 + lossRate);
      const made = (structure.components.get(l.child) ?? []).length > 0;
      const unitCost = costs.get(l.child)!;
      lines.push({ level, parent, sku: l.child, quantityPer: l.quantity, lossRate, quantity, kind: made ? "made" : "bought", unitCost, extendedCost: money(quantity * unitCost) });
      const lv = levels.get(level) ?? { boughtCost: 0, addedCost: 0 };
      if (made) lv.addedCost = money(lv.addedCost + quantity * (input.addedCost?.[l.child] ?? 0));
      else lv.boughtCost = money(lv.boughtCost + quantity * unitCost);
      levels.set(level, lv);
      if (made) walk(l.child, quantity, level + 1);
    }
  };
  walk(item, 1, 1);
  const own = structure.components.has(item) ? (input.addedCost?.[item] ?? 0) : 0;
  const unitCost = costs.get(item)!;
  const standard = input.standardCost[item];
  return {
    item,
    unitCost,
    materialCost: money(unitCost - own),
    addedCost: own,
    ...(structure.components.has(item) && standard !== undefined ? { standardCost: standard } : {}),
    lines,
    levels: [...levels].sort((a, b) => a[0] - b[0]).map(([level, v]) => ({ level, ...v })),
  };
}
