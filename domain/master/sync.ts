// Master data sync: what a system of record hands over (the ERP's GetMasterData answer, PLM's items, a WMS stock
// snapshot), as the hub's master data records, compared with what the hub holds. Pure: the hub's records and the
// answer are arguments; checking a record against the schema and applying it are the caller's.
//
// Each source owns some fields of a kind and nothing else: a field the source does not give keeps the hub's value
// (the ERP knows no sales reps, PLM no lead times), so two sources never undo each other's work, and a record the
// source lists as the hub holds it is no change.

import { groupFromErp } from "./sync-group";
import { asObject, bool, day, FieldProblem, listOf, num, present, read, text, type Raw } from "./sync-read";
import type { Customer, Item, OpenItem, PriceList, Supply, Warehouse } from "./types";

export { listOf };

export type SyncSource = "erp" | "plm" | "wms";

export const SYNC_SOURCES: readonly SyncSource[] = ["erp", "plm", "wms"];

/** The kinds a sync writes, by their property in the master data bundle. */
export type SyncKind = "customers" | "items" | "priceLists" | "warehouses" | "supply" | "openItems" | "companies" | "transferPrices";

/** One record as the source gave it, read into the fields the source owns (or why it cannot be read). */
export interface IncomingRecord {
  kind: SyncKind;
  /** The record as a reader names it: `C-1001`, `BR-VCB-001 in WH-NORTH`, `INV-1 of customer C-1001`. */
  name: string;
  /** The fields the source owns, in the hub's shape; absent when `problem` says why it could not be read. */
  fields?: Record<string, unknown>;
  /** Optional fields the source owns: absent from `fields`, they are removed from the hub's record (no credit limit). */
  clears?: readonly string[];
  /** Only a record the hub holds already is updated (PLM adds make or buy to items the ERP created). */
  updateOnly?: boolean;
  /** The record as the source sent it, for a dead letter. */
  raw: unknown;
  problem?: string;
}

/** A record to write: the hub's record with the source's fields. */
export interface SyncChange {
  kind: SyncKind;
  name: string;
  record: object;
  /** The hub did not hold it before. */
  added: boolean;
  raw: unknown;
}

export interface SyncFailure {
  kind: SyncKind;
  record: string;
  reason: string;
  raw: unknown;
}

export interface SyncPlan {
  changes: SyncChange[];
  unchanged: number;
  /** Records the source lists that this sync does not create (`updateOnly` ones the hub does not hold), with why. */
  skipped: Array<{ kind: SyncKind; record: string; reason: string }>;
  failures: SyncFailure[];
}

/** The hub's records of a kind by key (`keyOf`), as the caller reads them. */
export type HubRecords = (kind: SyncKind) => ReadonlyMap<string, object>;

/** A new customer's fields the ERP does not keep: no sales rep authorised yet (each order names one for approval), partial delivery allowed. */
export const NEW_CUSTOMER_DEFAULTS: Readonly<Pick<Customer, "salesReps" | "partialDelivery">> = Object.freeze({ salesReps: [], partialDelivery: "allowed" });

// ---------------------------------------------------------------------------------------------------------------
// Reading the sources' answers

/**
 * The ERP's GetMasterData answer (`Customer[]`, `Item[]`, `Price[]`, `Warehouse[]`, `Stock[]`, `OpenItem[]`,
 * `Company[]`, `TransferPrice[]`): customers with their credit limits, items, price lists (one per `PriceList`, from its
 * rows), warehouses with their priority, on-hand stock, open items, and the group (sync-group.ts).
 */
export function fromErp(answer: unknown): IncomingRecord[] {
  const a = asObject(answer);
  const out: IncomingRecord[] = [];
  for (const raw of listOf(a.Customer)) {
    out.push(
      read("customers", raw, (r) => text(r, "CustomerNumber", true), (r) => ({
        fields: present<Partial<Customer>>({
          id: text(r, "CustomerNumber", true),
          name: text(r, "Name", true),
          class: text(r, "Class", true),
          currency: text(r, "Currency", true),
          creditLimit: num(r, "CreditLimit"),
          paymentTermsDays: num(r, "PaymentTermsDays", true, true),
          graceDays: num(r, "GraceDays", true, true),
          blocked: bool(r, "Blocked"),
          region: text(r, "Region"),
        }),
        clears: ["creditLimit", "region"],
      })),
    );
  }
  for (const raw of listOf(a.Item)) {
    out.push(
      read("items", raw, (r) => text(r, "Sku", true), (r) => ({
        fields: present<Partial<Item>>({
          sku: text(r, "Sku", true),
          name: text(r, "Name", true),
          unit: text(r, "Unit", true),
          productionMode: text(r, "ProductionMode", true) as Item["productionMode"],
          leadTimeDays: num(r, "LeadTimeDays", true, true),
          basePrice: num(r, "BasePrice"),
        }),
        clears: ["basePrice"],
      })),
    );
  }
  out.push(...priceListsOf(listOf(a.Price)));
  for (const raw of listOf(a.Warehouse)) {
    out.push(
      read("warehouses", raw, (r) => text(r, "WarehouseNumber", true), (r) => ({
        fields: present<Partial<Warehouse>>({ id: text(r, "WarehouseNumber", true), priority: num(r, "Priority", true, true), region: text(r, "Region") }),
        clears: ["region"],
      })),
    );
  }
  for (const raw of listOf(a.Stock)) out.push(stockRecord(raw, "OnHand", "Sku", "Warehouse"));
  for (const raw of listOf(a.OpenItem)) {
    out.push(
      read("openItems", raw, (r) => `${text(r, "Document", true)} of customer ${text(r, "Customer", true)}`, (r) => ({
        fields: present<Partial<OpenItem>>({
          customer: text(r, "Customer", true),
          type: text(r, "Type", true) as OpenItem["type"],
          document: text(r, "Document", true),
          amount: num(r, "Amount", true),
          dueDate: day(r, "DueDate"),
        }),
        clears: ["dueDate"],
      })),
    );
  }
  out.push(...groupFromErp(a));
  return out;
}

