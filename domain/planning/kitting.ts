import { buildBom, type BomLine, type BomStructure, type Substitute } from "./bom";
import { PlanningInputError } from "./errors";
import { array, checkBomLines, number, object, optional, text } from "./input-checks";
import { add, mul, roundUp, sub, tidy } from "./quantity";

/**
 * Kitting (齐套分析): how many of an item can be built from the stock on hand, and what is short for the quantity asked.
 * Single level builds from the item's components on hand; multi-level also builds subassemblies from their own
 * components (after using the subassemblies on hand). Requirements are netted in low-level-code order, so a component
 * shared by several branches is counted once across them.
 */

export interface KittingInput {
  item: string;
  multiLevel: boolean;
  bom: BomLine[];
  stock: Record<string, number>;
  /** Default: one more than can be built, so the answer names what stops the next one. */
  requestedQuantity?: number;
  useSubstitutes?: boolean;
}

export interface Shortage {
  sku: string;
  required: number;
  available: number;
  short: number;
}

export interface SubstituteUse {
  /** The substitute taken from stock. */
  sku: string;
  /** The component it stands in for. */
  for: string;
  /** Units of the substitute used. */
  quantity: number;
  /** Units of the component it replaces (quantity ÷ ratio). */
  replaces: number;
}

export interface KittingAnswer {
  buildable: number;
  shortages: Shortage[];
  /** With `useSubstitutes`: the substitutes the requested quantity takes, in the order tried. */
  substitutesUsed?: SubstituteUse[];
}

interface Allocation {
  complete: boolean;
  shortages: Shortage[];
  substitutesUsed: SubstituteUse[];
}

export function checkKittingInput(value: unknown): asserts value is KittingInput {
  const input = object(value, "input");
  text(input.item, "item");
  if (typeof input.multiLevel !== "boolean") throw new PlanningInputError(`multiLevel: must be true or false (is ${JSON.stringify(input.multiLevel) ?? "missing"})`);
  checkBomLines(input.bom);
  const stock = object(input.stock, "stock");
  for (const [sku, q] of Object.entries(stock)) number(q, `stock.${sku}`, { min: 0 });
  optional(input.requestedQuantity, (v) => number(v, "requestedQuantity", { min: 0, whole: true }));
  if (input.useSubstitutes !== undefined && typeof input.useSubstitutes !== "boolean") throw new PlanningInputError(`useSubstitutes: must be true or false (is ${JSON.stringify(input.useSubstitutes)})`);
  array(input.bom, "bom");
}

/** Substitutes declared for `sku` on the kit's lines, by priority, each once. */
function substitutesOf(lines: readonly BomLine[]): Substitute[] {
  const seen = new Set<string>();
  return lines
    .flatMap((l) => l.substitutes ?? [])
    .sort((a, b) => a.priority - b.priority)
    .filter((s) => !seen.has(s.sku) && seen.add(s.sku));
}

/** Nets `quantity` of the item down its structure and covers what stock lacks with substitutes (when allowed). */
function allocate(input: KittingInput, structure: BomStructure, quantity: number): Allocation {
  const builds = (sku: string) => sku === input.item || (input.multiLevel && structure.components.has(sku));
  const gross = new Map<string, number>([[input.item, quantity]]);
  const left = new Map<string, number>(Object.entries(input.stock));
  const short = new Map<string, number>();
  for (const sku of structure.planningOrder) {
    const need = gross.get(sku) ?? 0;
    if (need === 0) continue;
    const onHand = sku === input.item ? 0 : (left.get(sku) ?? 0);
    const taken = Math.min(onHand, need);
    left.set(sku, sub(onHand, taken));
    if (!builds(sku)) {
      if (need > taken) short.set(sku, sub(need, taken));
      continue;
    }
    const toBuild = sku === input.item ? need : roundUp(sub(need, taken));
    for (const line of structure.components.get(sku) ?? []) gross.set(line.child, add(gross.get(line.child) ?? 0, mul(toBuild, line.quantity)));
  }
  const substitutesUsed: SubstituteUse[] = [];
  if (input.useSubstitutes) {
    for (const [sku, missing] of short) {
      let open = missing;
      for (const s of substitutesOf(structure.parents.get(sku) ?? [])) {
        const free = left.get(s.sku) ?? 0;
        if (open <= 0 || free <= 0) continue;
        const used = Math.min(free, roundUp(mul(open, s.ratio))); // substitutes are taken in whole units
        const replaces = Math.min(open, tidy(used / s.ratio));
        left.set(s.sku, sub(free, used));
        open = sub(open, replaces);
        substitutesUsed.push({ sku: s.sku, for: sku, quantity: used, replaces });
      }
      short.set(sku, open);
    }
  }
  const shortages = [...short]
    .filter(([, q]) => q > 0)
    .map(([sku, q]) => ({ sku, required: gross.get(sku)!, available: input.stock[sku] ?? 0, short: q }));
  return { complete: shortages.length === 0, shortages, substitutesUsed };
}

/** The structure under `item` only: lines of other products do not take part. */
function kitStructure(input: KittingInput): BomStructure {
  const all = buildBom(input.bom);
  if (!all.components.has(input.item)) throw new PlanningInputError(`item ${input.item} has no BOM lines: nothing to kit`);
  const lines: BomLine[] = [];
  const seen = new Set<string>();
  const walk = (sku: string) => {
    if (seen.has(sku)) return;
    seen.add(sku);
    for (const line of all.components.get(sku) ?? []) {
      lines.push(line);
      if (input.multiLevel) walk(line.child);
    }
  };
  walk(input.item);
  return buildBom(lines);
}

/** Most that can be built: doubling, then halving, on whole units (complete(n) only gets harder as n grows). */
function mostBuildable(complete: (n: number) => boolean): number {
  let hi = 1;
  while (complete(hi)) {
    hi *= 2;
    if (hi > 2 ** 40) return 2 ** 40;
  }
  let lo = hi / 2 < 1 ? 0 : hi / 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (complete(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The kitting answer. Throws PlanningInputError for input a planner must correct (a BOM cycle, an item without BOM). */
export function kitting(input: KittingInput): KittingAnswer {
  checkKittingInput(input);
  const structure = kitStructure(input);
  const buildable = mostBuildable((n) => allocate(input, structure, n).complete);
  const requested = input.requestedQuantity ?? buildable + 1;
  const { shortages, substitutesUsed } = allocate(input, structure, requested);
  return { buildable, shortages, ...(input.useSubstitutes ? { substitutesUsed } : {}) };
}
