import { describe, expect, it } from "vitest";
import { fromErp, fromPlm, fromWms, keyOf, planSync, type IncomingRecord, type SyncKind } from "../../domain/master/sync";
import { runMessages } from "../../nodes/master-sync/controller";

// How a system's master data answer becomes the hub's records, and what counts as a change. Written from the
// master data steward's side: each system owns its fields, a record equal to the hub's is no change, and one bad
// record does not hold back the others.

const erpCustomer = { CustomerNumber: "C-1", Name: "North GmbH", Class: "A", Currency: "EUR", CreditLimit: 50000, PaymentTermsDays: 30, GraceDays: 10, Blocked: false, Region: "DE-BW" };
const hubCustomer = { id: "C-1", name: "North GmbH", class: "A", currency: "EUR", creditLimit: 50000, paymentTermsDays: 30, graceDays: 10, blocked: false, region: "DE-BW", salesReps: ["SR-1"], partialDelivery: "complete-order" };
const item = { sku: "FG-1", name: "Housing", unit: "H87", productionMode: "MTO", leadTimeDays: 20, basePrice: 100, maxDiscountPercent: 5 };

/** The hub holding these records. */
const holding = (records: Partial<Record<SyncKind, object[]>>) => (kind: SyncKind) => new Map((records[kind] ?? []).map((r) => [keyOf(kind, r), r]));
const fieldsOf = (records: IncomingRecord[]) => records.map((r) => r.fields ?? { problem: r.problem });

