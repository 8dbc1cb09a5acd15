import {
  resolveSettings,
  type Customer,
  type Item,
  type MasterData,
  type OpenItem,
  type PriceBreak,
  type PriceList,
  type Promotion,
  type Reservation,
  type Settings,
  type Supply,
  type Warehouse,
} from "./types";

/**
 * The master data as the rules read it: records by their keys, price lists by whom they are for, supply and
 * reservations by item and warehouse. Built once per change of the master data (plain Maps, linear in its size) and
 * read by every evaluation; the records themselves are shared, not copied, and must not be changed while indexed.
 * Where the same key appears twice (a customer id, an item's SKU, a warehouse id), the later record wins.
 */
export interface MasterIndex {
  readonly settings: Settings;
  readonly customers: ReadonlyMap<string, Customer>;
  readonly items: ReadonlyMap<string, Item>;
  /** Every warehouse, first priority first (ties by id). */
  readonly warehouses: readonly Warehouse[];
  readonly warehouseById: ReadonlyMap<string, Warehouse>;
  readonly priceLists: PriceListIndex;
  /** Active or not: a rule checks the dates. By gift SKU, newest first. */
  readonly giftPromotions: ReadonlyMap<string, readonly Promotion[]>;
  /** By coupon code, newest first. */
  readonly coupons: ReadonlyMap<string, readonly Promotion[]>;
  /** SKU → warehouse → supply, earliest date first (undated first). */
  readonly supply: ReadonlyMap<string, ReadonlyMap<string, readonly Supply[]>>;
  /** SKU → warehouse → reservations, earliest date first. */
  readonly reservations: ReadonlyMap<string, ReadonlyMap<string, readonly Reservation[]>>;
  /** Customer → open items, earliest due date first (items without one last). */
  readonly openItems: ReadonlyMap<string, readonly OpenItem[]>;
}

/** A price list with its breaks by SKU, lowest `minQuantity` first. */
export interface IndexedPriceList {
  readonly list: PriceList;
  readonly breaks: ReadonlyMap<string, readonly PriceBreak[]>;
}

