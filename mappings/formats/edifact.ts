// UN/EDIFACT syntax: bytes → segments, honouring UNA service string advice and checking the UNT/UNZ control counts.
import { DocumentError } from "../errors";
import { decode, head } from "./text";

/** One segment; e1, e2 … are its data elements, each a list of components. */
export interface Segment {
  tag: string;
  /** Position in its message, UNH = 1 (the count UNT checks); 0 for UNB/UNZ. */
  n: number;
  /** Source line, when the interchange puts one segment per line. */
  line?: number;
  [element: `e${number}`]: string[];
}

export interface EdifactMessage {
  ref: string;
  type: string;
  version: string;
  /**
   * Read from the interchange's text each time they are asked for, not kept: parsed segments take some 20 times the
   * space of their text, which for a 10 MB interchange of thousands of messages was 200 MB held at once. Take them
   * once per use.
   */
  readonly segments: Segment[];
}

export interface EdifactInterchange {
  sender?: string;
  recipient?: string;
  controlRef?: string;
  syntax?: string;
  decimalMark: string;
  messages: EdifactMessage[];
}

interface Separators {
  component: string;
  element: string;
  decimal: string;
  release: string;
  segment: string;
}

const DEFAULT_SEPARATORS: Separators = { component: ":", element: "+", decimal: ".", release: "?", segment: "'" };

// Syntax identifier (UNB S001/0001) → character set.
const CHARSETS: Record<string, string> = {
  UNOA: "latin1", UNOB: "latin1", UNOC: "iso-8859-1", UNOD: "iso-8859-2", UNOE: "iso-8859-5", UNOF: "iso-8859-7",
  UNOG: "iso-8859-3", UNOH: "iso-8859-4", UNOI: "iso-8859-6", UNOJ: "iso-8859-8", UNOK: "iso-8859-9",
  UNOW: "utf-8", UNOY: "utf-8",
};

function fail(code: string, message: string, line?: number): never {
  throw new DocumentError(code, message, { format: "edifact", line });
}

/** Where a segment is, in words: `line 23 (QTY)` when one segment per line, else `segment 23 (QTY)`. */
export function segmentLocation(segment: Pick<Segment, "tag" | "n" | "line">): string {
  return segment.line !== undefined ? `line ${segment.line} (${segment.tag})` : `segment ${segment.n} (${segment.tag})`;
}

export function edifactCharset(body: Buffer | string): string {
  const match = /UNB\s*.([A-Z]{4})/.exec(head(body, 200));
  return (match && CHARSETS[match[1]]) || "utf-8";
}

interface RawSegment {
  tag: string;
  elements: string[][];
  line: number;
}

/**
 * Calls `each` with every segment of text[from, to) in turn, with the index of its first character and of its
 * terminator; `line` is the line text[from] is on. A segment still open at `to` means the interchange is truncated.
 */
function tokenize(text: string, sep: Separators, from: number, to: number, line: number, each: (raw: RawSegment, first: number, last: number) => void): void {
  const elements: string[][] = [];
  const components: string[] = [];
  // A value is taken as one slice of the text from `valueFrom` on; only a release character or a line break inside it
  // makes it a concatenation (built character by character, every value was a chain of one-character strings).
  let current = "";
  let valueFrom = from;
  let segmentLine = line;
  let segmentFirst = from;
  let inSegment = false;
  // An element's components in an array of their own size: one grown by push keeps room for 17 (with the slices
  // above, a 9.8 MB interchange's parsed segments went from 274 to 196 MB).
  const element = (last: string): string[] => {
    if (components.length === 0) return [last];
    const all = [...components, last];
    components.length = 0;
    return all;
  };
  const value = (end: number) => {
    const v = current + text.slice(valueFrom, end);
    current = "";
    valueFrom = end + 1;
    return v;
  };
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch === "\n") line++;
    if (!inSegment) {
      if (ch === "\n" || ch === "\r" || ch === " " || ch === "\t") continue;
      inSegment = true;
      segmentLine = line;
      segmentFirst = i;
      valueFrom = i;
    }
    if (ch === sep.release && i + 1 < to) {
      current += text.slice(valueFrom, i) + text[i + 1];
      valueFrom = ++i + 1;
      if (text[i] === "\n") line++;
    } else if (ch === sep.component) {
      components.push(value(i));
    } else if (ch === sep.element) {
      elements.push(element(value(i)));
    } else if (ch === sep.segment) {
      elements.push(element(value(i)));
      each({ tag: elements[0][0], elements: elements.slice(1), line: segmentLine }, segmentFirst, i);
      elements.length = 0;
      inSegment = false;
    } else if (ch === "\r" || ch === "\n") {
      // a line break inside a segment (interchanges wrapped at a fixed width) is not part of the value
      current += text.slice(valueFrom, i);
      valueFrom = i + 1;
    }
  }
  if (inSegment) {
    const tag = (elements[0]?.[0] ?? current + text.slice(valueFrom, to)).slice(0, 3);
    fail("truncated", `line ${segmentLine}: segment ${tag} is not terminated by "${sep.segment}" — the interchange is truncated`, segmentLine);
  }
}

