import { describe, expect, it } from "vitest";
import { DocumentError, normalizeOrder, NormalizeOptions, validateCanonicalOrder } from "../../mappings";
import { ownFixture, publicFixture } from "../support/fixtures";

async function refusal(body: Buffer | string, opts?: NormalizeOptions): Promise<DocumentError> {
  const err = await normalizeOrder(body, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentError);
  return err as DocumentError;
}

const bad = (name: string) => ownFixture(`bad/${name}`);

describe("refuses bad input with a specific error that says what and where", () => {
  it.each([
    ["a CSV quantity that is not a number", "csv-quantity-fifteen.csv", "not-a-number", 'line 20: quantity "fifteen" is not a number', 20],
    ["a truncated EDIFACT interchange", "edifact-truncated.edi", "truncated", "message 00620 ends after line 60 (LIN) without UNT — the interchange is truncated", 60],
    ["an EDIFACT UNT count that does not match", "edifact-wrong-segment-count.edi", "control-count", "line 101 (UNT): UNT says 100 segments but message 00620 has 99", 101],
    ["truncated XML", "ubl-truncated.xml", "truncated", "line 252: XML ends before the document is complete (Unclosed root tag)", 252],
    ["a billion-laughs entity bomb", "billion-laughs.xml", "dtd-refused", "line 3: entity declarations are refused (XXE / entity expansion)", 3],
    ["an XXE external entity", "xxe.xml", "dtd-refused", "line 2: entity declarations are refused (XXE / entity expansion)", 2],
    ["an external DTD", "doctype-external.xml", "dtd-refused", "line 2: DOCTYPE declarations are refused (DTDs, external entities)", 2],
    ["invalid UTF-8", "invalid-utf8.csv", "bad-encoding", "line 2: bytes are not valid UTF-8", 2],
    ["an undecodable declared encoding", "unknown-encoding.xml", "bad-encoding", 'encoding "EBCDIC-XYZ" is not supported (use UTF-8)', undefined],
    ["an unknown format", "unknown-format.txt", "unknown-format", 'cannot tell the format: content starts with "Dear sales team,"', undefined],
    ["canonical JSON without orderNumber", "canonical-missing-order-number.json", "schema-violation", "canonical order: orderNumber is missing", undefined],
    ["an order line without any item identification", "ubl-line-without-item-id.xml", "missing-field",
      "OrderLine[2]/LineItem/Item: item identification (SellersItemIdentification, BuyersItemIdentification or StandardItemIdentification) is missing", undefined],
  ])("%s", async (_what, fixture, code, message, line) => {
    const err = await refusal(bad(fixture));
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
    expect(err.line).toBe(line);
  });

  it("names the XML element of a value that is not a number", async () => {
    const body = bad("ubl-line-without-item-id.xml").toString().replace("<cbc:Name>Something without a number</cbc:Name>", "<cac:SellersItemIdentification><cbc:ID>X</cbc:ID></cac:SellersItemIdentification>");
    const err = await refusal(body);
    expect(err).toMatchObject({ code: "not-a-number", format: "ubl", message: 'OrderLine[3]/LineItem/Quantity: quantity "lots" is not a number' });
  });

  it("names the EDIFACT segment of a value that is not a number", async () => {
    const body = publicFixture("sap-in260/orders-inbound.edifact-d96a.edi").toString().replace("QTY+21:100:H87", "QTY+21:1OO:H87");
    const err = await refusal(body);
    expect(err).toMatchObject({ code: "not-a-number", format: "edifact", line: 32, message: 'line 32 (QTY): quantity "1OO" is not a number' });
  });

  it("counts segments when the interchange is on one line", async () => {
    const body = publicFixture("sap-in260/orders-inbound.edifact-d96a.edi").toString().replace(/\n/g, "").replace("PRI+AAA:2.49", "PRI+AAA:2,49");
    const err = await refusal(body);
    expect(err).toMatchObject({ line: undefined, message: 'segment 31 (PRI): unit price "2,49" is not a number' });
  });

  it("refuses a body over the size limit before parsing it", async () => {
    const err = await refusal(Buffer.alloc(11 * 1024 * 1024, 0x41));
    expect(err).toMatchObject({ code: "too-large", message: `document is ${11 * 1024 * 1024} bytes, over the limit of 10485760 bytes` });
    const small = await refusal(publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml"), { maxBytes: 1000 });
    expect(small.code).toBe("too-large");
  });

  it("refuses truncated JSON", async () => {
    const err = await refusal('{"orderNumber": "1", "lines": [', { format: "json" });
    expect(err.code).toBe("truncated");
  });

  it("refuses a CSV whose header fields differ between rows", async () => {
    const body = "orderNumber,issueDate,currency,buyerId,lineNumber,sku,quantity\nA-1,2024-01-02,EUR,C-1,1,K-1,3\nA-1,2024-01-02,USD,C-1,2,K-2,3\n";
    const err = await refusal(body);
    expect(err).toMatchObject({ code: "inconsistent-header", line: 3, message: 'line 3: currency "USD" differs from "EUR" on line 2 (the lines of one order number are one order)' });
  });

  it("refuses an impossible date", async () => {
    const body = "orderNumber,issueDate,currency,buyerId,lineNumber,sku,quantity\nA-1,2024-02-30,EUR,C-1,1,K-1,3\n";
    expect(await refusal(body)).toMatchObject({ code: "not-a-date", message: 'line 2: issueDate "2024-02-30" is not a valid date' });
  });

  it("refuses an IDoc whose item count control total disagrees", async () => {
    const body = publicFixture("sap-in260/orders-inbound.idoc-orders05.xml").toString().replace("<SUMME>10</SUMME>", "<SUMME>11</SUMME>");
    expect(await refusal(body)).toMatchObject({ code: "control-count", message: "E1EDS01: number of items (E1EDS01 SUMID 001): the document says 11, found 10" });
  });

  it("refuses EDIFACT messages that are not orders", async () => {
    const err = await refusal(publicFixture("sap-in260/invoic-outbound.edifact.edi"));
    expect(err.code).toBe("unknown-format");
    expect(err.message).toMatch(/is INVOIC, not an ORDERS order/);
  });
});

describe("validateCanonicalOrder", () => {
  const valid = JSON.parse(bad("canonical-missing-order-number.json").toString()) as Record<string, unknown>;

  it("accepts a complete canonical order", () => {
    expect(validateCanonicalOrder({ ...valid, orderNumber: "X-1" }).orderNumber).toBe("X-1");
  });

  it.each([
    [{ orderType: "urgent" }, 'canonical order: orderType "urgent" is not one of standard, rush, consignment-fillup, consignment-issue, consignment-pickup, consignment-return, intercompany, return'],
    [{ currency: "euro" }, 'canonical order: currency "euro" is not an ISO 4217 code such as EUR'],
    [{ issueDate: "01.06.2024" }, 'canonical order: issueDate "01.06.2024" is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)'],
    [{ lines: [{ lineNumber: "1", sku: "A", quantity: "2" }] }, 'canonical order: lines[0].quantity must be a number (is "2")'],
    [{ lines: [] }, "canonical order: lines must have at least 1 entry"],
    [{ buyer: {} }, "canonical order: buyer needs an id, a gln or a name"],
    [{ colour: "red" }, "canonical order: colour is not a field of the canonical order"],
  ])("explains %j in a sentence", (change, message) => {
    expect(() => validateCanonicalOrder({ ...valid, orderNumber: "X-1", ...change })).toThrow(message);
  });
});
