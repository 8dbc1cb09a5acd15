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
  segments: Segment[];
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

function tokenize(text: string, sep: Separators, start: number): { segments: RawSegment[]; lineBased: boolean } {
  const segments: RawSegment[] = [];
  const elements: string[][] = [];
  const components: string[] = [];
  // A value is taken as one slice of the text from `from` on; only a release character or a line break inside it
  // makes it a concatenation (built character by character, a 10 MB interchange took some 270 MB of heap).
  let current = "";
  let from = start;
  let line = 1;
  let segmentLine = 1;
  let newlines = 0;
  let inSegment = false;
  // An element's components in an array of their own size: one grown by push keeps room for 17, which made a large
  // interchange's segments take three times the heap they need.
  const element = (last: string): string[] => {
    if (components.length === 0) return [last];
    const all = [...components, last];
    components.length = 0;
    return all;
  };
  const value = (end: number) => {
    const v = current + text.slice(from, end);
    current = "";
    from = end + 1;
    return v;
  };
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n") line++;
    if (!inSegment) {
      if (ch === "\n" || ch === "\r" || ch === " " || ch === "\t") {
        if (ch === "\n" && segments.length > 0) newlines++;
        continue;
      }
      inSegment = true;
      segmentLine = line;
      from = i;
    }
    if (ch === sep.release && i + 1 < text.length) {
      current += text.slice(from, i) + text[i + 1];
      from = ++i + 1;
      if (text[i] === "\n") line++;
    } else if (ch === sep.component) {
      components.push(value(i));
    } else if (ch === sep.element) {
      elements.push(element(value(i)));
    } else if (ch === sep.segment) {
      elements.push(element(value(i)));
      segments.push({ tag: elements[0][0], elements: elements.slice(1), line: segmentLine });
      elements.length = 0;
      inSegment = false;
    } else if (ch === "\r" || ch === "\n") {
      // a line break inside a segment (interchanges wrapped at a fixed width) is not part of the value
      current += text.slice(from, i);
      from = i + 1;
    }
  }
  if (inSegment) {
    const tag = (elements[0]?.[0] ?? current + text.slice(from)).slice(0, 3);
    fail("truncated", `line ${segmentLine}: segment ${tag} is not terminated by "${sep.segment}" — the interchange is truncated`, segmentLine);
  }
  return { segments, lineBased: segments.length > 1 && newlines >= segments.length - 1 };
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

function closeMessage(open: EdifactMessage, unt: Segment): void {
  const count = Number(unt.e1?.[0]);
  const ref = unt.e2?.[0];
  if (ref !== open.ref) {
    fail("control-reference", `${segmentLocation(unt)}: UNT reference "${ref}" does not match UNH reference "${open.ref}"`, unt.line);
  }
  if (count !== open.segments.length) {
    fail("control-count", `${segmentLocation(unt)}: UNT says ${unt.e1?.[0]} segments but message ${open.ref} has ${open.segments.length}`, unt.line);
  }
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
  const { segments: raw, lineBased } = tokenize(text, sep, start);
  const interchange: EdifactInterchange = { decimalMark: sep.decimal, messages: [] };
  let open: EdifactMessage | undefined;
  let group: OpenGroup | undefined;
  let groups = 0;
  let unb: Segment | undefined;
  let unz: Segment | undefined;
  for (const r of raw) {
    const segment = toSegment(r, open ? open.segments.length + 1 : r.tag === "UNH" ? 1 : 0, lineBased);
    if (r.tag === "UNB") {
      unb = segment;
      interchange.syntax = segment.e1?.[0];
      interchange.sender = segment.e2?.[0];
      interchange.recipient = segment.e3?.[0];
      interchange.controlRef = segment.e5?.[0];
    } else if (r.tag === "UNH") {
      if (open) fail("truncated", `${segmentLocation(segment)}: message ${open.ref} has no UNT before the next UNH`, segment.line);
      const id = segment.e2 ?? [];
      open = { ref: segment.e1?.[0] ?? "", type: id[0] ?? "", version: `${id[1] ?? ""}${id[2] ?? ""}`, segments: [segment] };
    } else if (open) {
      open.segments.push(segment);
      if (r.tag === "UNT") {
        closeMessage(open, segment);
        interchange.messages.push(open);
        if (group) group.messages++;
        open = undefined;
      }
    } else if (r.tag === "UNG") {
      if (group) fail("truncated", `${segmentLocation(segment)}: group ${group.ref} has no UNE before the next UNG`, segment.line);
      group = { ung: segment, ref: segment.e5?.[0] ?? "", messages: 0 };
      groups++;
    } else if (r.tag === "UNE" && group) {
      closeGroup(group, segment);
      group = undefined;
    } else if (r.tag === "UNZ") {
      unz = segment;
    } else {
      fail("malformed-edifact", `${segmentLocation(segment)}: segment outside a UNH … UNT message`, segment.line);
    }
  }
  if (open) {
    const last = open.segments[open.segments.length - 1];
    fail("truncated", `message ${open.ref} ends after ${segmentLocation(last)} without UNT — the interchange is truncated`, last.line);
  }
  if (group) fail("truncated", `group ${group.ref}, opened at ${segmentLocation(group.ung)}, has no UNE — the interchange is truncated`, group.ung.line);
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