/**
 * Whether the interchange puts one segment per line, so that a segment is best named by its line; otherwise by its
 * position in its message. A first pass over the text, before any segment is read, so that errors found while
 * reading can already say where.
 */
function isLineBased(text: string, sep: Separators, start: number): boolean {
  let segments = 0;
  let newlines = 0;
  let inSegment = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (!inSegment) {
      if (ch === "\n" && segments > 0) newlines++;
      if (ch === "\n" || ch === "\r" || ch === " " || ch === "\t") continue;
      inSegment = true;
    }
    if (ch === sep.release) i++;
    else if (ch === sep.segment) {
      segments++;
      inSegment = false;
    }
  }
  return segments > 1 && newlines >= segments - 1;
}

/** A message whose segments are read from text[first, end) when asked for (see EdifactMessage.segments). */
function lazyMessage(head: Omit<EdifactMessage, "segments">, text: string, sep: Separators, range: { first: number; end: number; line: number }, lineBased: boolean): EdifactMessage {
  return Object.defineProperty({ ...head }, "segments", {
    enumerable: true,
    get: () => {
      const segments: Segment[] = [];
      tokenize(text, sep, range.first, range.end, range.line, (raw) => segments.push(toSegment(raw, segments.length + 1, lineBased)));
      return segments;
    },
  }) as EdifactMessage;
}

function toSegment(raw: RawSegment, n: number, lineBased: boolean): Segment {
  const segment: Segment = { tag: raw.tag, n };
  if (lineBased) segment.line = raw.line;
  raw.elements.forEach((components, i) => {
    segment[`e${i + 1}`] = components;
  });
  return segment;
}

function readSeparators(text: string): { sep: Separators; start: number } {
  const offset = text.search(/\S/);
  if (text.startsWith("UNA", offset)) {
    const s = text.slice(offset + 3, offset + 9);
    if (s.length < 6) fail("truncated", "UNA service string advice is incomplete");
    return { sep: { component: s[0], element: s[1], decimal: s[2], release: s[3], segment: s[5] }, start: offset + 9 };
  }
  return { sep: DEFAULT_SEPARATORS, start: Math.max(offset, 0) };
}

/** UNT closes the message UNH opened: the same reference, and the count of its segments, UNH and UNT included. */
function closeMessage(open: OpenMessage, unt: Segment): void {
  const count = Number(unt.e1?.[0]);
  const ref = unt.e2?.[0];
  if (ref !== open.head.ref) {
    fail("control-reference", `${segmentLocation(unt)}: UNT reference "${ref}" does not match UNH reference "${open.head.ref}"`, unt.line);
  }
  if (count !== open.count) {
    fail("control-count", `${segmentLocation(unt)}: UNT says ${unt.e1?.[0]} segments but message ${open.head.ref} has ${open.count}`, unt.line);
  }
}

/** A message being read: where it starts, how many segments it has so far, and the last of them. */
interface OpenMessage {
  head: Omit<EdifactMessage, "segments">;
  first: number;
  line: number;
  count: number;
  last: RawSegment;
}

/** A functional group (UNG … UNE) being read: its reference and how many messages it has so far. */
interface OpenGroup {
  ung: Segment;
  ref: string;
  messages: number;
}

/** UNE closes the group UNG opened: the same group reference, and the count of the messages in between. */
function closeGroup(group: OpenGroup, une: Segment): void {
  if (une.e2?.[0] !== group.ref) {
    fail("control-reference", `${segmentLocation(une)}: UNE reference "${une.e2?.[0]}" does not match UNG reference "${group.ref}"`, une.line);
  }
  if (Number(une.e1?.[0]) !== group.messages) {
    fail("control-count", `${segmentLocation(une)}: UNE says ${une.e1?.[0]} messages but group ${group.ref} has ${group.messages}`, une.line);
  }
}

