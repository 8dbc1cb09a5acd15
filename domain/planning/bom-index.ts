import type { BomStructure } from "./bom";

/**
 * A BOM held as numbers, for the hot loops of explosion and MRP: every item gets a number, and the component lines of
 * item i are lines `first[i]` … `first[i + 1] − 1` of flat typed arrays (child number, quantity, 1 + loss rate), in the
 * order the lines were given. No strings or maps are touched while walking it.
 */
export interface BomIndex {
  /** Item number → SKU. */
  readonly names: readonly string[];
  /** SKU → item number. */
  readonly numbers: ReadonlyMap<string, number>;
  readonly lowLevelCode: Int32Array;
  /** Item numbers in planning order: by low-level code, then SKU. */
  readonly order: Int32Array;
  /** Components of item i: lines first[i] … first[i + 1] − 1. */
  readonly first: Int32Array;
  readonly child: Int32Array;
  readonly quantity: Float64Array;
  readonly lossRate: Float64Array;
  /** 1 + loss rate, as the explosion and MRP multiply it. */
  readonly lossFactor: Float64Array;
}

interface LineLike {
  parent: string;
  child: string;
  quantity: number;
  lossRate?: number;
}

/** The component lines of `lines` by parent number, in the order given (a counting sort: two passes, no lists). */
function adjacency(count: number, lines: readonly LineLike[], numberOf: (sku: string) => number) {
  const parentOf = new Int32Array(lines.length);
  const first = new Int32Array(count + 1);
  for (let k = 0; k < lines.length; k++) {
    const p = numberOf(lines[k].parent);
    parentOf[k] = p;
    first[p + 1]++;
  }
  for (let i = 0; i < count; i++) first[i + 1] += first[i];
  const next = first.slice(0, count);
  const child = new Int32Array(lines.length);
  const quantity = new Float64Array(lines.length);
  const lossRate = new Float64Array(lines.length);
  const lossFactor = new Float64Array(lines.length);
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    const at = next[parentOf[k]]++;
    child[at] = numberOf(line.child);
    quantity[at] = line.quantity;
    const loss = line.lossRate ?? 0;
    lossRate[at] = loss;
    lossFactor[at] = 1 + loss;
  }
  return { first, child, quantity, lossRate, lossFactor };
}

/**
 * The index of `lines` over the items `names` (each line's parent and child must be one of them), with low-level codes
 * by longest path (Kahn) and the planning order; undefined when the lines hold a cycle (buildBom names it).
 */
export function indexLines(names: readonly string[], lines: readonly LineLike[]): BomIndex | undefined {
  const count = names.length;
  const numbers = new Map<string, number>();
  for (let i = 0; i < count; i++) numbers.set(names[i], i);
  const numberOf = (sku: string) => {
    const n = numbers.get(sku);
    if (n === undefined) throw new Error(`BOM index: item ${sku} is not among the items indexed`);
    return n;
  };
  const adj = adjacency(count, lines, numberOf);
  const { first, child } = adj;
  const waiting = new Int32Array(count);
  for (let k = 0; k < child.length; k++) waiting[child[k]]++;
  const lowLevelCode = new Int32Array(count);
  const ready = new Int32Array(count);
  let top = 0;
  for (let i = 0; i < count; i++) if (waiting[i] === 0) ready[top++] = i;
  let settled = 0;
  while (top > 0) {
    const p = ready[--top];
    settled++;
    const code = lowLevelCode[p] + 1;
    for (let k = first[p]; k < first[p + 1]; k++) {
      const c = child[k];
      if (lowLevelCode[c] < code) lowLevelCode[c] = code;
      if (--waiting[c] === 0) ready[top++] = c;
    }
  }
  if (settled < count) return undefined;
  const order = Int32Array.from({ length: count }, (_, i) => i).sort((a, b) => lowLevelCode[a] - lowLevelCode[b] || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  return { names, numbers, lowLevelCode, order, ...adj };
}

const cache = new WeakMap<BomStructure, BomIndex>();

/**
 * The index of a built structure, made on first use and kept with it (a structure is not changed once built, as its
 * readonly type says): item numbers follow the structure's planning order, so sorting by number sorts by low-level
 * code, then SKU.
 */
export function bomIndex(structure: BomStructure): BomIndex {
  const known = cache.get(structure);
  if (known) return known;
  const lines: LineLike[] = [];
  for (const list of structure.components.values()) for (const line of list) lines.push(line);
  let names: readonly string[] = structure.planningOrder;
  // a structure made by hand may name an item in its lines only: then number every item by low-level code and SKU
  const listed = new Set(names);
  if (lines.some((l) => !listed.has(l.parent) || !listed.has(l.child))) {
    for (const l of lines) listed.add(l.parent).add(l.child);
    const code = (sku: string) => structure.lowLevelCodes.get(sku) ?? 0;
    names = [...listed].sort((a, b) => code(a) - code(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  const numbers = new Map<string, number>();
  for (let i = 0; i < names.length; i++) numbers.set(names[i], i);
  const numberOf = (sku: string) => numbers.get(sku)!;
  const adj = adjacency(names.length, lines, numberOf);
  const lowLevelCode = Int32Array.from(names, (sku) => structure.lowLevelCodes.get(sku) ?? 0);
  const index: BomIndex = { names, numbers, lowLevelCode, order: Int32Array.from(names, (_, i) => i), ...adj };
  cache.set(structure, index);
  return index;
}
