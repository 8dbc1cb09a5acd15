// The canonical-order schema, compiled once, and its violations told as sentences.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import type { CanonicalOrder } from "../domain/order/canonical-order";
import { DocumentError, OrderFormat } from "./errors";

let validator: ValidateFunction | undefined;

function compiledSchema(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(__dirname, "canonical-order.schema.json"), "utf8")) as object;
    validator = new Ajv({ allErrors: false, strict: true, strictRequired: false }).compile(schema);
  }
  return validator;
}

// What a value that fails a `pattern` should look like, by field name.
const EXPECTED_FORM: Record<string, string> = {
  currency: "an ISO 4217 code such as EUR",
  country: "an ISO 3166 two-letter code such as DE",
  gtin: "8 to 14 digits",
  gln: "13 digits",
  unit: "a UN/ECE Rec 20 code such as H87, EA or KGM",
};

/** `/lines/2/quantity` → `lines[2].quantity` */
function fieldPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), "");
}

function valueAt(data: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .slice(1)
    .reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), data);
}

function sentence(error: ErrorObject, data: unknown): string {
  const path = fieldPath(error.instancePath);
  const field = path || "the order";
  const value = valueAt(data, error.instancePath);
  const shown = JSON.stringify(value);
  const p = error.params as Record<string, unknown>;
  const last = path.split(/[.[]/).pop() ?? "";
  switch (error.keyword) {
    case "required":
      return `${path ? `${path}.` : ""}${String(p.missingProperty)} is missing`;
    case "additionalProperties":
      return `${path ? `${path}.` : ""}${String(p.additionalProperty)} is not a field of the canonical order`;
    case "type":
      return `${field} must be ${p.type === "array" || p.type === "object" || p.type === "integer" ? "an" : "a"} ${String(p.type)} (is ${shown})`;
    case "enum":
      return `${field} ${shown} is not one of ${(p.allowedValues as unknown[]).join(", ")}`;
    case "pattern":
      return `${field} ${shown} is not ${EXPECTED_FORM[last] ?? (error.schemaPath.includes("date") ? "an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)" : `of the form ${String(p.pattern)}`)}`;
    case "minLength":
      return `${field} must not be empty`;
    case "minItems":
      return `${field} must have at least ${String(p.limit)} entr${p.limit === 1 ? "y" : "ies"}`;
    case "anyOf":
      return `${field} needs an id, a gln or a name`;
    default:
      return `${field} ${error.message ?? "is invalid"}${value === undefined || typeof value === "object" ? "" : ` (is ${shown})`}`;
  }
}

/**
 * Orders this process produced and validated, by identity. A flow hands the same object from order-normalize to
 * order-validate (Node-RED clones only on fan-out), so the second check is free; a clone or any other object is
 * checked in full.
 */
const validated = new WeakSet<object>();

/** Compiles the canonical-order schema now (at start-up) rather than on the first order. */
export function compileCanonicalSchema(): void {
  compiledSchema();
}

/** Validates a canonical order; throws DocumentError `schema-violation` with a readable sentence. */
export function validateCanonicalOrder(value: unknown, format?: OrderFormat): CanonicalOrder {
  if (typeof value === "object" && value !== null && validated.has(value)) return value as CanonicalOrder;
  const validate = compiledSchema();
  if (validate(value)) {
    validated.add(value as object);
    return value as CanonicalOrder;
  }
  const errors = validate.errors ?? [];
  const error = errors.find((e) => e.keyword === "anyOf") ?? errors[0];
  throw new DocumentError("schema-violation", `canonical order: ${sentence(error, value)}`, { format });
}
