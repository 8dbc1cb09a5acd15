// CSV syntax: bytes → rows keyed by the header row, each row knowing its source line.
import { parse } from "csv-parse/sync";
import { DocumentError } from "../errors";
import { decode } from "./text";

export type CsvRow = Record<string, string | number> & { _line: number };

export interface CsvDocument {
  columns: string[];
  rows: CsvRow[];
}

interface CsvParseError extends Error {
  code?: string;
  lines?: number;
}

/** A header line with more semicolons than commas is a semicolon-separated file (common from spreadsheets). */
function delimiterOf(text: string): string {
  const header = text.slice(0, text.indexOf("\n") >>> 0);
  const count = (ch: string) => header.split(ch).length;
  return count(";") > count(",") ? ";" : ",";
}

export function parseCsv(body: Buffer | string): CsvDocument {
  const text = decode(body, "csv");
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: true,
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      delimiter: delimiterOf(text),
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as CsvParseError;
    const truncated = e.code === "CSV_QUOTE_NOT_CLOSED";
    const line = typeof e.lines === "number" ? e.lines : undefined;
    const message = e.message.replace(/^Invalid Record Length: |^Quote Not Closed: /, "");
    throw new DocumentError(truncated ? "truncated" : "malformed-csv", `${line ? `line ${line}: ` : ""}${message}`, {
      format: "csv",
      line,
    });
  }
  const columns = records.length > 0 ? Object.keys(records[0].record) : [];
  const rows = records.map(({ record, info }) => {
    const row = { _line: info.lines } as CsvRow;
    for (const [key, value] of Object.entries(record)) if (value !== "") row[key] = value;
    return row;
  });
  if (rows.length === 0) throw new DocumentError("missing-field", "CSV has a header but no order lines", { format: "csv" });
  return { columns, rows };
}
