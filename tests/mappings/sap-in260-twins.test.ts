import { describe, expect, it } from "vitest";
import { normalizeOrder } from "../../mappings";
import { publicFixture } from "../support/fixtures";

// SAP's IN260 exercise ships an EDIFACT D96A ORDERS and the IDoc ORDERS05 it must become: the same order 10040.
describe("the EDIFACT ORDERS and its IDoc ORDERS05 twin normalize to the same canonical order", async () => {
  const edifact = await normalizeOrder(publicFixture("sap-in260/orders-inbound.edifact-d96a.edi"));
  const idoc = await normalizeOrder(publicFixture("sap-in260/orders-inbound.idoc-orders05.xml"));
  const { source: edifactSource, ...edifactOrder } = edifact;
  const { source: idocSource, ...idocOrder } = idoc;

  it.each(Object.keys(idocOrder))("agrees on %s", (field) => {
    expect((edifactOrder as Record<string, unknown>)[field]).toEqual((idocOrder as Record<string, unknown>)[field]);
  });

  it("has no field that only one of them sets", () => {
    expect(Object.keys(edifactOrder).sort()).toEqual(Object.keys(idocOrder).sort());
  });

  it("agrees line by line", () => {
    expect(edifact.lines).toHaveLength(10);
    edifact.lines.forEach((line, i) => expect(line).toEqual(idoc.lines[i]));
  });

  it("keeps where each came from", () => {
    expect(edifactSource).toEqual({ system: "E1-UserXX", format: "edifact", documentId: "A0001/00620" });
    expect(idocSource).toEqual({ system: "I-UserXX", format: "idoc", documentId: "00000000000197" });
  });

  it("reads the real values of order 10040", () => {
    expect(idoc).toMatchObject({
      orderNumber: "10040",
      issueDate: "2025-09-29",
      currency: "EUR",
      buyer: { id: "IN260-UserXX", name: "IN260-UserXX GmbH", contact: { name: "Your Name", phone: "0621-123456" } },
      seller: { id: "BR-PN-ID", name: "BestRun GmbH", address: { city: "Berlin", postalCode: "10115", country: "DE" } },
      shipTo: { id: "WE-UserXX", address: { street: "Get Material Road 12", city: "Walldorf" } },
      requestedDelivery: { date: "2025-10-01T12:30:00", shipDate: "2025-10-14T09:45:00" },
      paymentTerms: { discountDays: 30, discountPercent: 30 },
      notes: ["Sales order for BestRun health food products"],
    });
    expect(idoc.lines.map((l) => [l.sku, l.quantity, l.unitPrice])).toEqual([
      ["BR-VCB-001", 144, 0.89], ["BR-KKWB-002", 100, 2.49], ["BR-MGOP-003", 150, 3.29], ["BR-FFSM-004", 120, 4.99],
      ["BR-PPLS-005", 250, 3.79], ["BR-CCEB-006", 300, 2.99], ["BR-GFQB-007", 240, 4.49], ["BR-BBGM-008", 60, 3.59],
      ["BR-APEW-009", 300, 1.49], ["BR-NSVC-010", 450, 2.19],
    ]);
    expect(idoc.lines[9]).toMatchObject({ buyerSku: "100010", gtin: "4000001000104", description: "BestRun NutriSnack - Veggie Chips", lineAmount: 985.5 });
  });
});
