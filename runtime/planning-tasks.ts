import { randomUUID } from "node:crypto";
import type { BrokerConnection } from "../connectors/amqp";
import { EVENTS_EXCHANGE } from "../connectors/amqp/topology";
import { orderKey as keyOf, orderRef as refOf, purposeOf, type CanonicalOrder } from "../domain/order/canonical-order";
import type { Item, Reservation, Supply } from "../domain/master/types";
import { buildBom, effectiveLines, type BomStructure } from "../domain/planning/bom";
import { bomCost, type BomCost } from "../domain/planning/bom-cost";
import { PlanningInputError } from "../domain/planning/errors";
import { checkBatchRequest, orderTaskId, retask, tasksForStock, tasksFromOrders, type MakesItem, type OrderForTasks, type ProductionTask, type Skipped } from "../domain/planning/production-tasks";
import { add } from "../domain/planning/quantity";
import { quote, type Quote } from "../domain/planning/quote";
import { analyseShortages, requisitionMessageId, requisitionsFor, shortageEvent, shortageMessageId, type Requisition, type ShortageAnswer, type ShortageEvent } from "../domain/planning/shortage";
import type { StoredTask } from "../store/production-types";
import type { HubStore } from "../store/types";
import type { PlanningBook } from "../store/planning-book";
import type { MasterDataService } from "./master-data";

/**
 * Production tasks, shortages, requisitions, quotes and BOM costs on the hub's own data: the released orders of the
 * order book, the stored BOMs (valid on the day), the master data's items, stock and reservations. The REST routes
 * (runtime/api/planning-tasks.ts) and the shortage-check node call these; the rules are domain/planning's.
 */

export interface TaskSources {
  store: HubStore;
  book: PlanningBook;
  master: MasterDataService;
  /** The hub's date, YYYY-MM-DD. */
  today: string;
}

/** An order or task named in a request that the hub does not know (404), or an order not released (409). */
export class OrderNotReadyError extends PlanningInputError {
  constructor(
    message: string,
    readonly status: 404 | 409 = 404,
  ) {
    super(message);
  }
}

interface Planning {
  structure: BomStructure;
  items: Map<string, Item>;
  makes: MakesItem;
  onHand: Record<string, number>;
  allocated: Record<string, number>;
}

/** The stored BOM valid on `date`, the items, the stock on hand and what reservations hold of it. */
async function planningData(src: TaskSources, date: string): Promise<Planning> {
  const [snap] = await Promise.all([src.book.snapshot(), src.master.ready()]);
  const structure = buildBom(effectiveLines(snap.lines, date));
  const items = new Map((src.master.records("items") as Item[]).map((i) => [i.sku, i]));
  const makes: MakesItem = (sku) => {
    const source = items.get(sku)?.source;
    return source ? source === "make" : (structure.components.get(sku) ?? []).length > 0;
  };
  const onHand: Record<string, number> = {};
  for (const s of src.master.records("supply") as Supply[]) if (s.type === "on-hand" || (s.type === "quality" && !s.date)) onHand[s.sku] = add(onHand[s.sku] ?? 0, s.quantity);
  const allocated: Record<string, number> = {};
  for (const r of src.master.records("reservations") as Reservation[]) allocated[r.sku] = add(allocated[r.sku] ?? 0, r.quantity);
  return { structure, items, makes, onHand, allocated };
}

/** `PO-1001` (every buyer's order with the number), `C-NORTH/PO-1001` or `C-NORTH/PO-1001/0`: the order refs meant. */
async function refsOf(store: HubStore, name: string): Promise<string[]> {
  const parts = name.split("/");
  if (parts.length >= 2 && parts.length <= 3 && parts.every((p) => p !== "")) return [`${parts[0]}/${parts[1]}`];
  const history = await store.orders.orderHistory({ orderNumber: name });
  return [...new Set(history.map((e) => `${e.buyer}/${e.orderNumber}`))];
}

/** The released order's lines as the order book holds its latest decided revision. */
export function orderForTasks(order: CanonicalOrder): OrderForTasks {
  return {
    orderKey: keyOf(order),
    orderRef: refOf(order),
    ...(order.requestedDelivery?.date ? { requestedDate: order.requestedDelivery.date } : {}),
    lines: order.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity, ...(l.requestedDate ? { requestedDate: l.requestedDate } : {}) })),
  };
}