describe("reading the ERP's GetMasterData answer", () => {
  it.each<[string, object, object[]]>([
    ["a customer with its credit limit", { Customer: erpCustomer }, [{ id: "C-1", name: "North GmbH", class: "A", currency: "EUR", creditLimit: 50000, paymentTermsDays: 30, graceDays: 10, blocked: false, region: "DE-BW" }]],
    ["a customer without a limit (none), numbers as text, blocked as text", { Customer: [{ ...erpCustomer, CreditLimit: undefined, PaymentTermsDays: "14", Blocked: "true", Region: undefined }] },
      [{ id: "C-1", name: "North GmbH", class: "A", currency: "EUR", paymentTermsDays: 14, graceDays: 10, blocked: true }]],
    ["cash in advance: a limit of zero stays zero", { Customer: [{ ...erpCustomer, CreditLimit: 0 }] }, [expect.objectContaining({ creditLimit: 0 })]],
    ["a credit limit that is no number", { Customer: [{ ...erpCustomer, CreditLimit: "lots" }] }, [{ problem: 'CreditLimit: "lots" is not a number' }]],
    ["payment terms in part days", { Customer: [{ ...erpCustomer, PaymentTermsDays: 14.5 }] }, [{ problem: "PaymentTermsDays: 14.5 is not a whole number" }]],
    ["a customer without a number", { Customer: [{ ...erpCustomer, CustomerNumber: " " }] }, [{ problem: "CustomerNumber is missing" }]],
    ["an item", { Item: { Sku: "FG-1", Name: "Housing", Unit: "H87", ProductionMode: "MTO", LeadTimeDays: 20, BasePrice: 100 } },
      [{ sku: "FG-1", name: "Housing", unit: "H87", productionMode: "MTO", leadTimeDays: 20, basePrice: 100 }]],
    ["price rows of two lists, dates as the soap package reads them", {
      Price: [
        { PriceList: "PL-A", CustomerClass: "A", Currency: "EUR", ValidFrom: new Date("2025-01-01T00:00:00Z"), ValidTo: "2025-12-31", Sku: "FG-1", MinQuantity: 1, UnitPrice: 120 },
        { PriceList: "PL-A", CustomerClass: "A", Currency: "EUR", ValidFrom: new Date("2025-01-01T00:00:00Z"), ValidTo: "2025-12-31", Sku: "FG-1", MinQuantity: 10, UnitPrice: 110 },
        { PriceList: "PL-C1", Customer: "C-1", Currency: "EUR", ValidFrom: "2025-03-01", Sku: "FG-1", MinQuantity: 1, UnitPrice: 105 },
      ],
    }, [
      { id: "PL-A", customerClass: "A", currency: "EUR", validFrom: "2025-01-01", validTo: "2025-12-31", prices: [{ sku: "FG-1", minQuantity: 1, unitPrice: 120 }, { sku: "FG-1", minQuantity: 10, unitPrice: 110 }] },
      { id: "PL-C1", customer: "C-1", currency: "EUR", validFrom: "2025-03-01", prices: [{ sku: "FG-1", minQuantity: 1, unitPrice: 105 }] },
    ]],
    ["a price row giving its list other terms than the rows before", {
      Price: [
        { PriceList: "PL-A", Currency: "EUR", ValidFrom: "2025-01-01", Sku: "FG-1", MinQuantity: 1, UnitPrice: 120 },
        { PriceList: "PL-A", Currency: "USD", ValidFrom: "2025-01-01", Sku: "FG-2", MinQuantity: 1, UnitPrice: 90 },
      ],
    }, [{ problem: expect.stringMatching(/^price row 2: price row 2 \(FG-2\) gives the list other terms/) }]],
    ["stock: on hand, whatever is reserved", { Stock: [{ Sku: "FG-1", Warehouse: "WH-1", OnHand: 12, Reserved: 5, Available: 7 }] }, [{ sku: "FG-1", warehouse: "WH-1", type: "on-hand", quantity: 12 }]],
    ["stock of nothing is zero on hand", { Stock: [{ Sku: "FG-1", Warehouse: "WH-1", OnHand: 0, Reserved: 0, Available: 0 }] }, [expect.objectContaining({ quantity: 0 })]],
    ["an open invoice with its due date, and a credit (negative)", { OpenItem: [{ Customer: "C-1", Type: "invoice", Document: "INV-1", Amount: 1200, DueDate: new Date("2025-10-15T00:00:00Z") }, { Customer: "C-1", Type: "invoice", Document: "CN-1", Amount: -200 }] },
      [{ customer: "C-1", type: "invoice", document: "INV-1", amount: 1200, dueDate: "2025-10-15" }, { customer: "C-1", type: "invoice", document: "CN-1", amount: -200 }]],
    ["warehouses with their priority, a region or none", { Warehouse: [{ WarehouseNumber: "WH-1", Priority: "1", Region: "DE-BW" }, { WarehouseNumber: "WH-2", Priority: 2 }] },
      [{ id: "WH-1", priority: 1, region: "DE-BW" }, { id: "WH-2", priority: 2 }]],
    ["a warehouse without a priority", { Warehouse: { WarehouseNumber: "WH-1" } }, [{ problem: "Priority is missing" }]],
    ["the group: the home company with its ERP, a sister on the hub's own ERP, a price to one sister and one to any", {
      Company: [{ CompanyNumber: "DE01", Name: "Gears GmbH", Currency: "EUR", ErpEndpoint: "https://erp.de01.example/ErpService?wsdl", Home: "true" }, { CompanyNumber: "PL01", Name: "Gears Polska", Currency: "EUR", Home: false }],
      TransferPrice: [{ Sku: "GH-100", FromCompany: "PL01", ToCompany: "DE01", Price: "75.00", Currency: "EUR" }, { Sku: "GH-100", FromCompany: "PL01", Price: 80, Currency: "EUR" }],
    }, [
      { id: "DE01", name: "Gears GmbH", currency: "EUR", erp: "https://erp.de01.example/ErpService?wsdl", home: true },
      { id: "PL01", name: "Gears Polska", currency: "EUR" },
      { sku: "GH-100", from: "PL01", to: "DE01", price: 75, currency: "EUR" },
      { sku: "GH-100", from: "PL01", price: 80, currency: "EUR" },
    ]],
    ["a transfer price without its selling company", { TransferPrice: { Sku: "GH-100", Price: 80, Currency: "EUR" } }, [{ problem: "FromCompany is missing" }]],
    ["an empty answer", {}, []],
  ])("%s", (_case, answer, expected) => {
    expect(fieldsOf(fromErp(answer))).toEqual(expected);
  });
});

