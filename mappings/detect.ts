// Which format is this document? The content type where it is specific, else the content itself.
import { DocumentError, OrderFormat } from "./errors";
import { head } from "./formats/text";

const UBL_ORDER_NS = "urn:oasis:names:specification:ubl:schema:xsd:Order-2";
/** UBL documents about an order: a change or a cancellation becomes a canonical order with its purpose. */
const UBL_ORDER_DOCUMENTS: Record<string, string> = {
  Order: UBL_ORDER_NS,
  OrderChange: "urn:oasis:names:specification:ubl:schema:xsd:OrderChange-2",
  OrderCancellation: "urn:oasis:names:specification:ubl:schema:xsd:OrderCancellation-2",
};

const CONTENT_TYPES: Record<string, OrderFormat | "xml"> = {
  "application/edifact": "edifact",
  "application/x-edifact": "edifact",
  "text/csv": "csv",
  "application/csv": "csv",
  "application/json": "json",
  "text/json": "json",
  "application/xml": "xml",
  "text/xml": "xml",
};

function rootElement(text: string): { name: string; tag: string } | undefined {
  const withoutProlog = text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, "");
  const match = /<([A-Za-z_][\w.:-]*)([^>]*)>?/.exec(withoutProlog);
  if (!match) return undefined;
  return { name: match[1].replace(/^.*:/, ""), tag: match[0] };
}

function sniffXml(text: string): OrderFormat {
  const root = rootElement(text);
  if (!root) throw new DocumentError("unknown-format", "XML document has no root element");
  if (UBL_ORDER_DOCUMENTS[root.name] && root.tag.includes(`"${UBL_ORDER_DOCUMENTS[root.name]}"`)) return "ubl";
  if (/^ORDERS0[1-5]$/.test(root.name)) return "idoc";
  if (root.name === "cXML" && /<OrderRequest[\s>]/.test(text)) return "cxml";
  const ns = /xmlns(?::\w+)?="([^"]+)"/.exec(root.tag);
  throw new DocumentError(
    "unknown-format",
    `XML root <${root.name}>${ns ? ` (${ns[1]})` : ""} is not a supported order document (UBL Order, OrderChange or OrderCancellation, IDoc ORDERS05, cXML OrderRequest)`,
  );
}

function sniff(text: string): OrderFormat {
  const start = text.trimStart();
  if (start === "") throw new DocumentError("unknown-format", "document is empty");
  if (start.startsWith("<")) return sniffXml(start);
  if (/^(UNA|UNB|UNH)/.test(start)) return "edifact";
  // an object is an order, an array a batch of orders
  if (start.startsWith("{") || start.startsWith("[")) return "json";
  const firstLine = start.split(/\r?\n/, 1)[0];
  if (/^[\w "]+([,;][\w "]+)+$/.test(firstLine)) return "csv";
  throw new DocumentError("unknown-format", `cannot tell the format: content starts with "${firstLine.slice(0, 40)}"`);
}

/** Detects the document format; throws DocumentError `unknown-format` when it is none of the supported ones. */
export function detectFormat(body: Buffer | string, contentType?: string): OrderFormat {
  const mediaType = contentType?.split(";")[0].trim().toLowerCase();
  const declared = mediaType?.endsWith("+xml") ? "xml" : mediaType ? CONTENT_TYPES[mediaType] : undefined;
  // A specific content type is believed without reading the document; XML only says which kind it is not.
  if (declared && declared !== "xml") return declared;
  const text = head(body);
  return declared === "xml" ? sniffXml(text.trimStart()) : sniff(text);
}
