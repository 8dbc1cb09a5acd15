// Bytes to text: size limit, byte-order marks, declared encodings, and refusal of bytes that do not decode.
import { DocumentError, OrderFormat } from "../errors";

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

const decoders = new Map<string, TextDecoder>();

function decoderFor(label: string, format: OrderFormat): TextDecoder {
  const key = label.toLowerCase();
  let decoder = decoders.get(key);
  if (!decoder) {
    try {
      decoder = new TextDecoder(key, { fatal: true });
    } catch {
      throw new DocumentError("bad-encoding", `encoding "${label}" is not supported (use UTF-8)`, { format });
    }
    decoders.set(key, decoder);
  }
  return decoder;
}

export function byteLength(body: Buffer | string): number {
  return typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.length;
}

export function refuseOversized(body: Buffer | string, maxBytes: number, format?: OrderFormat): void {
  const size = byteLength(body);
  if (size > maxBytes) {
    throw new DocumentError("too-large", `document is ${size} bytes, over the limit of ${maxBytes} bytes`, { format });
  }
}

/** The first bytes as Latin-1 (ASCII-compatible): enough to sniff a format or read a declared encoding. */
export function head(body: Buffer | string, length = 2048): string {
  if (typeof body === "string") return body.slice(0, length).replace(/^\uFEFF/, "");
  const start = hasUtf8Bom(body) ? 3 : 0;
  if (body[0] === 0xff && body[1] === 0xfe) return new TextDecoder("utf-16le").decode(body.subarray(2, 2 + length * 2));
  if (body[0] === 0xfe && body[1] === 0xff) return new TextDecoder("utf-16be").decode(body.subarray(2, 2 + length * 2));
  return body.toString("latin1", start, Math.min(body.length, start + length));
}

function hasUtf8Bom(body: Buffer): boolean {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
}

function lineOfFirstBadByte(body: Buffer): number {
  const text = new TextDecoder("utf-8").decode(body);
  const bad = text.indexOf("\uFFFD");
  return bad < 0 ? 1 : text.slice(0, bad).split("\n").length;
}

/**
 * Decodes a body in the given charset (UTF-8 unless the document declares another).
 * A string is taken as already decoded. Invalid bytes are an error, never replaced.
 */
export function decode(body: Buffer | string, format: OrderFormat, charset = "utf-8"): string {
  if (typeof body === "string") return body.replace(/^\uFEFF/, "");
  let bytes = body;
  let label = charset;
  if (hasUtf8Bom(body)) {
    bytes = body.subarray(3);
    label = "utf-8";
  } else if (body[0] === 0xff && body[1] === 0xfe) {
    bytes = body.subarray(2);
    label = "utf-16le";
  } else if (body[0] === 0xfe && body[1] === 0xff) {
    bytes = body.subarray(2);
    label = "utf-16be";
  }
  const decoder = decoderFor(label, format);
  try {
    return decoder.decode(bytes);
  } catch {
    const line = /^utf-?8$/i.test(label) ? lineOfFirstBadByte(bytes) : undefined;
    const where = line ? `line ${line}: ` : "";
    throw new DocumentError("bad-encoding", `${where}bytes are not valid ${label.toUpperCase()}`, { format, line });
  }
}