/**
 * Parses an interchange (UNA? UNB … UNZ, or bare UNH … UNT messages, with or without functional groups UNG … UNE) and
 * checks its control segments.
 */
export function parseEdifact(body: Buffer | string): EdifactInterchange {
  const text = decode(body, "edifact", edifactCharset(body));
  const { sep, start } = readSeparators(text);
  const lineBased = isLineBased(text, sep, start);
  const interchange: EdifactInterchange = { decimalMark: sep.decimal, messages: [] };
  let open: OpenMessage | undefined;
  let group: OpenGroup | undefined;
  let groups = 0;
  let unb: Segment | undefined;
  let unz: Segment | undefined;
  // Only the service segments are kept; a message's own segments are counted here and read again when asked for.
  tokenize(text, sep, start, text.length, 1, (r, first, last) => {
    const segment = () => toSegment(r, open ? open.count + 1 : r.tag === "UNH" ? 1 : 0, lineBased);
    if (r.tag === "UNB") {
      unb = segment();
      interchange.syntax = unb.e1?.[0];
      interchange.sender = unb.e2?.[0];
      interchange.recipient = unb.e3?.[0];
      interchange.controlRef = unb.e5?.[0];
    } else if (r.tag === "UNH") {
      const unh = segment();
      if (open) fail("truncated", `${segmentLocation(unh)}: message ${open.head.ref} has no UNT before the next UNH`, unh.line);
      const id = unh.e2 ?? [];
      open = { head: { ref: unh.e1?.[0] ?? "", type: id[0] ?? "", version: `${id[1] ?? ""}${id[2] ?? ""}` }, first, line: r.line, count: 1, last: r };
    } else if (open) {
      const unt = r.tag === "UNT" ? segment() : undefined;
      open.count++;
      open.last = r;
      if (unt) {
        closeMessage(open, unt);
        interchange.messages.push(lazyMessage(open.head, text, sep, { first: open.first, end: last + 1, line: open.line }, lineBased));
        if (group) group.messages++;
        open = undefined;
      }
    } else if (r.tag === "UNG") {
      const ung = segment();
      if (group) fail("truncated", `${segmentLocation(ung)}: group ${group.ref} has no UNE before the next UNG`, ung.line);
      group = { ung, ref: ung.e5?.[0] ?? "", messages: 0 };
      groups++;
    } else if (r.tag === "UNE" && group) {
      closeGroup(group, segment());
      group = undefined;
    } else if (r.tag === "UNZ") {
      unz = segment();
    } else {
      const stray = segment();
      fail("malformed-edifact", `${segmentLocation(stray)}: segment outside a UNH … UNT message`, stray.line);
    }
  });
  if (open) {
    const last = toSegment(open.last, open.count, lineBased);
    fail("truncated", `message ${open.head.ref} ends after ${segmentLocation(last)} without UNT — the interchange is truncated`, last.line);
  }
  const unclosed = group as OpenGroup | undefined;
  if (unclosed) fail("truncated", `group ${unclosed.ref}, opened at ${segmentLocation(unclosed.ung)}, has no UNE — the interchange is truncated`, unclosed.ung.line);
  if (interchange.messages.length === 0) fail("truncated", "no UNH … UNT message in the interchange");
  if (unb) checkTrailer(unb, unz, interchange, groups);
  return interchange;
}

/** UNZ closes UNB: the same reference, and the count of its messages, or of its groups where it has any. */
function checkTrailer(unb: Segment, unz: Segment | undefined, interchange: EdifactInterchange, groups: number): void {
  if (!unz) fail("truncated", `interchange ${interchange.controlRef} has no UNZ — the interchange is truncated`);
  if (unz.e2?.[0] !== interchange.controlRef) {
    fail("control-reference", `UNZ reference "${unz.e2?.[0]}" does not match UNB reference "${unb.e5?.[0]}"`, unz.line);
  }
  const [count, what] = groups > 0 ? [groups, "groups"] : [interchange.messages.length, "messages"];
  if (Number(unz.e1?.[0]) !== count) {
    fail("control-count", `UNZ says ${unz.e1?.[0]} ${what} but the interchange has ${count}`, unz.line);
  }
}
