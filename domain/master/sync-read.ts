// Reading the systems of record's answers (domain/master/sync.ts): a SOAP answer's or a JSON body's fields as text,
// numbers, flags and days, and one record read into the fields the source owns, or the problem that stops it.

import type { IncomingRecord, SyncKind } from "./sync";

export type Raw = Record<string, unknown>;

export class FieldProblem extends Error {}

/** A SOAP answer's repeated element: absent, one object, or a list. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

export function text(r: Raw, field: string, required: true): string;
export function text(r: Raw, field: string, required?: false): string | undefined;
export function text(r: Raw, field: string, required = false): string | undefined {
  let v = r[field];
  if (v && typeof v === "object" && "$value" in (v as object)) v = (v as { $value: unknown }).$value;
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) {
    if (required) throw new FieldProblem(`${field} is missing`);
    return undefined;
  }
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new FieldProblem(`${field}: ${JSON.stringify(v)} is not text`);
}

export function num(r: Raw, field: string, required: true, whole?: boolean): number;
export function num(r: Raw, field: string, required?: false, whole?: boolean): number | undefined;
export function num(r: Raw, field: string, required = false, whole = false): number | undefined {
  const v = r[field];
  if (v === undefined || v === null || v === "") {
    if (required) throw new FieldProblem(`${field} is missing`);
    return undefined;
  }
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new FieldProblem(`${field}: ${JSON.stringify(v)} is not a number`);
  if (whole && !Number.isInteger(n)) throw new FieldProblem(`${field}: ${n} is not a whole number`);
  return n;
}

export function bool(r: Raw, field: string): boolean {
  const v = r[field];
  if (v === true || v === "true" || v === "1" || v === 1) return true;
  if (v === false || v === "false" || v === "0" || v === 0) return false;
  throw new FieldProblem(v === undefined ? `${field} is missing` : `${field}: ${JSON.stringify(v)} is not true or false`);
}

/** A date as YYYY-MM-DD: the soap package reads xsd:date into a Date (midnight UTC), JSON has it as text. */
export function day(r: Raw, field: string, required: true): string;
export function day(r: Raw, field: string, required?: false): string | undefined;
export function day(r: Raw, field: string, required = false): string | undefined {
  const v = r[field];
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new FieldProblem(`${field} is not a date`);
    return v.toISOString().slice(0, 10);
  }
  const s = text(r, field, required as false);
  if (s === undefined) return undefined;
  const d = s.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new FieldProblem(`${field}: "${s}" is not a date (YYYY-MM-DD)`);
  return d;
}

export const asObject = (value: unknown): Raw => (value && typeof value === "object" && !Array.isArray(value) ? (value as Raw) : {});

/** Reads one record; a field it cannot read makes the record a problem, named with the record. */
export function read(kind: SyncKind, raw: unknown, nameOf: (r: Raw) => string, fieldsOf: (r: Raw) => Omit<IncomingRecord, "kind" | "name" | "raw">): IncomingRecord {
  const r = asObject(raw);
  let name: string;
  try {
    name = nameOf(r);
  } catch {
    name = "(unnamed)";
  }
  try {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new FieldProblem(`is ${JSON.stringify(raw)}, not a record`);
    return { kind, name, raw, ...fieldsOf(r) };
  } catch (err) {
    if (!(err instanceof FieldProblem)) throw err;
    return { kind, name, raw, problem: err.message };
  }
}

export const present = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
