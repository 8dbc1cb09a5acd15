// Master data checked against master-data.schema.json and the few rules a schema cannot say (a key given twice, a
// validity that ends before it starts), each problem told as `<where>: <what>` — `customers[3].creditLimit: must be
// number (is "5000")` — so that whoever sends a batch finds the record and the field at once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { MASTER_KINDS, describeKey, kindSpec, recordKey, type MasterData, type MasterKind, type MasterKindSpec, type Settings } from "../store/master-kinds";

/** Problems named one by one at most; a batch with more says how many more there are. */
export const MAX_PROBLEMS = 20;

/** Master data that does not pass: `problems` names each (the first MAX_PROBLEMS), the message the first of them. */
export class MasterDataError extends Error {
  override name = "MasterDataError";
  constructor(
    readonly problems: string[],
    /** How many problems there are in all (more than `problems` holds when there were many). */
    readonly count = problems.length,
  ) {
    super(problems.length === 0 ? "master data refused" : `${problems[0]}${count > 1 ? ` (and ${count - 1} more problem${count > 2 ? "s" : ""})` : ""}`);
  }
}

export function isMasterDataError(err: unknown): err is MasterDataError {
  return err instanceof MasterDataError;
}

const SCHEMA_ID = "https://orderhub.local/schemas/master-data.schema.json";
const DEFINITION: Record<MasterKind, string> = {
  customers: "customer",
  items: "item",
  priceLists: "priceList",
  promotions: "promotion",
  warehouses: "warehouse",
  supply: "supply",
  reservations: "reservation",
  openItems: "openItem",
  companies: "company",
  transferPrices: "transferPrice",
};

interface Validators {
  record: Map<MasterKind, ValidateFunction>;
  settings: ValidateFunction;
}

let validators: Validators | undefined;

function compiled(): Validators {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: true, verbose: true });
    ajv.addSchema(JSON.parse(readFileSync(join(__dirname, "master-data.schema.json"), "utf8")) as object);
    const definition = (name: string) => ajv.getSchema(`${SCHEMA_ID}#/definitions/${name}`)!;
    validators = {
      record: new Map(MASTER_KINDS.map(({ kind }) => [kind, definition(DEFINITION[kind])])),
      settings: definition("settings"),
    };
  }
  return validators;
}

/** Compiles the schema now (at start-up) rather than on the first batch. */
export function compileMasterSchema(): void {
  compiled();
}

/** `/prices/2/unitPrice` under `priceLists[0]` → `priceLists[0].prices[2].unitPrice` */
function fieldPath(base: string, pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), base);
}

const shown = (value: unknown) => (value === undefined ? "missing" : JSON.stringify(value));

