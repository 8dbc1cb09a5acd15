// The kinds of master data the hub keeps, named three ways: as a property of the master data bundle (`priceLists`), as
// a REST path and an event name (`price-lists`: `PUT /api/master/price-lists`, `master.price-lists.upserted`), and
// each with the fields a record is known by. The schema is mappings/master-data.schema.json; the types domain/master/types.ts.
import type { MasterData, Settings } from "../domain/master/types";

/** A kind of master data records, by its property in the bundle. Settings are one object, not records: not a kind. */
export type MasterKind = Exclude<keyof MasterData, "settings">;

export interface MasterKindSpec {
  kind: MasterKind;
  /** In REST paths and event names. */
  path: string;
  /** One record, in messages: "customer", "price list". */
  noun: string;
  /** The fields a record is known by: a second record with the same values replaces the first. */
  keyFields: readonly string[];
}

const spec = (kind: MasterKind, path: string, noun: string, ...keyFields: string[]): MasterKindSpec => ({ kind, path, noun, keyFields });

/** In the order a bundle lists them. */
export const MASTER_KINDS: readonly MasterKindSpec[] = [
  spec("customers", "customers", "customer", "id"),
  spec("items", "items", "item", "sku"),
  spec("priceLists", "price-lists", "price list", "id"),
  spec("promotions", "promotions", "promotion", "id"),
  spec("warehouses", "warehouses", "warehouse", "id"),
  spec("supply", "supply", "supply record", "sku", "warehouse", "type", "date"),
  spec("reservations", "reservations", "reservation", "order", "sku", "warehouse"),
  spec("openItems", "open-items", "open item", "customer", "document"),
  spec("companies", "companies", "company", "id"),
  spec("transferPrices", "transfer-prices", "transfer price", "sku", "from", "to"),
];

const byKind = new Map(MASTER_KINDS.map((s) => [s.kind, s]));
const byPath = new Map(MASTER_KINDS.map((s) => [s.path, s]));

export function kindSpec(kind: MasterKind): MasterKindSpec {
  return byKind.get(kind)!;
}

/** The kind a REST path segment or event name part names (`price-lists`), or undefined. */
export function kindOfPath(path: string): MasterKindSpec | undefined {
  return byPath.get(path);
}

/** A record's key fields' values, in `keyFields` order; an absent one (a supply record without a date) is "". */
export function keyValues(spec: MasterKindSpec, record: object): string[] {
  const r = record as Record<string, unknown>;
  return spec.keyFields.map((f) => (r[f] === undefined ? "" : String(r[f])));
}

/** A record's key as one string, for maps. */
export function recordKey(spec: MasterKindSpec, record: object): string {
  return keyValues(spec, record).join("\u0000");
}

/** A record's key as a reader would name it: `C-1001`, `BR-VCB-001 in WH-NORTH, on-hand`. */
export function describeKey(spec: MasterKindSpec, record: object): string {
  const r = record as Record<string, string | undefined>;
  switch (spec.kind) {
    case "supply":
      return `${r.type} of ${r.sku} in ${r.warehouse}${r.date ? ` on ${r.date}` : " (undated)"}`;
    case "reservations":
      return `${r.sku} in ${r.warehouse} for order ${r.order}`;
    case "openItems":
      return `${r.document} of customer ${r.customer}`;
    case "transferPrices":
      return `${r.sku} from ${r.from}${r.to ? ` to ${r.to}` : " to any company"}`;
    default:
      return String(r[spec.keyFields[0]]);
  }
}

/** What a write does with a kind: replace every record, add or replace records by key, or remove records by key. */
export type MasterMode = "replace" | "upsert" | "delete";

/** The event names' last part (`master.customers.upserted`), by mode. */
export const EVENT_VERBS: Readonly<Record<MasterMode, string>> = { replace: "replaced", upsert: "upserted", delete: "deleted" };

export type { MasterData, Settings };
