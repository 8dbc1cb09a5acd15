import type { BomLine } from "../domain/planning/bom";
import type { MrpInput, MrpItem } from "../domain/planning/mrp";
import { prng } from "../runtime/seeded-random";

/**
 * The planning benchmark's data, made the same on every run from a seed: `items` items on `levels` levels (level 0 the
 * end items, the last level bought parts), `lines` BOM lines (each parent's components on the next level, one in five
 * on a level further down, none twice), `demand` independent demand lines on the end items over `periods` periods.
 */

export interface BenchSizes {
  items: number;
  levels: number;
  lines: number;
  periods: number;
  demand: number;
}

export const BENCH_SIZES: BenchSizes = { items: 20_000, levels: 6, lines: 100_000, periods: 52, demand: 10_000 };

export interface BenchData {
  /** Item ids per level. */
  levels: string[][];
  bom: BomLine[];
  mrp: MrpInput;
}

/** Level sizes growing towards the bought parts: 1, 2, 3, 4, 5, 5 parts of 20 for 6 levels. */
function levelSizes(items: number, levels: number): number[] {
  const weights = Array.from({ length: levels }, (_, l) => Math.min(l + 1, levels - 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.floor((items * w) / total));
  sizes[levels - 1] += items - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

export function benchData(sizes: BenchSizes = BENCH_SIZES, seed = 14): BenchData {
  const random = prng(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const levels = levelSizes(sizes.items, sizes.levels).map((n, l) => Array.from({ length: n }, (_, i) => `L${l}-${String(i).padStart(5, "0")}`));
  const parents = levels.slice(0, -1).flat();
  const levelOf = new Map<string, number>();
  levels.forEach((ids, l) => ids.forEach((id) => levelOf.set(id, l)));
  // every parent gets lines/parents components, the remainder spread one each over the first parents
  const base = Math.floor(sizes.lines / parents.length);
  let extra = sizes.lines - base * parents.length;
  const bom: BomLine[] = [];
  for (const parent of parents) {
    const l = levelOf.get(parent)!;
    const count = base + (extra-- > 0 ? 1 : 0);
    const chosen = new Set<string>();
    while (chosen.size < count) {
      const deeper = l + 1 < sizes.levels - 1 && random() < 0.2 ? l + 2 + pick(sizes.levels - l - 2) : l + 1;
      chosen.add(levels[deeper][pick(levels[deeper].length)]);
    }
    for (const child of chosen) {
      const quantity = 1 + pick(4);
      bom.push({ parent, child, quantity, ...(random() < 0.1 ? { lossRate: [0.02, 0.05, 0.1][pick(3)] } : {}) });
    }
  }
  const items: MrpItem[] = levels.flatMap((ids, l) =>
    ids.map((id) => ({
      id,
      leadTime: 1 + pick(3),
      onHand: pick(50),
      source: l === sizes.levels - 1 ? ("buy" as const) : ("make" as const),
      lotSizing: random() < 0.8 ? { rule: "lot-for-lot" as const } : { rule: "fixed" as const, quantity: 50 },
    })),
  );
  const demand = Array.from({ length: sizes.demand }, () => ({ item: levels[0][pick(levels[0].length)], period: 1 + pick(sizes.periods), quantity: 1 + pick(20) }));
  return { levels, bom, mrp: { periods: sizes.periods, items, bom, demand } };
}

/** Indented-BOM lines (paths) under each item: 1 + its own for every component line. */
export function pathCounts(bom: readonly BomLine[]): Map<string, number> {
  const children = new Map<string, string[]>();
  for (const l of bom) (children.get(l.parent) ?? children.set(l.parent, []).get(l.parent)!).push(l.child);
  const memo = new Map<string, number>();
  const count = (item: string): number => {
    const known = memo.get(item);
    if (known !== undefined) return known;
    let n = 0;
    for (const c of children.get(item) ?? []) n += 1 + count(c);
    memo.set(item, n);
    return n;
  };
  for (const p of children.keys()) count(p);
  return memo;
}

/** The end item whose explosion has the number of lines nearest `target`. */
export function structureNear(data: BenchData, target = 10_000): { item: string; lines: number } {
  const counts = pathCounts(data.bom);
  let best = { item: data.levels[0][0], lines: counts.get(data.levels[0][0]) ?? 0 };
  for (const item of data.levels[0]) {
    const n = counts.get(item) ?? 0;
    if (Math.abs(n - target) < Math.abs(best.lines - target)) best = { item, lines: n };
  }
  return best;
}
