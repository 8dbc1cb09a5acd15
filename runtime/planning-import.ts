import { parse } from "csv-parse/sync";
import type { BomLine } from "../domain/planning/bom";
import { PlanningInputError } from "../domain/planning/errors";
import { array, checkBomLines, object } from "../domain/planning/input-checks";
import { getPlanningBook, type BomChangeDone, type PlanningBook } from "../store/planning-book";
import { getMasterData, type MasterDataService } from "./master-data";

/**
 * BOMs as PLM hands them over, turned into BOM lines: a JSON array of lines, an object `{lines, parents?, items?}`
 * (a `plm.bom.released` message: `parents` names BOMs to replace even when they end up empty, `items` are master data
 * items that come with them), or CSV with the header `parent,child,quantity,lossRate,validFrom,validTo`.
 */

export interface BomImport {
  lines: BomLine[];
  /** Parents whose BOMs are replaced besides those the lines name. */
  parents: string[];
  /** Master data items that came with the BOMs (upserted into the master data's items). */
  items: object[];
  /** Who released them in PLM, and why, when the message says. */
  releasedBy?: string;
  reason?: string;
}

const COLUMNS = ["parent", "child", "quantity", "lossRate", "validFrom", "validTo"] as const;

/** CSV rows as BOM lines; numbers and empty cells converted, a bad cell named by its row (the header is row 1) and column. */
export function parseBomCsv(text: string): BomLine[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: (header: string[]) => header.map((h) => h.trim()), skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw new PlanningInputError(`CSV: ${(err as Error).message}`);
  }
  const header = rows.length ? Object.keys(rows[0]) : [];
  for (const needed of ["parent", "child", "quantity"]) if (rows.length && !header.includes(needed)) throw new PlanningInputError(`CSV: the header has no ${needed} column (columns: ${COLUMNS.join(",")})`);
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown.length) throw new PlanningInputError(`CSV: unknown column ${unknown.join(", ")} (columns: ${COLUMNS.join(",")})`);
  return rows.map((r, i) => {
    const row = i + 2;
    const num = (column: "quantity" | "lossRate") => {
      const v = r[column];
      if (v === undefined || v === "") return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) throw new PlanningInputError(`CSV row ${row}: ${column} "${v}" is not a number`);
      return n;
    };
    const line: BomLine = { parent: r.parent, child: r.child, quantity: num("quantity") as number };
    const loss = num("lossRate");
    if (loss !== undefined) line.lossRate = loss;
    if (r.validFrom) line.validFrom = r.validFrom;
    if (r.validTo) line.validTo = r.validTo;
    return line;
  });
}

/**
 * A BOM import from JSON: an array of lines, or `{lines, parents?, items?, releasedBy?, reason?}` (PLM's release message
 * `{event, item, revision, releasedAt, lines}` too: its reason is then the release). Lines are checked where they are stored.
 */
export function bomImportOf(value: unknown): BomImport {
  if (Array.isArray(value)) return { lines: value as BomLine[], parents: [], items: [] };
  const body = object(value, "body");
  const lines = array(body.lines ?? body.bom, "lines") as BomLine[];
  const parents = body.parents === undefined ? [] : array(body.parents, "parents").map((p, i) => {
    if (typeof p !== "string" || p === "") throw new PlanningInputError(`parents[${i}]: must be a non-empty string (is ${JSON.stringify(p)})`);
    return p;
  });
  const items = body.items === undefined ? [] : (array(body.items, "items") as object[]);
  return {
    lines,
    parents,
    items,
    ...(typeof body.releasedBy === "string" ? { releasedBy: body.releasedBy } : {}),
    ...(typeof body.reason === "string" ? { reason: body.reason } : typeof body.item === "string" && body.revision !== undefined ? { reason: `PLM release of ${body.item}, revision ${String(body.revision)}` } : {}),
  };
}

/**
 * Stores an import: its items upserted into the master data (checked against the master data schema), then the BOMs
 * of its parents replaced (checked for cycles against every BOM the hub holds), each in one transaction. A refused
 * BOM leaves the items upserted: sending the import again after the fix changes them no further.
 */
export async function importBoms(imp: BomImport, audit: { who: string; why: string }, deps: { book?: PlanningBook; master?: MasterDataService } = {}): Promise<BomChangeDone & { items: number }> {
  checkBomLines(imp.lines, "lines");
  if (imp.items.length) await (deps.master ?? getMasterData()).upsert("items", imp.items, `BOM import by ${audit.who}`);
  const done = await (deps.book ?? getPlanningBook()).replaceBoms(imp.lines, audit, imp.parents);
  return { ...done, items: imp.items.length };
}