/** The ERP's price rows, one price list per `PriceList` id, its prices in the order the rows came. */
function priceListsOf(rows: unknown[]): IncomingRecord[] {
  const lists = new Map<string, { raw: unknown[]; list?: PriceList; problem?: string }>();
  rows.forEach((raw, i) => {
    const r = asObject(raw);
    let id: string;
    try {
      id = text(r, "PriceList", true);
    } catch (err) {
      lists.set(`(row ${i + 1})`, { raw: [raw], problem: `price row ${i + 1}: ${(err as Error).message}` });
      return;
    }
    const entry = lists.get(id) ?? { raw: [] };
    lists.set(id, entry);
    entry.raw.push(raw);
    if (entry.problem) return;
    try {
      const head = present<Omit<PriceList, "prices">>({
        id,
        customer: text(r, "Customer"),
        customerClass: text(r, "CustomerClass"),
        currency: text(r, "Currency", true),
        validFrom: day(r, "ValidFrom", true),
        validTo: day(r, "ValidTo"),
      });
      const price = { sku: text(r, "Sku", true), minQuantity: num(r, "MinQuantity", true), unitPrice: num(r, "UnitPrice", true) };
      if (!entry.list) entry.list = { ...head, prices: [] };
      else {
        const { prices: _prices, ...before } = entry.list;
        if (JSON.stringify(before) !== JSON.stringify(head)) {
          throw new FieldProblem(`price row ${i + 1} (${price.sku}) gives the list other terms (${JSON.stringify(head)}) than its earlier rows (${JSON.stringify(before)})`);
        }
      }
      entry.list.prices.push(price);
    } catch (err) {
      if (!(err instanceof FieldProblem)) throw err;
      entry.problem = `price row ${i + 1}: ${err.message}`;
    }
  });
  return [...lists.entries()].map(([id, e]) =>
    e.problem || !e.list
      ? { kind: "priceLists", name: id, raw: e.raw, problem: e.problem ?? "no price rows" }
      : { kind: "priceLists", name: id, raw: e.raw, fields: e.list as unknown as Record<string, unknown>, clears: ["customer", "customerClass", "validTo"] },
  );
}

function stockRecord(raw: unknown, quantityField: string, skuField: string, warehouseField: string): IncomingRecord {
  return read("supply", raw, (r) => `on-hand of ${text(r, skuField, true)} in ${text(r, warehouseField, true)}`, (r) => ({
    fields: { sku: text(r, skuField, true), warehouse: text(r, warehouseField, true), type: "on-hand", quantity: num(r, quantityField, true) } satisfies Supply,
  }));
}

/**
 * PLM's items (`{items: [{item, name, type: "make"|"buy", unit}]}`): how each is supplied (`source`), for the items the
 * hub holds; the ERP creates items, with what selling them needs (production mode, lead time), PLM does not know those.
 */
export function fromPlm(answer: unknown): IncomingRecord[] {
  const a = asObject(answer);
  return listOf(Array.isArray(answer) ? answer : a.items).map((raw) =>
    read("items", raw, (r) => text(r, "item", true), (r) => {
      const type = text(r, "type", true);
      if (type !== "make" && type !== "buy") throw new FieldProblem(`type: "${type}" is neither make nor buy`);
      return { fields: { sku: text(r, "item", true), source: type }, updateOnly: true };
    }),
  );
}

/** A WMS stock snapshot (`{stock: [{sku, warehouse, quantity}]}`): on-hand stock per item and warehouse. */
export function fromWms(answer: unknown): IncomingRecord[] {
  const a = asObject(answer);
  return listOf(Array.isArray(answer) ? answer : a.stock).map((raw) => stockRecord(raw, "quantity", "sku", "warehouse"));
}

