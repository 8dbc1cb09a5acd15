import { buildBom, type BomLine, type BomStructure } from "./bom";
import { PlanningInputError } from "./errors";
import { bomIndex, type BomIndex } from "./bom-index";
import { tidy } from "./quantity";

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

/** Per index: the running total of each component and which ones the current explosion touched, reused by every call. */
interface Scratch {
  total: Float64Array;
  seen: Uint8Array;
  touched: Int32Array;
}
const scratches = new WeakMap<BomIndex, Scratch>();
const scratchOf = (ix: BomIndex): Scratch => {
  let s = scratches.get(ix);
  if (!s) scratches.set(ix, (s = { total: new Float64Array(ix.names.length), seen: new Uint8Array(ix.names.length), touched: new Int32Array(ix.names.length) }));
  return s;
};

/**
 * Depth first from item number `parent`, components in line order; returns the count of components touched.
 * Quantities as `mul(parentQuantity, quantityPer, 1 + lossRate)` and `add(total, q)` compute them (quantity.ts).
 */
function walk(ix: BomIndex, s: Scratch, lines: ExplosionLine[], parent: number, parentQuantity: number, level: number, touched: number): number {
  const { first, child, quantity, lossRate, lossFactor, names } = ix;
  const { total, seen } = s;
  const parentSku = names[parent];
  for (let k = first[parent], end = first[parent + 1]; k < end; k++) {
    const c = child[k];
    const q = tidy(parentQuantity * quantity[k] * lossFactor[k]);
    lines.push({ level, parent: parentSku, sku: names[c], quantityPer: quantity[k], lossRate: lossRate[k], quantity: q });
    if (seen[c] === 0) {
      seen[c] = 1;
      total[c] = tidy(0 + q);
      s.touched[touched++] = c;
    } else total[c] = tidy(total[c] + q);
    if (first[c + 1] > first[c]) touched = walk(ix, s, lines, c, q, level + 1, touched);
  }
  return touched;
}

/**
 * Multi-level explosion of `quantity` of `item`, with the lines valid on `date` (all lines without one). On a built
 * structure the walk runs over its numeric index (bom-index.ts), made on the first explosion and kept with it.
 */
export function explode(bom: readonly BomLine[] | BomStructure, item: string, quantity = 1, date?: string): Explosion {
  const structure = structureOf(bom, date);
  known(structure, item, date);
  const ix = bomIndex(structure);
  const s = scratchOf(ix);
  const lines: ExplosionLine[] = [];
  const root = ix.numbers.get(item);
  const count = root === undefined ? 0 : walk(ix, s, lines, root, quantity, 1, 0);
  // item numbers follow the planning order: sorted numbers are by low-level code, then SKU
  const touched = s.touched.subarray(0, count).sort();
  const totals: Explosion["totals"] = [];
  for (let k = 0; k < count; k++) {
    const c = touched[k];
    totals.push({ sku: ix.names[c], lowLevelCode: ix.lowLevelCode[c], quantity: s.total[c] });
    s.seen[c] = 0;
  }
  return { item, quantity, ...(date ? { date } : {}), lines, totals };
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
