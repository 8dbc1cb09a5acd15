// The functions a JSONata mapping may call besides JSONata's own: they turn source text into typed values and
// raise a DocumentError that says where in the source document a value is wrong.
import { DocumentError, OrderFormat } from "./errors";
import { Segment, segmentLocation } from "./formats/edifact";
import unitTable from "./units.json";

export interface MappingContext {
  format: OrderFormat;
  decimalMark?: string;
}

type Where = string | { _line?: number; tag?: string; n?: number; line?: number } | undefined;

const UNITS: Record<string, string> = unitTable.units;

function describe(at: Where): { where: string; line?: number } {
  if (typeof at === "string") return { where: at };
  if (at && typeof at._line === "number") return { where: `line ${at._line}`, line: at._line };
  if (at && typeof at.tag === "string" && typeof at.n === "number") {
    return { where: segmentLocation(at as Segment), line: at.line };
  }
  return { where: "document" };
}

/** Text of an XML element whether or not it carried attributes (xml2js puts the text under `_` then). */
export function text(node: unknown): string | undefined {
  const value = node && typeof node === "object" && !Array.isArray(node) ? (node as { _?: unknown })._ : node;
  if (Array.isArray(value)) return text(value[0]);
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === "" ? undefined : s;
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isoDate(raw: string, format?: string): string | undefined {
  const s = format === "718" ? raw.split("-")[0] : raw.replace(" ", "T");
  let m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/.exec(s);
  if (m) {
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    return m[4] ? `${date}T${m[4]}:${m[5]}:${m[6] ?? "00"}` : date;
  }
  m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!m) return undefined;
  if (!m[2]) return m[1];
  const zone = m[4] && m[4] !== "Z" && !m[4].includes(":") ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4] ?? "";
  return `${m[1]}T${m[2]}${m[3] ?? ":00"}${zone}`;
}

function validCalendar(iso: string): boolean {
  const [y, mo, d] = iso.slice(0, 10).split("-").map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo - 1]) return false;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return false;
  const time = iso.slice(11, 19);
  return time === "" || /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(time);
}

/** Builds the `$name` functions bound into every mapping evaluation for one document. */
export function mappingFunctions(ctx: MappingContext) {
  const fail = (code: string, at: Where, what: string): never => {
    const { where, line } = describe(at);
    throw new DocumentError(code, `${where}: ${what}`, { format: ctx.format, line });
  };

  const num = (value: unknown, field: string, at?: Where): number | undefined => {
    const raw = text(value);
    if (raw === undefined) return undefined;
    let s = ctx.decimalMark && ctx.decimalMark !== "." ? raw.replace(ctx.decimalMark, ".") : raw;
    if (/^[0-9.]+-$/.test(s)) s = `-${s.slice(0, -1)}`; // SAP writes negative amounts as "10.00-"
    const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : NaN;
    return Number.isFinite(n) ? n : fail("not-a-number", at, `${field} "${raw}" is not a number`);
  };

  /** Refuses a currency that is not the order's: the canonical order has one currency for every amount. */
  const sameCurrency = (stated: unknown, currency: unknown, field: string, at?: Where): string | undefined => {
    const given = text(stated)?.toUpperCase();
    const order = text(currency)?.toUpperCase();
    if (given === undefined || order === undefined || given === order) return given;
    return fail("currency-mismatch", at, `${field} is in ${given}, but the order is in ${order}`);
  };

  return {
    text,
    num,
    sameCurrency,
    /** An amount element in the order's currency: its number, after checking its currencyID (UBL) or currency (cXML). */
    amount: (value: unknown, field: string, at: Where, currency: unknown): number | undefined => {
      const attrs = value && typeof value === "object" && !Array.isArray(value) ? (value as { currencyID?: unknown; currency?: unknown }) : undefined;
      sameCurrency(attrs?.currencyID ?? attrs?.currency, currency, field, at);
      return num(value, field, at);
    },
    int: (value: unknown, field: string, at?: Where): number | undefined => {
      const n = num(value, field, at);
      return n === undefined || Number.isInteger(n) ? n : fail("not-an-integer", at, `${field} "${text(value)}" is not a whole number`);
    },
    date: (value: unknown, field: string, at?: Where, format?: string): string | undefined => {
      const raw = text(value);
      if (raw === undefined || /^0+$/.test(raw)) return undefined; // SAP leaves unset dates as 00000000
      const iso = isoDate(raw, format);
      return iso && validCalendar(iso) ? iso : fail("not-a-date", at, `${field} "${raw}" is not a valid date`);
    },
    require: <T>(value: T, field: string, at?: Where): T =>
      value === undefined || value === null || value === "" ? fail("missing-field", at, `${field} is missing`) : value,
    unit: (code: unknown): string | undefined => {
      const raw = text(code)?.toUpperCase();
      return raw === undefined ? undefined : UNITS[raw] ?? raw;
    },
    /**
     * Splits segments into groups, each starting at a `trigger` tag and running while the tags are `members`
     * (or, without members, up to the next trigger or UNS). A group is indexed by tag: `$g.QTY[e1[0]="21"]`.
     */
    groups: (segments: Segment[] | Segment | undefined, trigger: string, members?: string[] | string) => {
      const list = asList(segments);
      const allowed = members === undefined ? undefined : new Set(Array.isArray(members) ? members : [members]);
      const out: Record<string, Segment[]>[] = [];
      let current: Record<string, Segment[]> | undefined;
      for (const s of list) {
        if (s.tag === trigger) out.push((current = { segments: [] }));
        else if (!current || (allowed ? !allowed.has(s.tag) : s.tag === "UNS" || s.tag === "UNT")) current = undefined;
        if (!current) continue;
        current.segments.push(s);
        (current[s.tag] ??= []).push(s);
      }
      return out;
    },
    /** Checks a control total the document states (line count …) against what was found. */
    expect: (found: unknown, stated: unknown, what: string, at?: Where): unknown => {
      if (stated === undefined || stated === null || Number(stated) === Number(found)) return found;
      return fail("control-count", at, `${what}: the document says ${String(stated)}, found ${String(found)}`);
    },
    /**
     * EDIFACT code/value pairs: in the given segments, the first composite whose component `codeIndex` is one of
     * `codes` (tried in order), returning its component `valueIndex` (`$coded(PIA, ["SA", "VN"])` → the supplier's
     * article number).
     */
    coded: (segments: Segment[] | Segment | undefined, codes: string[] | string, codeIndex = 1, valueIndex = 0): string | undefined => {
      const list = asList(segments);
      for (const code of asList(codes)) {
        for (const segment of list) {
          for (let i = 1; segment[`e${i}`] !== undefined; i++) {
            const composite = segment[`e${i}`];
            if (composite[codeIndex] === code && composite[valueIndex]) return composite[valueIndex];
          }
        }
      }
      return undefined;
    },
    /** A header value repeated on every CSV row: returns it, and refuses rows that disagree. */
    uniform: (rows: Record<string, unknown>[] | Record<string, unknown>, column: string): unknown => {
      const list = asList(rows);
      const first = list[0]?.[column];
      const other = list.find((row) => row[column] !== first);
      if (other) {
        fail("inconsistent-header", other as Where, `${column} "${String(other[column] ?? "")}" differs from "${String(first ?? "")}" on line ${String(list[0]._line)} (the lines of one order number are one order)`);
      }
      return first;
    },
  };
}
