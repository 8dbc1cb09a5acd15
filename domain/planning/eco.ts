import { findCycle, isEffective, type BomLine } from "./bom";
import { BomCycleError, PlanningInputError } from "./errors";
import { array, checkBomLines, isoDate, number, object, oneOf, optional, text } from "./input-checks";

/**
 * Engineering change orders: one change to many BOMs at once, from an effective date. Applying an ECO never rewrites
 * history: the line it changes ends the day before the effective date (`validTo` = effective date, exclusive) and the
 * new line starts on it (`validFrom` = effective date), so an explosion for an earlier date still shows the old BOM.
 */

export type EcoAction = "replace" | "set-quantity" | "add" | "remove";

export interface EcoChange {
  /** The component the change is about, in every BOM that uses it on the effective date (or only those of `parents`). */
  match: { component: string; parents?: string[] };
  action: EcoAction;
  /** replace: the new component. */
  to?: string;
  /** set-quantity and add: the new quantity per parent; replace: the new component's (default: the old one's). */
  quantity?: number;
}

export interface Eco {
  id: string;
  reason: string;
  /** ISO date: the first day the changed BOMs are valid. */
  effectiveDate: string;
  changes: EcoChange[];
}

/** One BOM an ECO touches: every line of the parent (of every date) before and after. */
export interface BomRevision {
  parent: string;
  before: BomLine[];
  after: BomLine[];
  /** The indexes of the ECO's changes that touched it. */
  changes: number[];
}

export interface EcoResult {
  /** The BOMs touched, by parent name. */
  boms: BomRevision[];
  /** The whole resulting set of lines (every parent), checked for cycles. */
  lines: BomLine[];
}

const ACTIONS: readonly EcoAction[] = ["replace", "set-quantity", "add", "remove"];
const day = (d: string) => d.slice(0, 10);

/** Throws a PlanningInputError naming the first field to correct (`changes[1].to: must be a non-empty string`). */
export function checkEco(value: unknown): asserts value is Eco {
  const eco = object(value, "eco");
  text(eco.id, "id");
  text(eco.reason, "reason");
  isoDate(eco.effectiveDate, "effectiveDate");
  const changes = array(eco.changes, "changes");
  if (changes.length === 0) throw new PlanningInputError("changes: an ECO must change something (is [])");
  changes.forEach((raw, i) => {
    const at = `changes[${i}]`;
    const change = object(raw, at);
    const match = object(change.match, `${at}.match`);
    const component = text(match.component, `${at}.match.component`);
    optional(match.parents, (v) => array(v, `${at}.match.parents`).forEach((p, j) => text(p, `${at}.match.parents[${j}]`)));
    const action = oneOf(change.action, `${at}.action`, ACTIONS);
    if (action === "replace") {
      if (text(change.to, `${at}.to`) === component) throw new PlanningInputError(`${at}.to: replaces ${component} with itself`);
    }
    if (action === "set-quantity" || action === "add") number(change.quantity, `${at}.quantity`, { min: 0, above: true });
    else optional(change.quantity, (v) => number(v, `${at}.quantity`, { min: 0, above: true }));
    if (action === "add" && !(Array.isArray(match.parents) && match.parents.length > 0)) {
      throw new PlanningInputError(`${at}.match.parents: add needs the parents to add ${component} to (is ${JSON.stringify(match.parents) ?? "missing"})`);
    }
  });
}

/** A line as stored: dates and optional fields only when they have a value. */
function tidyLine(line: BomLine): BomLine {
  const out: BomLine = { parent: line.parent, child: line.child, quantity: line.quantity };
  if (line.lossRate !== undefined) out.lossRate = line.lossRate;
  if (line.validFrom) out.validFrom = day(line.validFrom);
  if (line.validTo) out.validTo = day(line.validTo);
  if (line.substitutes && line.substitutes.length) out.substitutes = line.substitutes;
  return out;
}