/** Each level newest first (latest `validFrom`), so that of two lists valid on a date the newer one is found first. */
export interface PriceListIndex {
  readonly byCustomer: ReadonlyMap<string, readonly IndexedPriceList[]>;
  readonly byClass: ReadonlyMap<string, readonly IndexedPriceList[]>;
  readonly general: readonly IndexedPriceList[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Dates compared by day; a missing one as `absent`. */
const byDay = (a: string | undefined, b: string | undefined, absent = "") => compare((a ?? absent).slice(0, 10), (b ?? absent).slice(0, 10));

function groupBy<T>(records: readonly T[] | undefined, key: (r: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const r of records ?? []) {
    const k = key(r);
    const group = groups.get(k);
    if (group) group.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

function sortEach<T>(groups: Map<string, T[]>, order: (a: T, b: T) => number): Map<string, T[]> {
  for (const group of groups.values()) if (group.length > 1) group.sort(order);
  return groups;
}

/** SKU → warehouse → records in date order. */
function bySkuAndWarehouse<T extends { sku: string; warehouse: string; date?: string }>(records: readonly T[] | undefined): Map<string, Map<string, T[]>> {
  const index = new Map<string, Map<string, T[]>>();
  for (const r of records ?? []) {
    let warehouses = index.get(r.sku);
    if (!warehouses) index.set(r.sku, (warehouses = new Map()));
    const list = warehouses.get(r.warehouse);
    if (list) list.push(r);
    else warehouses.set(r.warehouse, [r]);
  }
  for (const warehouses of index.values()) sortEach(warehouses, (a, b) => byDay(a.date, b.date));
  return index;
}

function indexPriceList(list: PriceList): IndexedPriceList {
  return { list, breaks: sortEach(groupBy(list.prices, (p) => p.sku), (a, b) => a.minQuantity - b.minQuantity) };
}

function indexPriceLists(lists: readonly PriceList[] | undefined): PriceListIndex {
  const newestFirst = (a: IndexedPriceList, b: IndexedPriceList) => byDay(b.list.validFrom, a.list.validFrom);
  const byCustomer = new Map<string, IndexedPriceList[]>();
  const byClass = new Map<string, IndexedPriceList[]>();
  const general: IndexedPriceList[] = [];
  for (const list of lists ?? []) {
    const indexed = indexPriceList(list);
    const [groups, key] = list.customer ? [byCustomer, list.customer] : list.customerClass ? [byClass, list.customerClass] : [undefined, ""];
    if (!groups) general.push(indexed);
    else {
      const group = groups.get(key);
      if (group) group.push(indexed);
      else groups.set(key, [indexed]);
    }
  }
  sortEach(byCustomer, newestFirst);
  sortEach(byClass, newestFirst);
  return { byCustomer, byClass, general: general.sort(newestFirst) };
}

/** The kinds of master data a part of the index is built from (`settings` for the settings). */
export type IndexedKind = keyof Omit<MasterData, "settings"> | "settings";

/**
 * The index again after a change to some kinds only: the parts built from kinds that did not change are taken over
 * as they are (an index is never changed once built, so sharing them is safe). A release that writes reservations and
 * open items rebuilds those two parts, not the price lists and the 50,000 items. `data` needs only the changed kinds.
 */
export function reindexMasterData(previous: MasterIndex, data: MasterData, changed: ReadonlySet<IndexedKind>): MasterIndex {
  const next: { -readonly [K in keyof MasterIndex]: MasterIndex[K] } = { ...previous };
  if (changed.has("settings")) next.settings = resolveSettings(data.settings);
  if (changed.has("customers")) next.customers = byKey(data.customers, (c) => c.id);
  if (changed.has("items")) next.items = byKey(data.items, (i) => i.sku);
  if (changed.has("warehouses")) {
    next.warehouseById = byKey(data.warehouses, (w) => w.id);
    next.warehouses = [...next.warehouseById.values()].sort((a, b) => a.priority - b.priority || compare(a.id, b.id));
  }
  if (changed.has("priceLists")) next.priceLists = indexPriceLists(data.priceLists);
  if (changed.has("promotions")) {
    const fresh = indexMasterData({ promotions: data.promotions });
    next.giftPromotions = fresh.giftPromotions;
    next.coupons = fresh.coupons;
  }
  if (changed.has("supply")) next.supply = bySkuAndWarehouse(data.supply);
  if (changed.has("reservations")) next.reservations = bySkuAndWarehouse(data.reservations);
  if (changed.has("openItems")) next.openItems = indexMasterData({ openItems: data.openItems }).openItems;
  return next;
}

/** What changed within a kind: only the reservations of these SKUs, only the open items of these customers. */
export interface ChangedGroups {
  reservationSkus?: ReadonlySet<string>;
  openItemCustomers?: ReadonlySet<string>;
}

/**
 * The index again after upserts of reservations or open items (what every release writes): only the SKUs and the
 * customers they concern are indexed again, from `data`'s records of those kinds; the rest is shared with `previous`.
 */
export function reindexGroups(previous: MasterIndex, data: Pick<MasterData, "reservations" | "openItems">, changed: ChangedGroups): MasterIndex {
  const next: { -readonly [K in keyof MasterIndex]: MasterIndex[K] } = { ...previous };
  const skus = changed.reservationSkus;
  if (skus && skus.size > 0) {
    const fresh = bySkuAndWarehouse((data.reservations ?? []).filter((r) => skus.has(r.sku)));
    const reservations = new Map(previous.reservations);
    for (const sku of skus) {
      const bySku = fresh.get(sku);
      if (bySku) reservations.set(sku, bySku);
      else reservations.delete(sku);
    }
    next.reservations = reservations;
  }
  const customers = changed.openItemCustomers;
  if (customers && customers.size > 0) {
    const fresh = indexMasterData({ openItems: (data.openItems ?? []).filter((o) => customers.has(o.customer)) }).openItems;
    const openItems = new Map(previous.openItems);
    for (const customer of customers) {
      const items = fresh.get(customer);
      if (items) openItems.set(customer, items);
      else openItems.delete(customer);
    }
    next.openItems = openItems;
  }
  return next;
}

function byKey<T>(records: readonly T[] | undefined, key: (r: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const r of records ?? []) map.set(key(r), r);
  return map;
}

export function indexMasterData(data: MasterData): MasterIndex {
  const warehouseById = byKey(data.warehouses, (w) => w.id);
  const warehouses = [...warehouseById.values()].sort((a, b) => a.priority - b.priority || compare(a.id, b.id));
  const newestFirst = (a: Promotion, b: Promotion) => byDay(b.validFrom, a.validFrom);
  const promotions = data.promotions ?? [];
  return {
    settings: resolveSettings(data.settings),
    customers: byKey(data.customers, (c) => c.id),
    items: byKey(data.items, (i) => i.sku),
    warehouses,
    warehouseById,
    priceLists: indexPriceLists(data.priceLists),
    giftPromotions: sortEach(groupBy(promotions.filter((p) => p.gift), (p) => p.gift!.sku), newestFirst),
    coupons: sortEach(groupBy(promotions.filter((p) => p.coupon), (p) => p.coupon!.code), newestFirst),
    supply: bySkuAndWarehouse(data.supply),
    reservations: bySkuAndWarehouse(data.reservations),
    openItems: sortEach(groupBy(data.openItems, (o) => o.customer), (a, b) => byDay(a.dueDate, b.dueDate, "9999")),
  };
}