async function releasedOrder(store: HubStore, name: string): Promise<OrderForTasks[]> {
  const refs = await refsOf(store, name);
  if (refs.length === 0) throw new OrderNotReadyError(`orders: ${name} is not an order the hub decided`);
  const found: OrderForTasks[] = [];
  for (const ref of refs) {
    const state = await store.orders.orderState(ref);
    if (!state) throw new OrderNotReadyError(`orders: ${name} is not an order the hub decided (${ref})`);
    if (state.state !== "released") throw new OrderNotReadyError(`orders: ${ref} is ${state.state}, not released: production starts from released orders`, 409);
    const current = state.revisions.find((r) => r.revision === state.revision && r.order);
    if (!current?.order) throw new OrderNotReadyError(`orders: ${ref} revision ${state.revision} has no order kept with its decision`, 409);
    found.push(orderForTasks(JSON.parse(current.order) as CanonicalOrder));
  }
  return found;
}

export interface BatchAnswer {
  created: ProductionTask[];
  skipped: Skipped[];
}

/** POST /api/planning/production-tasks/batch: every task in one call, stored in one transaction. */
export async function createTaskBatch(body: unknown, src: TaskSources, now: number): Promise<BatchAnswer> {
  const req = checkBatchRequest(body);
  const p = await planningData(src, src.today);
  let batch: { tasks: ProductionTask[]; skipped: Skipped[] };
  if ("orders" in req) {
    const orders: OrderForTasks[] = [];
    for (const name of req.orders) orders.push(...(await releasedOrder(src.store, name)));
    const ids = orders.flatMap((o) => o.lines.map((l) => orderTaskId(o.orderRef, l.lineNumber)));
    const existing = ids.length ? await src.store.production.tasks({ ids, limit: Math.min(10_000, ids.length) }) : [];
    batch = tasksFromOrders(orders, p.makes, new Set(existing.map((t) => t.id)));
  } else {
    batch = tasksForStock(req.items, p.makes, `${new Date(now).toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`);
  }
  for (const t of batch.tasks) {
    if (!p.structure.components.has(t.item)) batch.skipped.push({ ...(t.orderRef ? { orderRef: t.orderRef, line: t.line } : {}), item: t.item, reason: `${t.item} has no BOM valid on ${src.today}: add its BOM first` });
  }
  const ready = batch.tasks.filter((t) => p.structure.components.has(t.item));
  const inserted = new Set(await src.store.production.createTasks(ready, now));
  return { created: ready.filter((t) => inserted.has(t.id)), skipped: batch.skipped };
}

export interface ShortageReport extends ShortageAnswer {
  scope: string;
  date: string;
  requisitions: Requisition[];
}

/** The tasks of an order named by number, `buyer/number` or order key (none: an empty list). */
export async function orderTasks(store: HubStore, order: string): Promise<StoredTask[]> {
  const refs = await refsOf(store, order);
  return (await Promise.all(refs.map((orderRef) => store.production.tasks({ orderRef })))).flat();
}

/** The scope asked (`task` or `order`) and its tasks. */
export async function tasksOf(store: HubStore, query: { task?: string; order?: string }): Promise<{ scope: string; tasks: StoredTask[] }> {
  if (query.task) {
    const tasks = await store.production.tasks({ ids: [query.task] });
    if (tasks.length === 0) throw new OrderNotReadyError(`task: ${query.task} is not a production task`);
    return { scope: `task:${query.task}`, tasks };
  }
  if (!query.order) throw new PlanningInputError("give task=<task id> or order=<order number | buyer/number>");
  const refs = await refsOf(store, query.order);
  const tasks = (await Promise.all(refs.map((orderRef) => store.production.tasks({ orderRef })))).flat();
  if (tasks.length === 0) throw new OrderNotReadyError(`order: ${query.order} has no production task`);
  return { scope: `order:${refs.join("+")}`, tasks };
}

/** Shortage analysis of the tasks given, with the requisitions for what is short. */
export async function shortageReport(scope: string, tasks: readonly StoredTask[], src: TaskSources): Promise<ShortageReport> {
  const p = await planningData(src, src.today);
  const issued = Object.fromEntries(tasks.map((t) => [t.id, t.issued]));
  const answer = analyseShortages({ tasks, bom: p.structure, onHand: p.onHand, allocated: p.allocated, issued, makes: p.makes });
  return { scope, date: src.today, ...answer, requisitions: requisitionsFor(answer, tasks, scope) };
}

const publishJson = (broker: BrokerConnection, routingKey: string, body: object, messageId: string) =>
  broker.publish(EVENTS_EXCHANGE, routingKey, Buffer.from(JSON.stringify(body), "utf8"), {
    messageId,
    contentType: "application/json",
    timestamp: Math.floor(Date.now() / 1000),
    appId: "orderhub",
    type: routingKey,
  });