export function fromSource(source: SyncSource, answer: unknown): IncomingRecord[] {
  return source === "erp" ? fromErp(answer) : source === "plm" ? fromPlm(answer) : fromWms(answer);
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing with the hub

/** The fields a record of the kind is known by, as store/master-kinds.ts keys it. */
export const SYNC_KEY_FIELDS: Readonly<Record<SyncKind, readonly string[]>> = {
  customers: ["id"],
  items: ["sku"],
  priceLists: ["id"],
  warehouses: ["id"],
  supply: ["sku", "warehouse", "type", "date"],
  openItems: ["customer", "document"],
  companies: ["id"],
  transferPrices: ["sku", "from", "to"],
};

/** A record's key, as the caller's HubRecords maps are keyed: the key fields' values joined by NUL ("" for one absent). */
export function keyOf(kind: SyncKind, record: object): string {
  const r = record as Record<string, unknown>;
  return SYNC_KEY_FIELDS[kind].map((f) => (r[f] === undefined ? "" : String(r[f]))).join("\u0000");
}

/** JSON with keys sorted, and a price list's prices in SKU and quantity order: equal for records that mean the same. */
export function canonical(kind: SyncKind, record: object): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Raw)[k])]));
    return v;
  };
  let r = record as Raw;
  if (kind === "priceLists" && Array.isArray(r.prices)) {
    const prices = [...(r.prices as Array<{ sku: string; minQuantity: number }>)].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.minQuantity - b.minQuantity));
    r = { ...r, prices };
  }
  return JSON.stringify(sorted(r));
}

/**
 * What the source's records change in the hub: each record merged onto the hub's (the source's fields win, the
 * others stay; a new customer gets NEW_CUSTOMER_DEFAULTS), then compared. A record read twice in one answer counts
 * once (the last). Records that could not be read are failures; none of them holds the others back.
 */
export function planSync(incoming: readonly IncomingRecord[], hub: HubRecords): SyncPlan {
  const plan: SyncPlan = { changes: [], unchanged: 0, skipped: [], failures: [] };
  const last = new Map<string, IncomingRecord>();
  for (const rec of incoming) {
    if (rec.problem || !rec.fields) {
      plan.failures.push({ kind: rec.kind, record: rec.name, reason: rec.problem ?? "could not be read", raw: rec.raw });
      continue;
    }
    last.set(`${rec.kind}\u0001${keyOf(rec.kind, rec.fields)}`, rec);
  }
  for (const rec of last.values()) {
    const fields = rec.fields!;
    const held = hub(rec.kind).get(keyOf(rec.kind, fields));
    if (!held && rec.updateOnly) {
      plan.skipped.push({ kind: rec.kind, record: rec.name, reason: `not in the hub's ${rec.kind}: only the ERP sync creates them` });
      continue;
    }
    const base: Raw = held ? { ...(held as Raw) } : rec.kind === "customers" ? { ...NEW_CUSTOMER_DEFAULTS, salesReps: [] } : {};
    for (const f of rec.clears ?? []) delete base[f];
    const record = { ...base, ...fields };
    if (held && canonical(rec.kind, held) === canonical(rec.kind, record)) {
      plan.unchanged++;
      continue;
    }
    plan.changes.push({ kind: rec.kind, name: rec.name, record, added: !held, raw: rec.raw });
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------------------------
// The run's report

export interface SyncReport {
  runId: string;
  source: SyncSource;
  /** When the run compared (ISO 8601 time). */
  at: string;
  /** ok: every record read and checked; partial: some failed (dead-lettered), the others applied; failed: the source could not be read at all. */
  outcome: "ok" | "partial" | "failed";
  /** Records the source gave. */
  records: number;
  /** Changed records per kind (added or updated); kinds without a change are left out. */
  changed: Partial<Record<SyncKind, number>>;
  /** All changed records. */
  changedTotal: number;
  added: number;
  unchanged: number;
  skipped: number;
  failed: Array<{ kind: SyncKind; record: string; reason: string }>;
  /** Why the whole run failed (the source did not answer). */
  error?: string;
}

export function syncReport(run: { runId: string; source: SyncSource; at: string }, plan: SyncPlan): SyncReport {
  const changed: Partial<Record<SyncKind, number>> = {};
  for (const c of plan.changes) changed[c.kind] = (changed[c.kind] ?? 0) + 1;
  return {
    ...run,
    outcome: plan.failures.length > 0 ? "partial" : "ok",
    records: plan.changes.length + plan.unchanged + plan.skipped.length + plan.failures.length,
    changed,
    changedTotal: plan.changes.length,
    added: plan.changes.filter((c) => c.added).length,
    unchanged: plan.unchanged,
    skipped: plan.skipped.length,
    failed: plan.failures.map(({ kind, record, reason }) => ({ kind, record, reason })),
  };
}

/** The report of a run whose source could not be read at all: nothing changed. */
export function failedSyncReport(run: { runId: string; source: SyncSource; at: string }, error: string): SyncReport {
  return { ...run, outcome: "failed", records: 0, changed: {}, changedTotal: 0, added: 0, unchanged: 0, skipped: 0, failed: [], error };
}