describe("reading PLM's items and a WMS stock snapshot", () => {
  it.each<[string, () => IncomingRecord[], object[]]>([
    ["PLM: made and bought items, as make or buy of the hub's items", () => fromPlm({ items: [{ item: "FG-1", name: "x", type: "make", unit: "H87" }, { item: "RM-1", name: "y", type: "buy" }] }), [{ sku: "FG-1", source: "make" }, { sku: "RM-1", source: "buy" }]],
    ["PLM: a type that is neither", () => fromPlm({ items: [{ item: "FG-1", type: "phantom" }] }), [{ problem: 'type: "phantom" is neither make nor buy' }]],
    ["WMS: the snapshot's quantities", () => fromWms({ stock: [{ sku: "FG-1", warehouse: "WH-1", quantity: 4 }] }), [{ sku: "FG-1", warehouse: "WH-1", type: "on-hand", quantity: 4 }]],
    ["WMS: a quantity that is no number", () => fromWms({ stock: [{ sku: "FG-1", warehouse: "WH-1", quantity: "four" }] }), [{ problem: 'quantity: "four" is not a number' }]],
  ])("%s", (_case, read, expected) => {
    expect(fieldsOf(read())).toEqual(expected);
  });
});

describe("what changes in the hub", () => {
  it.each<[string, IncomingRecord[], Partial<Record<SyncKind, object[]>>, { changes: object[]; unchanged: number; skipped?: number; failures?: number }]>([
    ["the same customer: no change, the hub's sales reps and delivery policy untouched", fromErp({ Customer: erpCustomer }), { customers: [hubCustomer] }, { changes: [], unchanged: 1 }],
    ["a raised credit limit: one change, the hub's own fields kept", fromErp({ Customer: { ...erpCustomer, CreditLimit: 75000 } }), { customers: [hubCustomer] },
      { changes: [{ ...hubCustomer, creditLimit: 75000 }], unchanged: 0 }],
    ["the ERP drops the limit: the hub's limit goes too (no limit)", fromErp({ Customer: { ...erpCustomer, CreditLimit: undefined } }), { customers: [hubCustomer] },
      { changes: [Object.fromEntries(Object.entries(hubCustomer).filter(([k]) => k !== "creditLimit"))], unchanged: 0 }],
    ["a new customer: no sales reps yet, partial delivery allowed", fromErp({ Customer: { ...erpCustomer, CustomerNumber: "C-2" } }), {},
      { changes: [{ ...hubCustomer, id: "C-2", salesReps: [], partialDelivery: "allowed" }], unchanged: 0 }],
    ["a customer listed twice in one answer counts once, the last", fromErp({ Customer: [{ ...erpCustomer, CreditLimit: 1 }, { ...erpCustomer, CreditLimit: 2 }] }), { customers: [hubCustomer] },
      { changes: [{ ...hubCustomer, creditLimit: 2 }], unchanged: 0 }],
    ["the same prices in another order: no change", fromErp({ Price: [
      { PriceList: "PL-A", Currency: "EUR", ValidFrom: "2025-01-01", Sku: "FG-1", MinQuantity: 10, UnitPrice: 110 },
      { PriceList: "PL-A", Currency: "EUR", ValidFrom: "2025-01-01", Sku: "FG-1", MinQuantity: 1, UnitPrice: 120 },
    ] }), { priceLists: [{ id: "PL-A", currency: "EUR", validFrom: "2025-01-01", prices: [{ sku: "FG-1", minQuantity: 1, unitPrice: 120 }, { sku: "FG-1", minQuantity: 10, unitPrice: 110 }] }] }, { changes: [], unchanged: 1 }],
    ["stock gone to zero is a change", fromWms({ stock: [{ sku: "FG-1", warehouse: "WH-1", quantity: 0 }] }), { supply: [{ sku: "FG-1", warehouse: "WH-1", type: "on-hand", quantity: 3 }] },
      { changes: [{ sku: "FG-1", warehouse: "WH-1", type: "on-hand", quantity: 0 }], unchanged: 0 }],
    ["PLM's make or buy joins the ERP's item; an item the hub does not hold is skipped", fromPlm({ items: [{ item: "FG-1", type: "make" }, { item: "RM-9", type: "buy" }] }), { items: [item] },
      { changes: [{ ...item, source: "make" }], unchanged: 0, skipped: 1 }],
    ["the ERP's item after PLM's: PLM's field stays, no change", fromErp({ Item: { Sku: "FG-1", Name: "Housing", Unit: "H87", ProductionMode: "MTO", LeadTimeDays: 20, BasePrice: 100 } }), { items: [{ ...item, source: "make" }] },
      { changes: [], unchanged: 1 }],
    ["a record that cannot be read fails alone", fromErp({ Customer: [{ ...erpCustomer, CreditLimit: "lots" }, { ...erpCustomer, CustomerNumber: "C-2" }] }), {},
      { changes: [expect.objectContaining({ id: "C-2" })], unchanged: 0, failures: 1 }],
  ])("%s", (_case, incoming, hub, expected) => {
    const plan = planSync(incoming, holding(hub));
    expect(plan.changes.map((c) => c.record)).toEqual(expected.changes);
    expect(plan.unchanged).toBe(expected.unchanged);
    expect(plan.skipped).toHaveLength(expected.skipped ?? 0);
    expect(plan.failures).toHaveLength(expected.failures ?? 0);
  });
});