/** Each requisition as `planning.requisition` on orderhub.events, confirmed, under its own message id. */
export async function publishRequisitions(broker: BrokerConnection, requisitions: readonly Requisition[]): Promise<string[]> {
  const ids: string[] = [];
  for (const r of requisitions) {
    const id = requisitionMessageId(r);
    await publishJson(broker, "planning.requisition", r, id);
    ids.push(id);
  }
  return ids;
}

export interface ChangeOutcome {
  orderRef: string;
  /** Tasks the change moved (quantity, date, cancelled). */
  changed: ProductionTask[];
  analysis?: ShortageReport;
  event?: ShortageEvent;
  messageId?: string;
}

/**
 * An `order.changed`: its tasks take the new quantities and dates, and their shortage analysis runs again; a shortage
 * gives the `planning.shortage` event (published by the caller). An order without tasks gives nothing.
 */
export async function onOrderChanged(order: CanonicalOrder, src: TaskSources, now: number): Promise<ChangeOutcome> {
  if (purposeOf(order) === "order" || !Array.isArray(order.lines)) throw new PlanningInputError("order.changed: msg.payload must be the canonical change with its lines");
  const change = orderForTasks(order);
  const tasks = await src.store.production.tasks({ orderRef: change.orderRef });
  if (tasks.length === 0) return { orderRef: change.orderRef, changed: [] };
  const changed = purposeOf(order) === "cancel" ? tasks.filter((t) => t.status === "open" || t.status === "released").map((t) => ({ ...t, status: "cancelled" as const })) : retask(tasks, change);
  if (changed.length) await src.store.production.updateTasks(changed, now);
  const byId = new Map(changed.map((t) => [t.id, t]));
  const current = tasks.map((t) => ({ ...t, ...(byId.get(t.id) ?? {}) }));
  const analysis = await shortageReport(`order:${change.orderRef}`, current, src);
  const event = shortageEvent(change.orderRef, change.orderKey, analysis, src.today);
  return { orderRef: change.orderRef, changed, analysis, ...(event ? { event, messageId: shortageMessageId(event) } : {}) };
}

/** A quote on the hub's data where the request leaves it out: the stored BOM, items' standard costs and base price. */
export async function quoteFromHub(body: unknown, src: TaskSources): Promise<Quote> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return quote(body);
  const req = { ...(body as Record<string, unknown>) };
  const date = typeof req.date === "string" ? req.date.slice(0, 10) : src.today;
  const [snap] = await Promise.all([src.book.snapshot(), src.master.ready()]);
  const items = new Map((src.master.records("items") as Item[]).map((i) => [i.sku, i]));
  if (req.bom === undefined) req.bom = effectiveLines(snap.lines, date).map((l) => ({ parent: l.parent, child: l.child, quantity: l.quantity, ...(l.lossRate !== undefined ? { lossRate: l.lossRate } : {}) }));
  const given = (typeof req.materials === "object" && req.materials !== null ? req.materials : {}) as Record<string, unknown>;
  const materials: Record<string, unknown> = {};
  for (const [sku, item] of items) if (item.standardCost !== undefined) materials[sku] = { standardCost: item.standardCost };
  req.materials = { ...materials, ...given };
  const item = typeof req.item === "string" ? items.get(req.item) : undefined;
  if (req.basePrice === undefined && item?.basePrice !== undefined) req.basePrice = item.basePrice;
  return quote(req);
}

/** Stores a quote with its request; answers its id. */
export async function saveQuote(store: HubStore, body: unknown, answer: Quote, now: number): Promise<string> {
  const id = `Q-${new Date(now).toISOString().slice(0, 10).replace(/-/g, "")}-${randomUUID().slice(0, 8)}`;
  await store.production.saveQuote({ id, body: JSON.stringify(body), answer: JSON.stringify(answer), createdAt: now });
  return id;
}

/** The rolled-up standard cost of an item from the stored BOM (valid on `date`) and the items' standard costs. */
export async function costFromHub(item: string, src: TaskSources, date = src.today): Promise<BomCost & { date: string }> {
  const [snap] = await Promise.all([src.book.snapshot(), src.master.ready()]);
  const standardCost: Record<string, number> = {};
  for (const i of src.master.records("items") as Item[]) if (i.standardCost !== undefined) standardCost[i.sku] = i.standardCost;
  return { date, ...bomCost(effectiveLines(snap.lines, date), item, { standardCost }) };
}

/** Publishes a shortage event (confirmed). */
export const publishShortage = (broker: BrokerConnection, event: ShortageEvent, messageId: string) => publishJson(broker, "planning.shortage", event, messageId);
