import { describe, expect, it } from "vitest";
import { parseEdifact } from "../../mappings/formats/edifact";
import { normalizeOrder } from "../../mappings";

const ORDER = [
  "UNB+UNOC:3+BUYER:14+SELLER:14+240601:0800+77'",
  "UNH+1+ORDERS:D:96A:UN'",
  "BGM+220+PO?+77?'A+9'",
  "DTM+137:20240601:102'",
  "NAD+BY+4012345000009::9++Müller ?& Söhne'",
  "CUX+2:EUR:9'",
  "LIN+1++SKU?:1:SA'",
  "QTY+21:2.5:KGM'",
  "PRI+AAA:10'",
  "UNS+S'",
  "UNT+10+1'",
  "UNZ+1+77'",
].join("");

describe("EDIFACT syntax", () => {
  it("honours the release character for separators inside values", () => {
    const [message] = parseEdifact(ORDER).messages;
    expect(message.segments[1].e2).toEqual(["PO+77'A"]);
    expect(message.segments[5].e3).toEqual(["SKU:1", "SA"]);
  });

  it("reads an interchange wrapped at a fixed width as if it were one line", () => {
    const wrapped = ORDER.match(/.{1,40}/g)!.join("\r\n");
    const [message] = parseEdifact(wrapped).messages;
    expect(message.segments.map((s) => s.tag)).toEqual(["UNH", "BGM", "DTM", "NAD", "CUX", "LIN", "QTY", "PRI", "UNS", "UNT"]);
    expect(message.segments[1].e2).toEqual(["PO+77'A"]);
    expect(message.segments[3].e4).toEqual(["Müller & Söhne"]);
    expect(message.segments[5].e3).toEqual(["SKU:1", "SA"]);
  });

  it("keeps a value's text whole across a release character at the start, middle and end", () => {
    const [message] = parseEdifact(ORDER.replace("BGM+220+PO?+77?'A+9'", "BGM+220+?+A?:B??+9'")).messages;
    expect(message.segments[1].e2).toEqual(["+A:B?"]);
  });

  it("holds no message's segments: each reading comes from the text, so a large interchange is not kept parsed", () => {
    const [message] = parseEdifact(ORDER).messages;
    const first = message.segments;
    expect(message.segments).toEqual(first);
    expect(message.segments).not.toBe(first);
    expect(first.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("reads custom separators from UNA", () => {
    const custom = "UNA|*,# !" + ORDER.replace(/\?/g, "#").replace(/:/g, "|").replace(/\+/g, "*").replace(/'/g, "!").replace("2.5", "2,5");
    const [message] = parseEdifact(custom).messages;
    expect(message.segments[1].e2).toEqual(["PO*77!A"]);
    expect(message.segments[6].e1).toEqual(["21", "2,5", "KGM"]);
  });

  it("maps a decimal comma named in UNA into a number", async () => {
    const custom = "UNA:+,? '" + ORDER.replace("2.5", "2,5");
    const order = await normalizeOrder(custom);
    expect(order.lines[0]).toMatchObject({ sku: "SKU:1", quantity: 2.5, unit: "KGM", unitPrice: 10, lineAmount: 25 });
    expect(order.buyer).toEqual({ id: "4012345000009", gln: "4012345000009", name: "Müller & Söhne" });
  });

  it("decodes UNOC (ISO 8859-1) bytes", async () => {
    const order = await normalizeOrder(Buffer.from(ORDER, "latin1"));
    expect(order.buyer.name).toBe("Müller & Söhne");
  });

  it("refuses a UNT reference that does not match UNH", () => {
    expect(() => parseEdifact(ORDER.replace("UNT+10+1'", "UNT+9+2'"))).toThrow('segment 10 (UNT): UNT reference "2" does not match UNH reference "1"');
  });

  it("refuses an interchange cut inside a segment", () => {
    expect(() => parseEdifact(ORDER.slice(0, ORDER.indexOf("QTY") + 6))).toThrow(/segment QTY is not terminated/);
  });

  it("refuses an interchange without UNZ", () => {
    expect(() => parseEdifact(ORDER.replace("UNZ+1+77'", ""))).toThrow("interchange 77 has no UNZ — the interchange is truncated");
  });
});
