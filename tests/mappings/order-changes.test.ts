import { describe, expect, it } from "vitest";
import { normalizeOrder } from "../../mappings";
import { publicFixture } from "../support/fixtures";

// UBL's own examples of a change and a cancellation, as published: each becomes a canonical change of the order it
// refers to (OrderReference/ID), not an order of its own.
describe("UBL OrderChange and OrderCancellation", () => {
  it("takes the OrderChange example as revision 1 (its SequenceNumberID) of order 34, in the currency its amounts name", async () => {
    const change = await normalizeOrder(publicFixture("ubl-2.1/UBL-OrderChange-2.1-Example.xml"));
    expect(change).toMatchObject({ orderNumber: "34", revision: 1, purpose: "change", currency: "SEK", source: { documentId: "7", format: "ubl" }, buyer: { id: "PartyID123" } });
    expect(change.lines).toEqual([expect.objectContaining({ lineNumber: "1", sku: "SItemNo001", quantity: 240, unitPrice: 50, requestedDate: "2010-02-10" })]);
  });

  it("takes the OrderCancellation example as a cancellation of order 34 with no lines, its revision left to the intake", async () => {
    const cancel = await normalizeOrder(publicFixture("ubl-2.1/UBL-OrderCancellation-2.1-Example.xml"));
    expect(cancel).toMatchObject({ orderNumber: "34", purpose: "cancel", lines: [], notes: ["With reference to phone call"] });
    expect(cancel.revision).toBeUndefined();
  });
});

describe("canonical JSON with a purpose", () => {
  const base = { orderNumber: "PO-1", issueDate: "2026-05-04", currency: "EUR", buyer: { id: "C-1" }, lines: [{ lineNumber: "1", sku: "A", quantity: 2, unitPrice: 5 }] };

  it.each([
    ["a change with its revision", { ...base, purpose: "change", revision: 2 }, { purpose: "change", revision: 2 }],
    ["a change without one: numbered at intake", { ...base, purpose: "change" }, { purpose: "change", revision: undefined }],
    ["a cancellation naming only the order", { orderNumber: "PO-1", issueDate: "2026-05-04", buyer: { id: "C-1" }, purpose: "cancel" }, { purpose: "cancel", revision: undefined, lines: [] }],
    ["an order: revision 0, no purpose", base, { purpose: undefined, revision: 0 }],
  ])("%s", async (_what, json, expected) => {
    const order = await normalizeOrder(JSON.stringify(json), { contentType: "application/json" });
    expect({ purpose: order.purpose, revision: order.revision, ...("lines" in expected ? { lines: order.lines } : {}) }).toEqual(expected);
  });

  it("still refuses an order without lines", async () => {
    await expect(normalizeOrder(JSON.stringify({ ...base, lines: [] }), { contentType: "application/json" })).rejects.toThrow(/lines/);
  });
});
