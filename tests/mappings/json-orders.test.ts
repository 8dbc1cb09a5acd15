import { describe, expect, it } from "vitest";
import { DocumentError, normalizeOrder, normalizeOrders, type CanonicalOrder, type NormalizeOptions } from "../../mappings";
import { canonicalOrder } from "../support/orders";

// A business system (a CRM, a shop) posts an order as JSON with what it knows: number, date, currency, buyer and
// lines. The hub fills in what it can tell itself and hands on the complete canonical order.

/** What a CRM sends: nothing it could leave out. */
const minimal = () => ({
  orderNumber: "CRM-5001",
  issueDate: "2026-11-20",
  currency: "EUR",
  buyer: { id: "C-1001" },
  lines: [
    { lineNumber: "1", sku: "FG-1000", quantity: 10, unitPrice: 12.5 },
    { lineNumber: "2", sku: "FG-1001", quantity: 3, unitPrice: 7.25 },
  ],
});

/** The channel it came by, as the intake flow's amqp-in reports it. */
const CHANNEL: NormalizeOptions = { channel: { system: "CRM", documentId: "crm-msg-5001" } };

const read = (order: unknown, opts: NormalizeOptions = CHANNEL) => normalizeOrder(JSON.stringify(order), { contentType: "application/json", ...opts });

async function refusal(order: unknown): Promise<DocumentError> {
  const err = await read(order).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentError);
  return err as DocumentError;
}

describe("a minimal JSON order", () => {
  it("is accepted and completed: source from the channel, revision 0, standard, no allowances or charges, amounts and totals from the lines", async () => {
    expect(await read(minimal())).toEqual({
      orderNumber: "CRM-5001",
      revision: 0,
      orderType: "standard",
      source: { system: "CRM", format: "json", documentId: "crm-msg-5001" },
      issueDate: "2026-11-20",
      currency: "EUR",
      buyer: { id: "C-1001" },
      lines: [
        { lineNumber: "1", sku: "FG-1000", quantity: 10, unitPrice: 12.5, lineAmount: 125 },
        { lineNumber: "2", sku: "FG-1001", quantity: 3, unitPrice: 7.25, lineAmount: 21.75 },
      ],
      allowances: [],
      charges: [],
      totals: { lineTotal: 146.75, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 146.75 },
    });
  });

  it("from a channel that does not name its system: unknown, as for the other formats; the node's source system first", async () => {
    expect((await read(minimal(), {})).source).toEqual({ system: "unknown", format: "json" });
    expect((await read(minimal(), { ...CHANNEL, sourceSystem: "shop" })).source).toEqual({ system: "shop", format: "json", documentId: "crm-msg-5001" });
  });
});

describe("each optional field the sender gives is taken", () => {
  type Case = [string, Record<string, unknown>, (o: CanonicalOrder) => unknown, unknown];
  it.each<Case>([
    ["revision", { revision: 2 }, (o) => o.revision, 2],
    ["orderType", { orderType: "rush" }, (o) => o.orderType, "rush"],
    ["source, whole", { source: { system: "SAP-CRM", format: "json", documentId: "Q-77" } }, (o) => o.source, { system: "SAP-CRM", format: "json", documentId: "Q-77" }],
    ["source, in part: the rest from the channel", { source: { system: "SAP-CRM" } }, (o) => o.source, { system: "SAP-CRM", format: "json", documentId: "crm-msg-5001" }],
    ["allowances: totalled and taken off", { allowances: [{ reason: "Discount", amount: 6.75 }] }, (o) => [o.allowances, o.totals], [[{ reason: "Discount", amount: 6.75 }], { lineTotal: 146.75, allowanceTotal: 6.75, chargeTotal: 0, taxTotal: 0, payable: 140 }]],
    ["charges: totalled and added", { charges: [{ reason: "Freight", amount: 20 }] }, (o) => [o.charges, o.totals.chargeTotal, o.totals.payable], [[{ reason: "Freight", amount: 20 }], 20, 166.75]],
    ["empty allowances and charges", { allowances: [], charges: [] }, (o) => [o.allowances, o.charges], [[], []]],
    ["the tax total: added to the payable amount", { totals: { taxTotal: 27.88 } }, (o) => o.totals, { lineTotal: 146.75, allowanceTotal: 0, chargeTotal: 0, taxTotal: 27.88, payable: 174.63 }],
    ["a payable amount that adds up", { totals: { payable: 146.75 } }, (o) => o.totals.payable, 146.75],
    ["a payable amount with tax that adds up", { totals: { taxTotal: 27.88, payable: 174.63 } }, (o) => o.totals.payable, 174.63],
    ["a payable amount before tax, the tax stated beside it", { totals: { taxTotal: 27.88, payable: 146.75 } }, (o) => o.totals.payable, 146.75],
    ["a line total that adds up", { totals: { lineTotal: 146.75 } }, (o) => o.totals, { lineTotal: 146.75, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 146.75 }],
    ["every total", { allowances: [{ amount: 6.75 }], totals: { lineTotal: 146.75, allowanceTotal: 6.75, chargeTotal: 0, taxTotal: 0, payable: 140 } }, (o) => o.totals.payable, 140],
    ["a line's own amount (a line discount)", { lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 10, unitPrice: 12.5, lineAmount: 120 }] }, (o) => [o.lines[0].lineAmount, o.totals.lineTotal], [120, 120]],
    ["a line without a price: no amount, the others are totalled", { lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 10 }, { lineNumber: "2", sku: "FG-1001", quantity: 3, unitPrice: 7.25 }] }, (o) => [o.lines[0].lineAmount, o.totals.lineTotal], [undefined, 21.75]],
    ["seller, ship-to, delivery, terms and notes", { seller: { id: "OWN" }, shipTo: { name: "Werk 2" }, requestedDelivery: { date: "2026-12-01" }, paymentTerms: { netDays: 30 }, notes: ["call first"] }, (o) => [o.seller, o.shipTo, o.requestedDelivery, o.paymentTerms, o.notes], [{ id: "OWN" }, { name: "Werk 2" }, { date: "2026-12-01" }, { netDays: 30 }, ["call first"]]],
  ])("%s", async (_field, given, pick, expected) => {
    expect(pick(await read({ ...minimal(), ...given }))).toEqual(expected);
  });

  it("rounds amounts to the currency's minor unit", async () => {
    const order = await read({ ...minimal(), currency: "JPY", lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 3, unitPrice: 333.4 }] });
    expect([order.lines[0].lineAmount, order.totals.payable]).toEqual([1000, 1000]);
  });

  it("takes an order that is complete already exactly as sent", async () => {
    const complete = canonicalOrder("SO-COMPLETE");
    expect(await read(complete)).toEqual(complete);
  });

  it("completes each order of a batch, each with a document id of its own", async () => {
    const outcomes = await normalizeOrders(JSON.stringify([minimal(), { ...minimal(), orderNumber: "CRM-5002" }]), { contentType: "application/json", ...CHANNEL });
    expect(outcomes.map((o) => [o.order?.orderNumber, o.order?.source])).toEqual([
      ["CRM-5001", { system: "CRM", format: "json", documentId: "crm-msg-5001/1" }],
      ["CRM-5002", { system: "CRM", format: "json", documentId: "crm-msg-5001/2" }],
    ]);
  });
});

