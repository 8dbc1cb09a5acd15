// The two order schemas, compiled once, and their violations told as sentences: canonical-order.schema.json, the
// complete order the hub hands on, and order-input.schema.json, what a sender of JSON must give (json-order.ts
// completes it).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import type { CanonicalOrder, OrderInput } from "../domain/order/canonical-order";
import { DocumentError, OrderFormat } from "./errors";

interface Validators {
  /** The complete canonical order. */
  output: ValidateFunction;
  /** What a sender must give; it refers to the output schema's definitions. */
  input: ValidateFunction;
}

let validators: Validators | undefined;

function compiledSchemas(): Validators {
  if (!validators) {
    const read = (file: string) => JSON.parse(readFileSync(join(__dirname, file), "utf8")) as object;
    const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false });
    const output = ajv.compile(read("canonical-order.schema.json"));
    validators = { output, input: ajv.compile(read("order-input.schema.json")) };
  }
  return validators;
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

/** Compiles the order schemas now (at start-up) rather than on the first order. */
export function compileCanonicalSchema(): void {
  compiledSchemas();
}

function violation(validate: ValidateFunction, value: unknown, format?: OrderFormat): DocumentError {
  const errors = validate.errors ?? [];
  const error = errors.find((e) => e.keyword === "anyOf") ?? errors[0];
  return new DocumentError("schema-violation", `canonical order: ${sentence(error, value)}`, { format });
}

/** Whether the value is a complete canonical order (then it counts as validated). */
export function isCanonicalOrder(value: unknown): value is CanonicalOrder {
  if (typeof value === "object" && value !== null && validated.has(value)) return true;
  if (!compiledSchemas().output(value)) return false;
  validated.add(value as object);
  return true;
}

/** Validates a canonical order; throws DocumentError `schema-violation` with a readable sentence. */
export function validateCanonicalOrder(value: unknown, format?: OrderFormat): CanonicalOrder {
  if (isCanonicalOrder(value)) return value;
  throw violation(compiledSchemas().output, value, format);
}

/**
 * Validates what a sender of JSON gave against what it must give (order-input.schema.json); throws DocumentError
 * `schema-violation` naming what is missing or wrong.
 */
export function validateOrderInput(value: unknown, format?: OrderFormat): OrderInput {
  const validate = compiledSchemas().input;
  if (validate(value)) return value as OrderInput;
  throw violation(validate, value, format);
}
