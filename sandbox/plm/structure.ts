import { findCycle, isEffective, type BomLine } from "../../domain/planning/bom";
import { amount, invalid, isoDate, list, record, text } from "../standin-http";

/**
 * The sandbox PLM's product structure: the demo manufacturer's make items (tests/fixtures/master/manufacturer.json:
 * the gear housings FG-1000 … FG-1004 and the drive DRV-CTO-200) with the machined housings, castings and bought
 * parts they are made of, up to four levels deep (DRV-CTO-200 → FG-1004 → SF-HSG-2 → RM-CAST-2); and engineering
 * changes (ECOs) applied to it the way planning reads BOM lines (domain/planning/bom.ts): a change ends the old line
 * on its effective date and starts the new one the same day.
 */

export interface PlmItem {
  item: string;
  name: string;
  /** make: it has a BOM; buy: a purchased part or raw material. */
  type: "make" | "buy";
  unit: string;
}

const make = (item: string, name: string): PlmItem => ({ item, name, type: "make", unit: "H87" });
const buy = (item: string, name: string, unit = "H87"): PlmItem => ({ item, name, type: "buy", unit });

export const SEED_ITEMS: readonly PlmItem[] = [
  make("FG-1000", "Gear housing type 1"),
  make("FG-1001", "Gear housing type 2"),
  make("FG-1002", "Gear housing type 3, machined to drawing"),
  make("FG-1003", "Gear housing type 4, assembled with seals"),
  make("FG-1004", "Gear housing type 5, assembled with bearings"),
  make("DRV-CTO-200", "Drive unit, configured to order"),
  make("SF-HSG-1", "Machined housing, size 1"),
  make("SF-HSG-2", "Machined housing, size 2"),
  make("SF-HSG-3", "Housing machined to customer drawing"),
  buy("RM-CAST-1", "Grey iron casting, housing size 1"),
  buy("RM-CAST-2", "Grey iron casting, housing size 2"),
  buy("BOLT-M8", "Hex bolt M8x25, 8.8 zinc plated"),
  buy("SEAL-45", "Radial shaft seal 45 mm"),
  buy("BRG-6204", "Deep groove ball bearing 6204"),
  buy("MOT-075", "Three-phase motor 0.75 kW"),
  buy("CAB-CTRL", "Control cable set"),
];

const line = (parent: string, child: string, quantity: number, lossRate?: number): BomLine => ({ parent, child, quantity, ...(lossRate === undefined ? {} : { lossRate }) });

export const SEED_LINES: readonly BomLine[] = [
  line("FG-1000", "SF-HSG-1", 1),
  line("FG-1000", "BOLT-M8", 8, 0.02),
  line("FG-1001", "SF-HSG-2", 1),
  line("FG-1001", "BOLT-M8", 8, 0.02),
  line("FG-1002", "SF-HSG-3", 1),
  line("FG-1002", "BOLT-M8", 10, 0.02),
  line("FG-1003", "SF-HSG-1", 1),
  line("FG-1003", "SEAL-45", 2),
  line("FG-1003", "BOLT-M8", 8, 0.02),
  line("FG-1004", "SF-HSG-2", 1),
  line("FG-1004", "BRG-6204", 2),
  line("FG-1004", "SEAL-45", 1),
  line("FG-1004", "BOLT-M8", 8, 0.02),
  line("DRV-CTO-200", "FG-1004", 1),
  line("DRV-CTO-200", "MOT-075", 1),
  line("DRV-CTO-200", "CAB-CTRL", 1),
  line("DRV-CTO-200", "BOLT-M8", 4, 0.02),
  line("SF-HSG-1", "RM-CAST-1", 1, 0.03),
  line("SF-HSG-2", "RM-CAST-2", 1, 0.03),
  line("SF-HSG-3", "RM-CAST-2", 1, 0.05),
];

export type EcoChange =
  | { action: "add"; parent: string; child: string; quantity: number; lossRate?: number }
  | { action: "change"; parent: string; child: string; quantity?: number; lossRate?: number }
  | { action: "remove"; parent: string; child: string };

export interface Eco {
  id: string;
  reason: string;
  effectiveDate: string;
  changes: EcoChange[];
}

function lossRate(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = amount(value, field, "0 or more");
  if (n >= 1) throw invalid(`${field}: must be below 1 (0.05 is 5 % loss; is ${n})`);
  return n;
}

