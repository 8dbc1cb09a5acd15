// XML syntax: bytes → a plain JS tree (xml2js), refusing DTDs and entities before a parser sees them.
import { Parser, processors } from "xml2js";
import { DocumentError, OrderFormat } from "../errors";
import { decode, head } from "./text";

export type XmlTree = Record<string, unknown>;

// cXML documents carry a DOCTYPE naming cXML's public DTD. It has no internal subset, is never fetched and
// declares no entities, so it alone is let through; every other DOCTYPE is refused.
const CXML_DOCTYPE = /^<!DOCTYPE\s+cXML\s+SYSTEM\s+"http:\/\/xml\.cxml\.org\/schemas\/cXML\/[0-9.]+\/cXML\.dtd"\s*>$/;

const PARSER_OPTIONS = {
  explicitArray: false,
  explicitRoot: true,
  mergeAttrs: true,
  charkey: "_",
  strict: true,
  tagNameProcessors: [processors.stripPrefix],
  attrNameProcessors: [processors.stripPrefix],
};

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

export function declaredEncoding(body: Buffer | string): string {
  const match = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head(body, 300));
  return match ? match[1] : "utf-8";
}

function refuseDtd(text: string, format: OrderFormat): void {
  const entity = text.search(/<!ENTITY/i);
  if (entity >= 0) {
    const line = lineAt(text, entity);
    throw new DocumentError("dtd-refused", `line ${line}: entity declarations are refused (XXE / entity expansion)`, { format, line });
  }
  const doctype = text.search(/<!DOCTYPE/i);
  if (doctype < 0) return;
  const end = text.indexOf(">", doctype);
  const declaration = text.slice(doctype, end + 1);
  if (end > 0 && CXML_DOCTYPE.test(declaration)) return;
  const line = lineAt(text, doctype);
  throw new DocumentError("dtd-refused", `line ${line}: DOCTYPE declarations are refused (DTDs, external entities)`, {
    format,
    line,
  });
}

function parseError(err: Error, format: OrderFormat): DocumentError {
  const [first] = err.message.split("\n");
  const lineMatch = /Line:\s*(\d+)/.exec(err.message);
  const line = lineMatch ? Number(lineMatch[1]) + 1 : undefined;
  const truncated = /unclosed root tag|unexpected end|unclosed/i.test(first);
  const where = line ? `line ${line}: ` : "";
  const what = truncated ? `XML ends before the document is complete (${first})` : `malformed XML: ${first}`;
  return new DocumentError(truncated ? "truncated" : "malformed-xml", `${where}${what}`, { format, line });
}

/** Parses an XML order document. Namespace prefixes are stripped; attributes merge into their element. */
export function parseXml(body: Buffer | string, format: OrderFormat): XmlTree {
  const text = decode(body, format, declaredEncoding(body));
  refuseDtd(text, format);
  let tree: XmlTree | undefined;
  let failure: Error | undefined;
  new Parser(PARSER_OPTIONS).parseString(text, (err: Error | null, result: XmlTree) => {
    if (err) failure = failure ?? err;
    else tree = result;
  });
  if (failure) throw parseError(failure, format);
  if (!tree || typeof tree !== "object") {
    throw new DocumentError("truncated", "XML document is empty", { format });
  }
  return tree;
}
