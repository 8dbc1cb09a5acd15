import { buildBom, type BomLine, type BomStructure } from "./bom";
import { PlanningInputError } from "./errors";
import { add, mul } from "./quantity";

/**
 * The indented BOM (multi-level explosion) and where-used, as a planner reads them: each line with its level, the
 * quantity per parent and the quantity for the whole lot, losses included.
 */

export interface ExplosionLine {
  /** 1 for the components of the item exploded. */
  level: number;
  parent: string;
  sku: string;
  /** Per unit of the parent, as the BOM line says. */
  quantityPer: number;
  lossRate: number;
  /** For the quantity exploded: parent quantity × quantity per × (1 + loss rate). */
  quantity: number;
}

export interface Explosion {
  item: string;
  quantity: number;
  date?: string;
  /** Depth first, components in BOM line order: the indented BOM. */
  lines: ExplosionLine[];
  /** Each component once, summed over every place it is used, by level then name. */
  totals: { sku: string; lowLevelCode: number; quantity: number }[];
}

function known(structure: BomStructure, item: string, date?: string): void {
  if (!structure.lowLevelCodes.has(item)) throw new PlanningInputError(`item ${item} is in no BOM line${date ? ` valid on ${date.slice(0, 10)}` : ""}`);
}

/** The structure of `lines`, or the one given. */
const structureOf = (bom: readonly BomLine[] | BomStructure, date?: string): BomStructure => (Array.isArray(bom) ? buildBom(bom as BomLine[], { date }) : (bom as BomStructure));

/** Multi-level explosion of `quantity` of `item`, with the lines valid on `date` (all lines without one). */
export function explode(bom: readonly BomLine[] | BomStructure, item: string, quantity = 1, date?: string): Explosion {
  const structure = structureOf(bom, date);
  known(structure, item, date);
  const lines: ExplosionLine[] = [];
  const totals = new Map<string, number>();
  const walk = (parent: string, parentQuantity: number, level: number) => {
    for (const line of structure.components.get(parent) ?? []) {
      const lossRate = line.lossRate ?? 0;
      const q = mul(parentQuantity, line.quantity, 1 + lossRate);
      lines.push({ level, parent, sku: line.child, quantityPer: line.quantity, lossRate, quantity: q });
      totals.set(line.child, add(totals.get(line.child) ?? 0, q));
      walk(line.child, q, level + 1);
    }
  };
  walk(item, quantity, 1);
  const llc = structure.lowLevelCodes;
  return {
    item,
    quantity,
    ...(date ? { date } : {}),
    lines,
    totals: [...totals]
      .map(([sku, q]) => ({ sku, lowLevelCode: llc.get(sku)!, quantity: q }))
      .sort((a, b) => a.lowLevelCode - b.lowLevelCode || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)),
  };
}

export interface WhereUsedLine {
  /** 1: a direct parent of the item; 2: a parent of such a parent… */
  level: number;
  parent: string;
  /** The component of `parent` through which the item is used (the item itself on level 1). */
  component: string;
  quantityPer: number;
  /** From the parent down to the item: `[parent, …, item]`. */
  path: string[];
}

/**
 * Where `item` is used: its direct parents (single level), or every assembly above it, each path once (multi-level),
 * with the lines valid on `date` (all lines without one).
 */
export function whereUsed(bom: readonly BomLine[] | BomStructure, item: string, options: { multiLevel?: boolean; date?: string } = {}): WhereUsedLine[] {
  const structure = structureOf(bom, options.date);
  known(structure, item, options.date);
  const found: WhereUsedLine[] = [];
  const climb = (sku: string, below: string[], level: number) => {
    for (const line of structure.parents.get(sku) ?? []) {
      const path = [line.parent, ...below];
      found.push({ level, parent: line.parent, component: sku, quantityPer: line.quantity, path });
      if (options.multiLevel) climb(line.parent, path, level + 1);
    }
  };
  climb(item, [item], 1);
  return found;
}