describe("one run's messages", () => {
  const node = { id: "n1", name: "ERP master data" };
  const at = new Date("2026-03-02T08:00:00Z");

  it("one master.<kind>.upserted per changed record, a report, and one dead letter per refused record naming it and its field", () => {
    const answer = {
      Customer: [{ ...erpCustomer, CreditLimit: 75000 }, { ...erpCustomer, CustomerNumber: "C-NEG", CreditLimit: -100 }, { ...erpCustomer, CustomerNumber: "C-EURO", Currency: "EURO" }],
      OpenItem: [{ Customer: "C-1", Type: "invoice", Document: "INV-1", Amount: 100 }, { Customer: "C-1", Type: "promise", Document: "X-1", Amount: 5 }],
    };
    const { changes, report, failed } = runMessages(node, "erp", answer, at, "run-1", holding({ customers: [hubCustomer] }));
    expect(changes.map((m) => [m.topic, m.payload, m.messageId])).toEqual([
      ["master.customers.upserted", [{ ...hubCustomer, creditLimit: 75000 }], "run-1/1"],
      ["master.open-items.upserted", [{ customer: "C-1", type: "invoice", document: "INV-1", amount: 100 }], "run-1/2"],
    ]);
    expect(report).toEqual({
      runId: "run-1", source: "erp", at: "2026-03-02T08:00:00.000Z", outcome: "partial", records: 5,
      changed: { customers: 1, openItems: 1 }, changedTotal: 2, added: 1, unchanged: 0, skipped: 0,
      failed: [
        { kind: "customers", record: "C-NEG", reason: expect.stringMatching(/^customer C-NEG: creditLimit: .*>= 0/) },
        { kind: "customers", record: "C-EURO", reason: expect.stringMatching(/^customer C-EURO: currency: /) },
        { kind: "openItems", record: "X-1 of customer C-1", reason: expect.stringMatching(/^open item X-1 of customer C-1: type: /) },
      ],
    });
    expect(failed.map((m) => [m.payload, m.error?.message])).toEqual([
      [answer.Customer[1], report.failed[0].reason],
      [answer.Customer[2], report.failed[1].reason],
      [answer.OpenItem[1], report.failed[2].reason],
    ]);
    expect(failed[0].error?.source).toEqual({ id: "n1", type: "master-sync", name: "ERP master data" });
  });

  it("an answer equal to the hub: no message but the report", () => {
    const { changes, report, failed } = runMessages(node, "erp", { Customer: erpCustomer }, at, "run-2", holding({ customers: [hubCustomer] }));
    expect([changes, failed]).toEqual([[], []]);
    expect(report).toMatchObject({ outcome: "ok", records: 1, changed: {}, changedTotal: 0, unchanged: 1 });
  });
});
