import { describe, expect, it } from "vitest";
import { detectFormat, DocumentError } from "../../mappings";
import { ownFixture, publicFixture } from "../support/fixtures";

describe("detects the format from the content", () => {
  it.each([
    { load: publicFixture, name: "ubl-2.1/UBL-Order-2.1-Example.xml", format: "ubl" },
    { load: publicFixture, name: "sap-in260/orders-inbound.idoc-orders05.xml", format: "idoc" },
    { load: publicFixture, name: "sap-in260/orders-inbound.edifact-d96a.edi", format: "edifact" },
    { load: ownFixture, name: "cxml-orderrequest.xml", format: "cxml" },
    { load: ownFixture, name: "csv-order.csv", format: "csv" },
    { load: ownFixture, name: "bad/canonical-missing-order-number.json", format: "json" },
  ])("$name is $format", ({ load, name, format }) => {
    expect(detectFormat(load(name))).toBe(format);
  });

  it("recognises EDIFACT without UNA and with leading whitespace", () => {
    expect(detectFormat("\n UNB+UNOC:3+A+B+250101:1200+1'")).toBe("edifact");
    expect(detectFormat("UNH+1+ORDERS:D:96A:UN'")).toBe("edifact");
  });
});

describe("uses the content type where it is specific, and sniffs the root where it is only XML", () => {
  it("sniffs application/xml to tell UBL from IDoc", () => {
    expect(detectFormat(publicFixture("sap-in260/orders-inbound.idoc-orders05.xml"), "application/xml; charset=utf-8")).toBe("idoc");
    expect(detectFormat(publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml"), "text/xml")).toBe("ubl");
  });

  it("trusts text/csv, application/json and application/edifact", () => {
    expect(detectFormat("a;b\n1;2", "text/csv")).toBe("csv");
    expect(detectFormat("[]", "application/json")).toBe("json");
    expect(detectFormat("UNB+UNOC:3'", "application/EDIFACT")).toBe("edifact");
  });
});

describe("refuses what is not an order document", () => {
  it.each([
    ["ubl-2.1/UBL-Invoice-2.1-Example.xml", /XML root <Invoice> \(urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\) is not a supported order document/],
    ["ubl-2.1/UBL-OrderResponse-2.1-Example.xml", /XML root <OrderResponse>/],
    ["sap-in260/invoic-outbound.idoc-invoic02.xml", /XML root <INVOIC02>/],
  ])("%s", (name, message) => {
    expect(() => detectFormat(publicFixture(name))).toThrow(message);
    expect(() => detectFormat(publicFixture(name), "application/xml")).toThrow(DocumentError);
  });

  it("refuses an empty body", () => {
    expect(() => detectFormat("")).toThrow("document is empty");
  });
});
