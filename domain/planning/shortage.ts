import { buildBom, type BomLine, type BomStructure } from "./bom";
import { PlanningInputError } from "./errors";
import type { ProductionTask } from "./production-tasks";
import { add, mul, roundUp, sub } from "./quantity";

/**
 * Shortage analysis (足缺料分析) of production tasks: for each component, what the tasks require (exploded from the
 * BOM × the task quantity), what was issued to them already, what is available (on hand − allocated) and what is short;
 * and the purchase requisitions for the bought parts that are short.
 *
 * Requirements are netted level by level (low-level code order), as a planner would: a subassembly on hand is used
 * first and only the rest is built, so its components are required for that rest only; a component shared by several
 * assemblies or several tasks is netted once, against one stock. The task's own item is what is being made: its stock
 * is not counted. Quantities are exact (loss rates included); a requisition asks for whole units, rounded up.
 */

export interface ShortageInput {
  /** The tasks analysed together (cancelled and done tasks take no part). */
  tasks: readonly ProductionTask[];
  bom: readonly BomLine[] | BomStructure;
  /** Stock on hand by SKU (every warehouse). */
  onHand: Readonly<Record<string, number>>;
  /** Stock on hand promised to others already (reservations), by SKU. */
  allocated?: Readonly<Record<string, number>>;
  /** Issued to each task, by task id, then SKU. */
  issued?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Does the plant make the SKU? Default: it has BOM lines. A made part that is short is built, not bought. */
  makes?: (sku: string) => boolean;
}

export interface ComponentStatus {
  sku: string;
  lowLevelCode: number;
  kind: "bought" | "made";
  /** Gross requirement of the tasks, after the levels above were netted. */
  required: number;
  issued: number;
  onHand: number;
  allocated: number;
  /** on hand − allocated, never below 0. */
  available: number;
  /** required − issued − available, never below 0. */
  short: number;
  /** The tasks that need it. */
  tasks: string[];
}

export interface Requisition {
  event: "planning.requisition";
  /** `<scope>/<sku>/<quantity>`: the same shortage asked again gives the same id (and message id). */
  id: string;
  sku: string;
  quantity: number;
  /** The earliest due date of the tasks that need it, when they have one. */
  needBy: string | null;
  tasks: string[];
  orders: string[];
  reason: string;
}

export interface ShortageAnswer {
  tasks: string[];
  /** Every component, by low-level code, then SKU. */
  components: ComponentStatus[];
  /** The components short, in the same order. */
  shortages: ComponentStatus[];
  complete: boolean;
}

const ACTIVE = new Set(["open", "released"]);