describe("totals the sender gives are checked against the lines", () => {
  it.each([
    ["a payable amount that does not add up", { totals: { payable: 999 } }, "totals.payable: given 999.00 EUR, expected 146.75 EUR (lines 146.75 − allowances 0.00 + charges 0.00 + tax 0.00)"],
    ["a line total that is not the sum of the lines", { totals: { lineTotal: 100 } }, "totals.lineTotal: given 100.00 EUR, expected 146.75 EUR (the sum of the lines' amounts)"],
    ["an allowance total that is not the sum of the allowances", { allowances: [{ amount: 5 }], totals: { allowanceTotal: 7 } }, "totals.allowanceTotal: given 7.00 EUR, expected 5.00 EUR (the sum of the allowances)"],
    ["a charge total that is not the sum of the charges", { charges: [{ amount: 20 }], totals: { chargeTotal: 2 } }, "totals.chargeTotal: given 2.00 EUR, expected 20.00 EUR (the sum of the charges)"],
  ])("refuses %s, naming the field, what was given and what was expected", async (_case, given, message) => {
    const err = await refusal({ ...minimal(), ...given });
    expect(err).toMatchObject({ code: "totals-mismatch", format: "json", message: `canonical order: ${message}` });
  });
});

describe("what a sender must give", () => {
  it.each([
    ["an order without its number", (o: Record<string, unknown>) => delete o.orderNumber, "orderNumber is missing"],
    ["an order without its date", (o: Record<string, unknown>) => delete o.issueDate, "issueDate is missing"],
    ["an order without its currency", (o: Record<string, unknown>) => delete o.currency, "currency is missing"],
    ["an order without its buyer", (o: Record<string, unknown>) => delete o.buyer, "buyer is missing"],
    ["a buyer without an id, GLN or name", (o: Record<string, unknown>) => (o.buyer = { taxId: "DE123" }), "buyer needs an id, a gln or a name"],
    ["an order without lines", (o: Record<string, unknown>) => delete o.lines, "lines is missing"],
    ["an empty list of lines", (o: Record<string, unknown>) => (o.lines = []), "lines must have at least 1 entry"],
    ["a line without its item (sku)", (o: { lines: Array<Record<string, unknown>> }) => delete o.lines[1].sku, "lines[1].sku is missing"],
    ["a line without its quantity", (o: { lines: Array<Record<string, unknown>> }) => delete o.lines[0].quantity, "lines[0].quantity is missing"],
    ["a zero quantity", (o: { lines: Array<Record<string, unknown>> }) => (o.lines[0].quantity = 0), "lines[0].quantity must be > 0"],
    ["a quantity given as text", (o: { lines: Array<Record<string, unknown>> }) => (o.lines[0].quantity = "10"), 'lines[0].quantity must be a number (is "10")'],
    ["a field the canonical order does not have", (o: Record<string, unknown>) => (o.customer = "C-1001"), "customer is not a field of the canonical order"],
    ["an unknown order type", (o: Record<string, unknown>) => (o.orderType = "urgent"), 'orderType "urgent" is not one of standard, rush, consignment-fillup, consignment-issue, consignment-pickup, consignment-return, intercompany, return'],
    ["a revision that is not a whole number", (o: Record<string, unknown>) => (o.revision = 1.5), "revision must be an integer (is 1.5)"],
  ])("refuses %s, naming the field", async (_what, change, message) => {
    const order = minimal();
    change(order as never);
    const err = await refusal(order);
    expect(err).toMatchObject({ code: "schema-violation", format: "json" });
    expect(err.message).toMatch(new RegExp(`^canonical order: ${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  });
});
