import { BomCycleError } from "./errors";

/**
 * Multi-level bills of material as a planner keeps them: one line per parent and component, with the quantity per
 * parent, the loss expected in production, the dates the line is valid and the parts that may stand in for it.
 */

export interface Substitute {
  sku: string;
  /** Units of the substitute that replace one unit of the component. */
  ratio: number;
  /** 1 is tried first. */
  priority: number;
}

export interface BomLine {
  parent: string;
  child: string;
  /** Units of the component per unit of the parent. */
  quantity: number;
  /** Share lost in production: 0.05 asks for 5 % more of the component. */
  lossRate?: number;
  /** First day the line is valid (ISO date, inclusive). */
  validFrom?: string;
  /** First day the line is no longer valid (ISO date, exclusive): an ECO ends the old line and starts the new one on the same day. */
  validTo?: string;
  substitutes?: Substitute[];
}

export interface BomStructure {
  /** Lines by parent, in the order given. */
  readonly components: ReadonlyMap<string, readonly BomLine[]>;
  /** Lines by component, in the order given. */
  readonly parents: ReadonlyMap<string, readonly BomLine[]>;
  /** Low-level code of every item the lines name: 0 for an end item, else one more than its deepest parent. */
  readonly lowLevelCodes: ReadonlyMap<string, number>;
  /** Every item the lines name, by low-level code, then name: the order MRP plans them in. */
  readonly planningOrder: readonly string[];
}

const day = (d: string) => d.slice(0, 10);

/** Is the line valid on `date`? A line without dates always is. */
export function isEffective(line: BomLine, date: string): boolean {
  const at = day(date);
  return (!line.validFrom || day(line.validFrom) <= at) && (!line.validTo || at < day(line.validTo));
}

/** The lines valid on `date`; all of them without a date. */
export function effectiveLines<L extends BomLine>(lines: readonly L[], date?: string): L[] {
  return date ? lines.filter((l) => isEffective(l, date)) : [...lines];
}

function groupBy(lines: readonly BomLine[], key: "parent" | "child"): Map<string, BomLine[]> {
  const map = new Map<string, BomLine[]>();
  for (const line of lines) {
    const list = map.get(line[key]);
    if (list) list.push(line);
    else map.set(line[key], [line]);
  }
  return map;
}

/** The first loop found, as the path that closes it (`A → B → C → A`), or undefined. Iterative: deep BOMs are fine. */
export function findCycle(components: ReadonlyMap<string, readonly BomLine[]>): string[] | undefined {
  const DONE = 2;
  const ON_PATH = 1;
  const state = new Map<string, number>();
  for (const root of [...components.keys()].sort()) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const next: number[] = [0];
    state.set(root, ON_PATH);
    while (path.length) {
      const item = path[path.length - 1];
      const lines = components.get(item) ?? [];
      const i = next[next.length - 1]++;
      if (i >= lines.length) {
        state.set(item, DONE);
        path.pop();
        next.pop();
        continue;
      }
      const child = lines[i].child;
      const seen = state.get(child);
      if (seen === ON_PATH) return [...path.slice(path.indexOf(child)), child];
      if (seen === undefined) {
        state.set(child, ON_PATH);
        path.push(child);
        next.push(0);
      }
    }
  }
  return undefined;
}

/** Low-level codes by longest path from an end item, in topological order (Kahn), so each item is settled once. */
function lowLevelCodes(items: Iterable<string>, components: ReadonlyMap<string, readonly BomLine[]>, parents: ReadonlyMap<string, readonly BomLine[]>): Map<string, number> {
  const codes = new Map<string, number>();
  const waiting = new Map<string, number>();
  const ready: string[] = [];
  // an item waits for each line that uses it (two lines of one parent count twice, and are settled twice)
  for (const item of items) {
    const n = parents.get(item)?.length ?? 0;
    waiting.set(item, n);
    codes.set(item, 0);
    if (n === 0) ready.push(item);
  }
  while (ready.length) {
    const item = ready.pop()!;
    const code = codes.get(item)! + 1;
    for (const { child } of components.get(item) ?? []) {
      if (codes.get(child)! < code) codes.set(child, code);
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return codes;
}

/**
 * The structure of `lines` (those valid on `date` when one is given). Refuses a cycle, on any date, with a
 * BomCycleError naming the loop. `items` adds items that have no BOM line (a bought part nobody uses yet) with low-level code 0.
 */
export function buildBom(lines: readonly BomLine[], options: { date?: string; items?: Iterable<string> } = {}): BomStructure {
  const valid = effectiveLines(lines, options.date);
  const components = groupBy(valid, "parent");
  const parents = groupBy(valid, "child");
  // A loop is refused whatever the date asked: lines that close it on another day are still wrong master data.
  const loop = findCycle(options.date ? groupBy(lines, "parent") : components);
  if (loop) throw new BomCycleError(loop);
  const items = new Set<string>(options.items ?? []);
  for (const l of valid) items.add(l.parent).add(l.child);
  const codes = lowLevelCodes(items, components, parents);
  const planningOrder = [...items].sort((a, b) => codes.get(a)! - codes.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  return { components, parents, lowLevelCodes: codes, planningOrder };
}