/** The shortage analysis of `input.tasks`. */
export function analyseShortages(input: ShortageInput): ShortageAnswer {
  const structure = Array.isArray(input.bom) ? buildBom(input.bom as BomLine[]) : (input.bom as BomStructure);
  const tasks = input.tasks.filter((t) => ACTIVE.has(t.status));
  const makes = input.makes ?? ((sku: string) => (structure.components.get(sku) ?? []).length > 0);
  const required = new Map<string, number>();
  const needers = new Map<string, Set<string>>();
  const building = new Map<string, { quantity: number; tasks: Set<string> }>();
  for (const t of tasks) {
    if (!structure.components.has(t.item)) throw new PlanningInputError(`task ${t.id}: item ${t.item} has no BOM, so nothing can be issued to it`);
    const b = building.get(t.item) ?? { quantity: 0, tasks: new Set<string>() };
    b.quantity = add(b.quantity, t.quantity);
    b.tasks.add(t.id);
    building.set(t.item, b);
  }
  const issuedOf = (sku: string, ids: Iterable<string>) => {
    let q = 0;
    for (const id of ids) q = add(q, input.issued?.[id]?.[sku] ?? 0);
    return q;
  };
  const components: ComponentStatus[] = [];
  for (const sku of structure.planningOrder) {
    let build = 0;
    const ids = new Set<string>();
    const top = building.get(sku);
    if (top) {
      build = add(build, top.quantity);
      top.tasks.forEach((id) => ids.add(id));
    }
    const gross = required.get(sku);
    if (gross !== undefined) {
      const who = needers.get(sku)!;
      const issued = issuedOf(sku, who);
      const onHand = input.onHand[sku] ?? 0;
      const allocated = input.allocated?.[sku] ?? 0;
      const available = Math.max(0, sub(onHand, allocated));
      const short = Math.max(0, sub(sub(gross, issued), available));
      const made = (structure.components.get(sku) ?? []).length > 0;
      components.push({ sku, lowLevelCode: structure.lowLevelCodes.get(sku)!, kind: made && makes(sku) ? "made" : "bought", required: gross, issued, onHand, allocated, available, short, tasks: [...who].sort() });
      if (made && makes(sku) && short > 0) {
        build = add(build, roundUp(short));
        who.forEach((id) => ids.add(id));
      }
    }
    if (build === 0) continue;
    for (const line of structure.components.get(sku) ?? []) {
      required.set(line.child, add(required.get(line.child) ?? 0, mul(build, line.quantity, 1 + (line.lossRate ?? 0))));
      const set = needers.get(line.child) ?? new Set<string>();
      ids.forEach((id) => set.add(id));
      needers.set(line.child, set);
    }
  }
  components.sort((a, b) => a.lowLevelCode - b.lowLevelCode || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const shortages = components.filter((c) => c.short > 0);
  return { tasks: tasks.map((t) => t.id), components, shortages, complete: shortages.length === 0 };
}

/**
 * The purchase requisitions for the bought parts `answer` finds short. `scope` names what was analysed (`task:<id>`,
 * `order:<buyer>/<number>`), for the ids.
 */
export function requisitionsFor(answer: ShortageAnswer, tasks: readonly ProductionTask[], scope: string): Requisition[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return answer.shortages
    .filter((c) => c.kind === "bought")
    .map((c) => {
      const quantity = roundUp(c.short);
      const ts = c.tasks.map((id) => byId.get(id)).filter((t): t is ProductionTask => t !== undefined);
      const dues = ts.map((t) => t.due).filter((d): d is string => !!d).sort();
      const orders = [...new Set(ts.map((t) => t.orderRef).filter((o) => o !== ""))].sort();
      return {
        event: "planning.requisition" as const,
        id: `${scope}/${c.sku}/${quantity}`,
        sku: c.sku,
        quantity,
        needBy: dues[0] ?? null,
        tasks: c.tasks,
        orders,
        reason: `${c.sku} short ${c.short} for ${c.tasks.join(", ")}: required ${c.required}, issued ${c.issued}, available ${c.available} (on hand ${c.onHand} − allocated ${c.allocated})`,
      };
    });
}

/** The AMQP message id of a requisition. */
export const requisitionMessageId = (r: Pick<Requisition, "id">) => `planning.requisition:${r.id}`;

export interface ShortageEvent {
  event: "planning.shortage";
  orderRef: string;
  orderKey: string;
  tasks: string[];
  shortages: ComponentStatus[];
  /** The day the analysis was made for. */
  at: string;
}

/** The `planning.shortage` event for a changed order whose tasks are short, or undefined when nothing is short. */
export function shortageEvent(orderRef: string, orderKey: string, answer: ShortageAnswer, at: string): ShortageEvent | undefined {
  if (answer.complete) return undefined;
  return { event: "planning.shortage", orderRef, orderKey, tasks: answer.tasks, shortages: answer.shortages, at };
}

/** Its message id: the order revision and what is short, so a redelivered change announces the same shortage once. */
export const shortageMessageId = (e: ShortageEvent) => `planning.shortage:${e.orderKey}:${e.shortages.map((s) => `${s.sku}=${s.short}`).join(",")}`;
