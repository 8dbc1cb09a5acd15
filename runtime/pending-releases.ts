import type { MasterIndex } from "../domain/master/master-index";
import type { OpenItem, Reservation } from "../domain/master/types";

/**
 * Orders released a moment ago whose reservations and open order are not in the master data's index yet (the store
 * commit and the index's refresh take a round trip to the writer thread), counted at once all the same: the next order
 * evaluated meanwhile must not be promised the same stock, nor a customer's credit line be used twice. An entry goes
 * when the master data tells that its change is applied (or, should the order never get there, after a while).
 */
interface Pending {
  reservations: readonly Reservation[];
  openItem?: OpenItem;
  since: number;
}

/** Past this an entry whose order never got to its commit (its message failed) is dropped: past the settle deadline. */
export const PENDING_FORGOTTEN_MS = 120_000;

/** A map read through: the base's value, or what `merge` makes of it with the pending records for the key. */
class Layered<K, V> implements ReadonlyMap<K, V> {
  constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly merged: Map<K, V>,
  ) {}
  get(key: K): V | undefined {
    return this.merged.has(key) ? this.merged.get(key) : this.base.get(key);
  }
  has(key: K): boolean {
    return this.merged.has(key) || this.base.has(key);
  }
  get size(): number {
    return [...this.keys()].length;
  }
  *keys(): MapIterator<K> {
    yield* this.merged.keys();
    for (const k of this.base.keys()) if (!this.merged.has(k)) yield k;
  }
  *values(): MapIterator<V> {
    for (const k of this.keys()) yield this.get(k)!;
  }
  *entries(): MapIterator<[K, V]> {
    for (const k of this.keys()) yield [k, this.get(k)!];
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

function withReservations(base: MasterIndex["reservations"], added: readonly Reservation[]): MasterIndex["reservations"] {
  if (added.length === 0) return base;
  const merged = new Map<string, Map<string, Reservation[]>>();
  for (const r of added) {
    let warehouses = merged.get(r.sku);
    if (!warehouses) {
      warehouses = new Map([...(base.get(r.sku) ?? [])].map(([w, list]) => [w, [...list]]));
      merged.set(r.sku, warehouses);
    }
    const list = warehouses.get(r.warehouse);
    if (list) list.push(r);
    else warehouses.set(r.warehouse, [r]);
  }
  return new Layered(base, merged);
}

function withOpenItems(base: MasterIndex["openItems"], added: readonly OpenItem[]): MasterIndex["openItems"] {
  if (added.length === 0) return base;
  const merged = new Map<string, OpenItem[]>();
  for (const item of added) {
    let list = merged.get(item.customer);
    if (!list) merged.set(item.customer, (list = [...(base.get(item.customer) ?? [])]));
    // no due date: last, as the index sorts them
    list.push(item);
  }
  return new Layered(base, merged);
}

export class PendingReleases {
  private readonly byOrder = new Map<string, Pending>();
  /** Goes up at every change here: an evaluation made on an older view is stale. */
  private changes = 0;
  private cached: { base: MasterIndex; changes: number; view: MasterIndex } | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.byOrder.size;
  }

  /** The order's reservations and open order, counted from now on (in place of any counted for it before). */
  add(orderKey: string, reservations: readonly Reservation[], openItem?: OpenItem): void {
    this.byOrder.set(orderKey, { reservations, openItem, since: this.clock() });
    this.changes++;
  }

  drop(orderKey: string): void {
    if (this.byOrder.delete(orderKey)) this.changes++;
  }

  has(orderKey: string): boolean {
    return this.byOrder.has(orderKey);
  }

  /** The master data as the rules should see it: the index, and what was released since it was built. */
  view(base: MasterIndex): MasterIndex {
    this.forgetOld();
    if (this.byOrder.size === 0) return base;
    if (this.cached?.base === base && this.cached.changes === this.changes) return this.cached.view;
    const pending = [...this.byOrder.values()];
    const view: MasterIndex = {
      ...base,
      reservations: withReservations(base.reservations, pending.flatMap((p) => p.reservations)),
      openItems: withOpenItems(base.openItems, pending.flatMap((p) => (p.openItem ? [p.openItem] : []))),
    };
    this.cached = { base, changes: this.changes, view };
    return view;
  }

  private forgetOld(): void {
    const before = this.clock() - PENDING_FORGOTTEN_MS;
    for (const [key, p] of this.byOrder) if (p.since < before) this.drop(key);
  }
}