const FORM: Array<[RegExp, string]> = [
  [/definitions\/date\//, "an ISO 8601 date such as 2025-10-01"],
  [/definitions\/currency\//, "an ISO 4217 currency code such as EUR"],
  [/\/unit\//, "a UN/ECE Rec 20 unit code such as H87, C62 or KGM"],
];

function sentence(error: ErrorObject, base: string): string {
  const path = fieldPath(base, error.instancePath);
  const p = error.params as Record<string, unknown>;
  const is = ` (is ${shown(error.data)})`;
  switch (error.keyword) {
    case "required":
      return `${path}.${String(p.missingProperty)}: is required`;
    case "additionalProperties": {
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `${path}.${String(p.additionalProperty)}: is not a field here${known.length ? ` (the fields are ${known.join(", ")})` : ""}`;
    }
    case "enum":
      return `${path}: must be one of ${(p.allowedValues as unknown[]).join(", ")}${is}`;
    case "pattern":
      return `${path}: must be ${FORM.find(([re]) => re.test(error.schemaPath))?.[1] ?? `of the form ${String(p.pattern)}`}${is}`;
    case "minLength":
      return `${path}: must not be empty`;
    case "type":
      return `${path}: must be ${String(p.type)}${is}`;
    default:
      return `${path}: ${error.message ?? "is not valid"}${typeof error.data === "object" ? "" : is}`;
  }
}

/** Collects problems, counting past the ones it keeps. */
class Problems {
  readonly list: string[] = [];
  count = 0;
  add(problem: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem);
    this.count++;
  }
  get full(): boolean {
    return this.list.length >= MAX_PROBLEMS;
  }
  throwIfAny(): void {
    if (this.count > 0) throw new MasterDataError(this.list, this.count);
  }
}

const day = (date: string | undefined) => date?.slice(0, 10);

/** What the schema cannot say about one record that passed it. */
function recordRules(kind: MasterKind, record: Record<string, any>, at: string, problems: Problems): void {
  if ((kind === "priceLists" || kind === "promotions") && record.validTo && day(record.validTo)! < day(record.validFrom)!) {
    problems.add(`${at}.validTo: ${record.validTo} is before validFrom ${record.validFrom}`);
  }
  if (kind === "priceLists") {
    if (record.customer && record.customerClass) problems.add(`${at}: names both a customer and a customerClass; a price list is for one customer, one class, or everyone`);
    const seen = new Map<string, number>();
    (record.prices as Array<{ sku: string; minQuantity: number }>).forEach((b, i) => {
      const key = `${b.sku}\u0000${b.minQuantity}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else problems.add(`${at}.prices[${i}]: ${b.sku} from quantity ${b.minQuantity} is given twice (prices[${first}] too)`);
    });
  }
  if (kind === "promotions") {
    if (!record.gift && !record.coupon) problems.add(`${at}: has neither a gift nor a coupon`);
    const coupon = record.coupon as { amount?: number; percent?: number } | undefined;
    if (coupon && (coupon.amount === undefined) === (coupon.percent === undefined)) {
      problems.add(`${at}.coupon: needs ${coupon.amount === undefined ? "an amount or a percent" : "an amount or a percent, not both"}`);
    }
  }
}

function arrayOf(spec: MasterKindSpec, value: unknown, problems: Problems): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  problems.add(`${spec.kind}: must be an array of ${spec.noun} records (is ${value === null ? "null" : typeof value})`);
  return undefined;
}

/** Checks one kind's records into `problems`; a key given twice in the batch is a problem (which one should win?). */
function checkRecords(kind: MasterKind, value: unknown, problems: Problems): void {
  const spec = kindSpec(kind);
  const records = arrayOf(spec, value, problems);
  if (!records) return;
  const validate = compiled().record.get(kind)!;
  const keys = new Map<string, number>();
  for (let i = 0; i < records.length && !problems.full; i++) {
    const at = `${kind}[${i}]`;
    const record = records[i];
    if (!validate(record)) {
      problems.add(sentence(validate.errors![0], at));
      continue;
    }
    recordRules(kind, record as Record<string, unknown>, at, problems);
    const key = recordKey(spec, record as object);
    const first = keys.get(key);
    if (first === undefined) keys.set(key, i);
    else problems.add(`${at}: ${spec.noun} ${describeKey(spec, record as object)} is given twice (${kind}[${first}] too)`);
  }
}

/** One kind's records, as `PUT` or `PATCH /api/master/<kind>` take them; throws MasterDataError naming each bad one. */
export function validateMasterRecords<T = object>(kind: MasterKind, value: unknown): T[] {
  const problems = new Problems();
  checkRecords(kind, value, problems);
  problems.throwIfAny();
  return value as T[];
}

/**
 * The records to remove: each names its key fields (a whole record will do). A supply record's date may be left out
 * (then it names the undated one).
 */
export function validateMasterKeys(kind: MasterKind, value: unknown): object[] {
  const problems = new Problems();
  const spec = kindSpec(kind);
  const records = arrayOf(spec, value, problems) ?? [];
  for (let i = 0; i < records.length && !problems.full; i++) {
    const record = records[i] as Record<string, unknown> | null;
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      problems.add(`${kind}[${i}]: must be an object naming ${spec.keyFields.join(", ")}`);
      continue;
    }
    for (const field of spec.keyFields) {
      const v = record[field];
      if (v === undefined && kind === "supply" && field === "date") continue;
      if (typeof v !== "string" || v === "") problems.add(`${kind}[${i}].${field}: ${v === undefined ? "is required" : `must be a non-empty string (is ${shown(v)})`}`);
    }
  }
  problems.throwIfAny();
  return records as object[];
}

export function validateMasterSettings(value: unknown): Partial<Settings> {
  const validate = compiled().settings;
  if (validate(value)) return value as Partial<Settings>;
  throw new MasterDataError([sentence(validate.errors![0], "settings")]);
}

/**
 * A bundle with any of the kinds and settings (the file `orderhub master import` reads); throws MasterDataError naming
 * every bad record, whatever its kind.
 */
export function validateMasterBundle(value: unknown): MasterData {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MasterDataError([`master data must be an object with ${MASTER_KINDS.map((k) => k.kind).join(", ")} and settings (is ${Array.isArray(value) ? "an array" : shown(value)})`]);
  }
  const problems = new Problems();
  const known = new Set<string>([...MASTER_KINDS.map((k) => k.kind), "settings"]);
  for (const name of Object.keys(value)) {
    if (!known.has(name)) problems.add(`${name}: is not a kind of master data (the kinds are ${[...known].join(", ")})`);
  }
  for (const { kind } of MASTER_KINDS) {
    const records = (value as Record<string, unknown>)[kind];
    if (records !== undefined && !problems.full) checkRecords(kind, records, problems);
  }
  const settings = (value as MasterData).settings;
  if (settings !== undefined && !problems.full) {
    try {
      validateMasterSettings(settings);
    } catch (err) {
      problems.add((err as MasterDataError).problems[0]);
    }
  }
  problems.throwIfAny();
  return value as MasterData;
}