/** Two lines of one parent with the same component and start date cannot be told apart: refused, naming them. */
export function checkUniqueLines(lines: readonly BomLine[], path = "lines"): void {
  const seen = new Map<string, number>();
  lines.forEach((l, i) => {
    const key = `${l.parent}\u0000${l.child}\u0000${l.validFrom ? day(l.validFrom) : ""}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new PlanningInputError(`${path}[${i}]: ${l.parent} → ${l.child}${l.validFrom ? ` from ${day(l.validFrom)}` : ""} is given twice (also ${path}[${first}]); give one line per parent, component and start date`);
    }
    seen.set(key, i);
  });
}

/** The line ended on `date`: kept with validTo = date, or dropped when it would start that same day (never valid). */
function ended(line: BomLine, date: string): BomLine[] {
  return line.validFrom && day(line.validFrom) >= date ? [] : [{ ...line, validTo: date }];
}

/** The line as changed from `date` on: the old one ended, the new one starting on `date` (or changed in place when the old one starts that day). */
function changed(line: BomLine, date: string, update: Partial<BomLine>): BomLine[] {
  const next = tidyLine({ ...line, ...update, validFrom: date });
  return [...ended(line, date), next];
}

/**
 * The ECO applied to `lines` (every BOM line the hub holds): each touched BOM before → after, and the whole resulting
 * set. Changes apply in order, each on the result of those before it, to the lines valid on the effective date. Throws
 * a PlanningInputError naming the change and the component when a change finds nothing to change (or finds what it
 * would add), and a BomCycleError when the result has a loop.
 */
export function applyEco(eco: Eco, lines: readonly BomLine[]): EcoResult {
  checkEco(eco);
  checkBomLines(lines, "lines");
  const date = day(eco.effectiveDate);
  const byParent = new Map<string, BomLine[]>();
  for (const l of lines) {
    const list = byParent.get(l.parent);
    if (list) list.push(tidyLine(l));
    else byParent.set(l.parent, [tidyLine(l)]);
  }
  const before = new Map<string, BomLine[]>();
  const touched = new Map<string, number[]>();
  const touch = (parent: string, i: number) => {
    if (!before.has(parent)) before.set(parent, [...(byParent.get(parent) ?? [])]);
    const list = touched.get(parent) ?? [];
    if (!list.includes(i)) list.push(i);
    touched.set(parent, list);
  };

  eco.changes.forEach((change, i) => {
    const at = `changes[${i}]`;
    const { component, parents } = change.match;
    const wanted = parents ? new Set(parents) : undefined;
    if (change.action === "add") {
      for (const parent of parents!) {
        const current = byParent.get(parent) ?? [];
        if (current.some((l) => l.child === component && isEffective(l, date))) {
          throw new PlanningInputError(`${at}: ${parent} uses ${component} on ${date} already; to change its quantity, use set-quantity`);
        }
        touch(parent, i);
        byParent.set(parent, [...current, tidyLine({ parent, child: component, quantity: change.quantity!, validFrom: date })]);
      }
      return;
    }
    let found = 0;
    const users = new Set<string>();
    for (const [parent, current] of byParent) {
      if (wanted && !wanted.has(parent)) continue;
      if (!current.some((l) => l.child === component && isEffective(l, date))) continue;
      users.add(parent);
      touch(parent, i);
      const next: BomLine[] = [];
      for (const line of current) {
        if (line.child !== component || !isEffective(line, date)) {
          next.push(line);
          continue;
        }
        found++;
        if (change.action === "remove") next.push(...ended(line, date));
        else if (change.action === "set-quantity") next.push(...changed(line, date, { quantity: change.quantity! }));
        else {
          if (current.some((l) => l.child === change.to && isEffective(l, date))) {
            throw new PlanningInputError(`${at}: ${parent} uses ${change.to} on ${date} already; replacing ${component} with it would list it twice (set its quantity and remove ${component} instead)`);
          }
          next.push(...changed(line, date, { child: change.to!, quantity: change.quantity ?? line.quantity, substitutes: undefined }));
        }
      }
      byParent.set(parent, next);
    }
    if (found === 0) {
      throw new PlanningInputError(`${at}: ${component} is in no BOM valid on ${date}${wanted ? ` among ${[...wanted].join(", ")}` : ""}: nothing to ${change.action}`);
    }
    const missing = parents?.filter((p) => !users.has(p)) ?? [];
    if (missing.length) throw new PlanningInputError(`${at}: ${missing.join(", ")} ${missing.length === 1 ? "does" : "do"} not use ${component} on ${date}`);
  });

  const result = [...byParent.values()].flat();
  checkUniqueLines(result);
  const loop = findCycle(new Map([...byParent].map(([p, ls]) => [p, ls])));
  if (loop) throw new BomCycleError(loop);
  const boms = [...touched.keys()].sort().map((parent) => ({ parent, before: before.get(parent)!, after: byParent.get(parent)!, changes: touched.get(parent)! }));
  return { boms, lines: result };
}