/** An ECO as POST /ecos gives it; 422 naming the field. */
export function ecoOf(body: Record<string, unknown>): Eco {
  const changes = list(body.changes, "changes").map((raw, i): EcoChange => {
    const c = record(raw, `changes[${i}]`);
    const at = `changes[${i}]`;
    const parent = text(c.parent, `${at}.parent`);
    const child = text(c.child, `${at}.child`);
    if (parent === child) throw invalid(`${at}.child: ${child} cannot be a component of itself`);
    switch (c.action) {
      case "add":
        return { action: "add", parent, child, quantity: amount(c.quantity, `${at}.quantity`), ...(c.lossRate === undefined ? {} : { lossRate: lossRate(c.lossRate, `${at}.lossRate`) }) };
      case "change": {
        if (c.quantity === undefined && c.lossRate === undefined) throw invalid(`${at}: a change gives a new quantity or lossRate`);
        return { action: "change", parent, child, ...(c.quantity === undefined ? {} : { quantity: amount(c.quantity, `${at}.quantity`) }), ...(c.lossRate === undefined ? {} : { lossRate: lossRate(c.lossRate, `${at}.lossRate`) }) };
      }
      case "remove":
        return { action: "remove", parent, child };
      default:
        throw invalid(`${at}.action: must be "add", "change" or "remove" (is ${JSON.stringify(c.action) ?? "missing"})`);
    }
  });
  return { id: text(body.id, "id"), reason: text(body.reason, "reason"), effectiveDate: isoDate(body.effectiveDate, "effectiveDate"), changes };
}

/**
 * The lines after the ECO, or a 422 naming the change that cannot be made: an item PLM does not know, a bought part
 * given a BOM, a component added twice or changed or removed where it is not, a loop.
 */
export function applyEco(lines: readonly BomLine[], eco: Eco, items: ReadonlyMap<string, PlmItem>): BomLine[] {
  const day = eco.effectiveDate;
  let next = lines.map((l) => ({ ...l }));
  eco.changes.forEach((c, i) => {
    const at = `changes[${i}]`;
    const parent = items.get(c.parent);
    if (!parent) throw invalid(`${at}.parent: PLM has no item ${c.parent}`);
    if (parent.type !== "make") throw invalid(`${at}.parent: ${c.parent} is a bought item; it has no BOM`);
    if (!items.has(c.child)) throw invalid(`${at}.child: PLM has no item ${c.child}`);
    const current = next.find((l) => l.parent === c.parent && l.child === c.child && isEffective(l, day));
    if (c.action === "add") {
      if (current) throw invalid(`${at}: ${c.child} is in the BOM of ${c.parent} on ${day} already (quantity ${current.quantity}); use "change"`);
      next.push({ parent: c.parent, child: c.child, quantity: c.quantity, ...(c.lossRate === undefined ? {} : { lossRate: c.lossRate }), validFrom: day });
      return;
    }
    if (!current) throw invalid(`${at}: ${c.child} is not in the BOM of ${c.parent} on ${day}`);
    const ended = { ...current, validTo: day };
    const replaced: BomLine[] = current.validFrom === day ? [] : [ended];
    if (c.action === "change") {
      const { validTo: _until, ...rest } = current;
      replaced.push({ ...rest, ...(c.quantity === undefined ? {} : { quantity: c.quantity }), ...(c.lossRate === undefined ? {} : { lossRate: c.lossRate }), validFrom: day, ...(current.validTo ? { validTo: current.validTo } : {}) });
    }
    next = next.flatMap((l) => (l === current ? replaced : [l]));
  });
  const byParent = new Map<string, BomLine[]>();
  for (const l of next) byParent.set(l.parent, [...(byParent.get(l.parent) ?? []), l]);
  const loop = findCycle(byParent);
  if (loop) throw invalid(`changes: ECO ${eco.id} would make a loop in the BOM: ${loop.join(" → ")}`);
  return next;
}

/** Every line below `item`, level by level (each parent's lines once), as planning needs the whole structure. */
export function structureBelow(item: string, lines: readonly BomLine[]): BomLine[] {
  const out: BomLine[] = [];
  const seen = new Set<string>();
  const queue = [item];
  while (queue.length) {
    const parent = queue.shift()!;
    if (seen.has(parent)) continue;
    seen.add(parent);
    for (const l of lines.filter((x) => x.parent === parent)) {
      out.push(l);
      queue.push(l.child);
    }
  }
  return out;
}
