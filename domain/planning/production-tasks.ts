import { PlanningInputError } from "./errors";
import { array, isoDate, number, object, optional, text } from "./input-checks";

/**
 * Production tasks (生产任务), made in one batch:
 * - to order (以销定产): one task per line of a released sales order whose item the plant makes, tied to that order
 *   line; id `PT-<buyer>/<order number>#<line>`, so the same line asked again finds its task instead of a second one;
 * - to stock (备货生产): one task per item and quantity asked, with its due date; id `PT-S-<batch>-<n>`.
 * A line that gives no task says why (a bought item, a cancelled line, a task it has already).
 */

export type TaskStatus = "open" | "released" | "done" | "cancelled";

export interface ProductionTask {
  id: string;
  /** The order revision the task was made (or last changed) for; '' for a task to stock. */
  orderKey: string;
  /** `<buyer>/<order number>`; '' for a task to stock. */
  orderRef: string;
  /** The order line number; '' for a task to stock. */
  line: string;
  item: string;
  quantity: number;
  /** ISO day the task must be done by, or null when the order gives no date. */
  due: string | null;
  status: TaskStatus;
}

/** A released order's lines, as the order book keeps the canonical order. */
export interface OrderForTasks {
  orderKey: string;
  orderRef: string;
  /** The order's requested delivery date: the due date of a line without its own. */
  requestedDate?: string;
  lines: { lineNumber: string; sku: string; quantity: number; requestedDate?: string }[];
}

export interface StockRequest {
  item: string;
  quantity: number;
  due: string;
}

export interface Skipped {
  orderRef?: string;
  line?: string;
  item: string;
  reason: string;
}

export interface TaskBatch {
  tasks: ProductionTask[];
  skipped: Skipped[];
}

/** Does the plant make `sku`? Its source says (make, or absent with a BOM); bought and outsourced items do not get tasks. */
export type MakesItem = (sku: string) => boolean;

export const orderTaskId = (orderRef: string, line: string) => `PT-${orderRef}#${line}`;

/** Tasks for the lines of released orders. `existing`: task ids already stored (a line that has one is skipped). */
export function tasksFromOrders(orders: readonly OrderForTasks[], makes: MakesItem, existing: ReadonlySet<string> = new Set()): TaskBatch {
  const tasks: ProductionTask[] = [];
  const skipped: Skipped[] = [];
  const seen = new Set<string>(existing);
  for (const order of orders) {
    for (const l of order.lines) {
      const id = orderTaskId(order.orderRef, l.lineNumber);
      const base = { orderRef: order.orderRef, line: l.lineNumber, item: l.sku };
      if (!(l.quantity > 0)) skipped.push({ ...base, reason: `line ${l.lineNumber} (${l.sku}) orders nothing (quantity ${l.quantity}): no task` });
      else if (!makes(l.sku)) skipped.push({ ...base, reason: `${l.sku} is not made here (bought or outsourced): no production task` });
      else if (seen.has(id)) skipped.push({ ...base, reason: `order ${order.orderRef} line ${l.lineNumber} has its task ${id} already` });
      else {
        seen.add(id);
        const due = l.requestedDate ?? order.requestedDate;
        tasks.push({ id, orderKey: order.orderKey, ...base, quantity: l.quantity, due: due ? due.slice(0, 10) : null, status: "open" });
      }
    }
  }
  return { tasks, skipped };
}

/** Tasks to stock: one per request, numbered within `batch` (a name the caller makes unique: a time, a document). */
export function tasksForStock(requests: readonly StockRequest[], makes: MakesItem, batch: string): TaskBatch {
  const tasks: ProductionTask[] = [];
  const skipped: Skipped[] = [];
  requests.forEach((r, i) => {
    if (!makes(r.item)) skipped.push({ item: r.item, reason: `items[${i}]: ${r.item} is not made here (bought or outsourced): no production task` });
    else tasks.push({ id: `PT-S-${batch}-${i + 1}`, orderKey: "", orderRef: "", line: "", item: r.item, quantity: r.quantity, due: r.due.slice(0, 10), status: "open" });
  });
  return { tasks, skipped };
}

/** The request's stock items: `[{item, quantity, due}]`, each checked. */
export function checkStockRequests(value: unknown): StockRequest[] {
  const list = array(value, "items");
  if (list.length === 0) throw new PlanningInputError("items: no item given (is [])");
  return list.map((raw, i) => {
    const r = object(raw, `items[${i}]`);
    return { item: text(r.item, `items[${i}].item`), quantity: number(r.quantity, `items[${i}].quantity`, { min: 0, above: true }), due: isoDate(r.due, `items[${i}].due`).slice(0, 10) };
  });
}

/** `{orders: [...]}` or `{items: [...]}`, one of the two. */
export function checkBatchRequest(value: unknown): { orders: string[] } | { items: StockRequest[] } {
  const body = object(value, "body");
  if (body.orders !== undefined && body.items !== undefined) throw new PlanningInputError("body: give orders (to order) or items (to stock), not both");
  if (body.orders !== undefined) {
    const orders = array(body.orders, "orders").map((o, i) => text(o, `orders[${i}]`));
    if (orders.length === 0) throw new PlanningInputError("orders: no order given (is [])");
    return { orders };
  }
  if (body.items === undefined) throw new PlanningInputError("body: must give orders ([order number or order key …]) or items ([{item, quantity, due}])");
  return { items: checkStockRequests(body.items) };
}

/**
 * An order changed: its open tasks take the changed lines' quantities and dates. A line whose quantity went to 0 (or
 * that the change leaves out) cancels its task. Returns the tasks that changed, as they are now.
 */
export function retask(tasks: readonly ProductionTask[], change: OrderForTasks): ProductionTask[] {
  const lines = new Map(change.lines.map((l) => [l.lineNumber, l]));
  const changed: ProductionTask[] = [];
  for (const t of tasks) {
    if (t.orderRef !== change.orderRef || t.status === "done" || t.status === "cancelled") continue;
    const l = lines.get(t.line);
    const due = l ? ((l.requestedDate ?? change.requestedDate)?.slice(0, 10) ?? t.due) : t.due;
    const next: ProductionTask = !l || !(l.quantity > 0) ? { ...t, orderKey: change.orderKey, status: "cancelled" } : { ...t, orderKey: change.orderKey, quantity: l.quantity, due, item: l.sku };
    if (next.quantity !== t.quantity || next.due !== t.due || next.status !== t.status || next.item !== t.item || next.orderKey !== t.orderKey) changed.push(next);
  }
  return changed;
}

/** Checks a task as stored or as given in a file. */
export function checkTask(value: unknown, at: string): ProductionTask {
  const t = object(value, at);
  return {
    id: text(t.id, `${at}.id`),
    orderKey: typeof t.orderKey === "string" ? t.orderKey : "",
    orderRef: typeof t.orderRef === "string" ? t.orderRef : "",
    line: typeof t.line === "string" ? t.line : "",
    item: text(t.item, `${at}.item`),
    quantity: number(t.quantity, `${at}.quantity`, { min: 0 }),
    due: optional(t.due ?? undefined, (v) => isoDate(v, `${at}.due`).slice(0, 10)) ?? null,
    status: (t.status as TaskStatus) ?? "open",
  };
}
