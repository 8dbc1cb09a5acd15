import * as soap from "soap";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { soapCall, soapFault, startErpStandIn, type SoapClient } from "./erp-server";

// The stand-in ERP's purchasing and its companies, as a purchasing clerk of the group meets them: PL01 buys from its
// sister DE01 (the demo manufacturer), so PL01's ERP (/sandbox/erp/companies/PL01) books the purchase order, the
// goods received on it and DE01's invoice for them. Real SOAP clients read each company's WSDL and call it.

type Client = SoapClient;

let erp: Awaited<ReturnType<typeof startErpStandIn>>;
let base: string;
/** The home company's ERP (the demo manufacturer's books), PL01's, and the home company by its company path. */
let main: Client;
let pl01: Client;
let de01: Client;

const call = soapCall;
const faultOf = soapFault;

interface ErpBooks {
  company: string;
  companies?: string[];
  salesOrders: Array<{ externalReference: string; customer: string }>;
  purchaseOrders: Array<{ purchaseOrderNumber: string; status: string; lines: Array<{ lineNumber: string; quantity: number; received: number; invoiced: number }> }>;
  goodsReceipts: Array<{ goodsReceiptNumber: string; externalReference: string; deliveryNote?: string; lines: Array<{ purchaseOrderLine: string; quantity: number; warehouse: string }> }>;
  supplierInvoices: Array<{ apVoucherNumber: string; externalReference: string; supplierInvoiceNumber: string; netAmount: number }>;
}

const books = async (path = ""): Promise<ErpBooks> => (await (await fetch(`${base}/sandbox/erp${path}/_state`)).json()) as ErpBooks;
const PL01 = "/companies/PL01";
const send = (method: string, path: string, body?: unknown) =>
  fetch(`${base}/sandbox/erp${path}`, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });

/** PL01's purchase order on DE01: 5 × FG-1000 at 9.80 (line 10), 2 × FG-1001 at 10.60 (line 20). */
const PO = {
  ExternalReference: "PL01/IC-7/0",
  SupplierNumber: "DE01",
  OrderDate: "2026-03-02",
  Currency: "EUR",
  Lines: {
    Line: [
      { LineNumber: "10", Sku: "FG-1000", Quantity: 5, UnitPrice: 9.8 },
      { LineNumber: "20", Sku: "FG-1001", Quantity: 2, UnitPrice: 10.6 },
    ],
  },
};

type LineSpec = [lineNumber: string, sku: string, quantity: number];
const receipt = (reference: string, lines: LineSpec[], extra: object = {}) => ({
  ExternalReference: reference,
  PurchaseOrderReference: PO.ExternalReference,
  ReceiptDate: "2026-03-09",
  DeliveryNote: `DE01-DN-${reference}`,
  Lines: { Line: lines.map(([LineNumber, Sku, Quantity]) => ({ LineNumber, Sku, Quantity })) },
  ...extra,
});
type InvoiceLineSpec = [lineNumber: string, sku: string, quantity: number, unitPrice: number];
const invoice = (reference: string, lines: InvoiceLineSpec[], netAmount: number, extra: object = {}) => ({
  ExternalReference: reference,
  PurchaseOrderReference: PO.ExternalReference,
  SupplierInvoiceNumber: `DE01-INV-${reference}`,
  InvoiceDate: "2026-03-10",
  DueDate: "2026-04-09",
  Currency: "EUR",
  NetAmount: netAmount,
  Lines: { Line: lines.map(([LineNumber, Sku, Quantity, UnitPrice]) => ({ LineNumber, Sku, Quantity, UnitPrice })) },
  ...extra,
});

/** On hand in the ERP's first warehouse (WH-WALLDORF), as GetStock answers it. */
const onHand = async (client: Client, sku: string): Promise<number> => {
  const { Stock } = await call(client, "GetStock", { Sku: sku, Warehouse: "WH-WALLDORF" });
  return Number((Stock as Array<{ OnHand: unknown }>)[0].OnHand);
};
const receivedOn = async (): Promise<Record<string, number>> =>
  Object.fromEntries((await books(PL01)).purchaseOrders[0].lines.map((l) => [l.lineNumber, l.received]));

beforeAll(async () => {
  erp = await startErpStandIn();
  base = erp.base;
  const client = async (path: string) => (await soap.createClientAsync(`${base}/sandbox/erp${path}?wsdl`)) as unknown as Client;
  [main, pl01, de01] = await Promise.all([client(""), client(PL01), client("/companies/DE01")]);
});

afterAll(async () => {
  await erp.stop();
});

beforeEach(async () => {
  await send("POST", "/_reset");
  await send("DELETE", "/_faults");
});

describe("PostGoodsReceipt: the goods DE01 delivered, received on PL01's purchase order", () => {
  it.each<[string, Array<[LineSpec[], { created: boolean; sameAs?: number }]>, Record<string, number>, { "FG-1000": number; "FG-1001": number }]>([
    ["the whole order at once", [[[["10", "FG-1000", 5], ["20", "FG-1001", 2]], { created: true }]], { "10": 5, "20": 2 }, { "FG-1000": 5, "FG-1001": 2 }],
    [
      "part of it, then the rest",
      [
        [[["10", "FG-1000", 3]], { created: true }],
        [[["10", "FG-1000", 2], ["20", "FG-1001", 2]], { created: true }],
      ],
      { "10": 5, "20": 2 },
      { "FG-1000": 5, "FG-1001": 2 },
    ],
    [
      "the same receipt sent twice: one receipt, the stock counted once",
      [
        [[["10", "FG-1000", 3]], { created: true }],
        [[["10", "FG-1000", 3]], { created: false, sameAs: 0 }],
      ],
      { "10": 3, "20": 0 },
      { "FG-1000": 3, "FG-1001": 0 },
    ],
    ["a delivery numbering its lines its own way, matched by item", [[[["1", "FG-1001", 2]], { created: true }]], { "10": 0, "20": 2 }, { "FG-1000": 0, "FG-1001": 2 }],
  ])("%s", async (_case, receipts, received, stockAdded) => {
    const { PurchaseOrderNumber } = await call(pl01, "CreatePurchaseOrder", PO);
    const before = { "FG-1000": await onHand(pl01, "FG-1000"), "FG-1001": await onHand(pl01, "FG-1001") };
    const answers: Array<Record<string, unknown>> = [];
    for (const [i, [lines, expected]] of receipts.entries()) {
      const reference = expected.sameAs === undefined ? `PL01-GR-${i + 1}` : `PL01-GR-${expected.sameAs + 1}`;
      const answer = await call(pl01, "PostGoodsReceipt", receipt(reference, lines));
      expect(answer).toMatchObject({ ExternalReference: reference, Created: expected.created, PurchaseOrderNumber });
      expect(answer.GoodsReceiptNumber).toMatch(/^5\d{9}$/);
      if (expected.sameAs !== undefined) expect(answer.GoodsReceiptNumber).toBe(answers[expected.sameAs].GoodsReceiptNumber);
      answers.push(answer);
    }
    expect(await receivedOn()).toEqual(received);
    expect({ "FG-1000": (await onHand(pl01, "FG-1000")) - before["FG-1000"], "FG-1001": (await onHand(pl01, "FG-1001")) - before["FG-1001"] }).toEqual(stockAdded);
    const { goodsReceipts } = await books(PL01);
    expect(goodsReceipts.map((r) => r.goodsReceiptNumber)).toEqual([...new Set(answers.map((a) => a.GoodsReceiptNumber))]);
    expect(goodsReceipts[0].deliveryNote).toBe("DE01-DN-PL01-GR-1");
  });

  it("books the quantity in the warehouse it names", async () => {
    await call(pl01, "CreatePurchaseOrder", PO);
    const stock = async () => Number(((await call(pl01, "GetStock", { Sku: "FG-1000", Warehouse: "WH-BERLIN" })).Stock as Array<{ OnHand: unknown }>)[0].OnHand);
    const before = await stock();
    await call(pl01, "PostGoodsReceipt", receipt("PL01-GR-B", [["10", "FG-1000", 4]], { Warehouse: "WH-BERLIN" }));
    expect((await stock()) - before).toBe(4);
    expect((await books(PL01)).goodsReceipts[0].lines).toEqual([expect.objectContaining({ purchaseOrderLine: "10", quantity: 4, warehouse: "WH-BERLIN" })]);
  });

  it.each<[string, LineSpec[] | null, object, string]>([
    ["more than ordered", [["10", "FG-1000", 6]], {}, "Lines.Line[0] (line 10): Quantity 6 of FG-1000 is more than purchase order 4500000001 line 10 has open (ordered 5, received 0, open 5)"],
    ["more than is left after a receipt", null, {}, "Lines.Line[0] (line 10): Quantity 3 of FG-1000 is more than purchase order 4500000001 line 10 has open (ordered 5, received 3, open 2)"],
    ["an item the order lacks", [["30", "FG-1004", 1]], {}, "Lines.Line[0] (line 30): item FG-1004 is not on purchase order 4500000001 (it orders FG-1000, FG-1001)"],
    ["an unknown purchase order reference", [["10", "FG-1000", 1]], { PurchaseOrderReference: "PL01/IC-404/0" }, "PurchaseOrderReference: no purchase order has the reference PL01/IC-404/0"],
    ["an unknown purchase order number", [["10", "FG-1000", 1]], { PurchaseOrderReference: undefined, PurchaseOrderNumber: "4599999999" }, "PurchaseOrderNumber: purchase order 4599999999 does not exist"],
    ["a warehouse the ERP lacks", [["10", "FG-1000", 1]], { Warehouse: "WH-KRAKOW" }, "Warehouse: warehouse WH-KRAKOW does not exist (there are WH-WALLDORF, WH-BERLIN, WH-STOCKHOLM)"],
    ["a quantity of 0", [["10", "FG-1000", 0]], {}, "Lines.Line[0] (line 10): Quantity must be greater than 0 (is 0)"],
  ])("refuses %s with a soap:Client fault naming it, and books nothing", async (_case, lines, extra, faultstring) => {
    await call(pl01, "CreatePurchaseOrder", PO);
    const partial = lines === null;
    if (partial) await call(pl01, "PostGoodsReceipt", receipt("PL01-GR-1", [["10", "FG-1000", 3]]));
    const before = await onHand(pl01, "FG-1000");
    const fault = await faultOf(pl01, "PostGoodsReceipt", receipt("PL01-GR-2", lines ?? [["10", "FG-1000", 3]], extra));
    expect(fault).toMatchObject({ faultcode: "soap:Client", faultstring, status: 500 });
    expect(await onHand(pl01, "FG-1000")).toBe(before);
    expect((await books(PL01)).goodsReceipts.map((r) => r.externalReference)).toEqual(partial ? ["PL01-GR-1"] : []);
    expect((await receivedOn())["10"]).toBe(partial ? 3 : 0);
  });

  it("refuses a receipt on a cancelled purchase order, and the cancellation of one with goods received", async () => {
    const { PurchaseOrderNumber } = await call(pl01, "CreatePurchaseOrder", PO);
    await call(pl01, "PostGoodsReceipt", receipt("PL01-GR-1", [["10", "FG-1000", 2]]));
    const cancel = await faultOf(pl01, "ChangePurchaseOrder", { PurchaseOrderNumber, ChangeReference: "CNL-1", Cancel: true });
    expect(cancel.faultstring).toBe(`purchase order ${PurchaseOrderNumber} has goods received (line 10: 2); it cannot be cancelled`);
    const below = await faultOf(pl01, "ChangePurchaseOrder", { PurchaseOrderNumber, ChangeReference: "CHG-1", Lines: { Line: [{ LineNumber: "10", Quantity: 1 }] } });
    expect(below.faultstring).toBe(`Lines: line 10 of purchase order ${PurchaseOrderNumber} has 2 FG-1000 received; its quantity cannot go below that (is 1)`);

    const other = await call(pl01, "CreatePurchaseOrder", { ...PO, ExternalReference: "PL01/IC-8/0" });
    await call(pl01, "ChangePurchaseOrder", { PurchaseOrderNumber: other.PurchaseOrderNumber, ChangeReference: "CNL-2", Cancel: true });
    const fault = await faultOf(pl01, "PostGoodsReceipt", receipt("PL01-GR-2", [["10", "FG-1000", 1]], { PurchaseOrderReference: "PL01/IC-8/0" }));
    expect(fault.faultstring).toBe(`PurchaseOrderReference: purchase order ${other.PurchaseOrderNumber} is cancelled; it takes no goods receipt`);
  });
});

describe("PostSupplierInvoice: DE01's invoice, matched with PL01's order and what was received", () => {
  beforeEach(async () => {
    await call(pl01, "CreatePurchaseOrder", PO);
    await call(pl01, "PostGoodsReceipt", receipt("PL01-GR-1", [["10", "FG-1000", 3]]));
  });

  it("books an invoice for what was received as an AP voucher, once per reference", async () => {
    // 3 × 9.80 = 29.40
    const first = await call(pl01, "PostSupplierInvoice", invoice("PL01-SI-1", [["10", "FG-1000", 3, 9.8]], 29.4));
    expect(first).toMatchObject({ APVoucherNumber: "AP-000001", ExternalReference: "PL01-SI-1", Created: true });
    expect(Number(first.NetAmount)).toBe(29.4);
    const again = await call(pl01, "PostSupplierInvoice", invoice("PL01-SI-1", [["10", "FG-1000", 3, 9.8]], 29.4));
    expect(again).toMatchObject({ APVoucherNumber: "AP-000001", Created: false });
    const state = await books(PL01);
    expect(state.supplierInvoices).toEqual([expect.objectContaining({ apVoucherNumber: "AP-000001", supplierInvoiceNumber: "DE01-INV-PL01-SI-1", netAmount: 29.4 })]);
    expect(state.purchaseOrders[0].lines.find((l) => l.lineNumber === "10")).toMatchObject({ received: 3, invoiced: 3 });
    // the rest, once received, is invoiced on a second voucher
    await call(pl01, "PostGoodsReceipt", receipt("PL01-GR-2", [["10", "FG-1000", 2], ["20", "FG-1001", 2]]));
    const rest = await call(pl01, "PostSupplierInvoice", invoice("PL01-SI-2", [["10", "FG-1000", 2, 9.8], ["20", "FG-1001", 2, 10.6]], 40.8));
    expect(rest).toMatchObject({ APVoucherNumber: "AP-000002", Created: true });
  });

  it.each<[string, InvoiceLineSpec[], number, object, string]>([
    ["more than received", [["10", "FG-1000", 5, 9.8]], 49, {}, "Lines.Line[0] (line 10): Quantity 5 of FG-1000 is more than purchase order 4500000001 line 10 has received and not invoiced (received 3, invoiced 0, open 3)"],
    ["a line nothing was received on", [["20", "FG-1001", 1, 10.6]], 10.6, {}, "Lines.Line[0] (line 20): Quantity 1 of FG-1001 is more than purchase order 4500000001 line 20 has received and not invoiced (received 0, invoiced 0, open 0)"],
    ["a NetAmount that is not the sum of its lines", [["10", "FG-1000", 3, 9.8]], 30, {}, "NetAmount: 30 is not the sum of the lines (29.40 EUR)"],
    ["another currency than the order's", [["10", "FG-1000", 3, 9.8]], 29.4, { Currency: "PLN" }, "Currency: PLN is not purchase order 4500000001's currency (EUR)"],
    ["an unknown purchase order", [["10", "FG-1000", 3, 9.8]], 29.4, { PurchaseOrderReference: "PL01/IC-404/0" }, "PurchaseOrderReference: no purchase order has the reference PL01/IC-404/0"],
    ["an item the order lacks", [["10", "FG-1004", 1, 12]], 12, {}, "Lines.Line[0] (line 10): item FG-1004 is not on purchase order 4500000001 (it orders FG-1000, FG-1001)"],
    ["a due date before the invoice date", [["10", "FG-1000", 3, 9.8]], 29.4, { DueDate: "2026-03-01" }, "DueDate: 2026-03-01 is before the InvoiceDate 2026-03-10"],
  ])("refuses %s with a soap:Client fault naming it, and books nothing", async (_case, lines, netAmount, extra, faultstring) => {
    const fault = await faultOf(pl01, "PostSupplierInvoice", invoice("PL01-SI-9", lines, netAmount, extra));
    expect(fault).toMatchObject({ faultcode: "soap:Client", faultstring });
    const state = await books(PL01);
    expect(state.supplierInvoices).toEqual([]);
    expect(state.purchaseOrders[0].lines.map((l) => l.invoiced)).toEqual([0, 0]);
  });

  it("refuses a second invoice for what is invoiced already, and the seller's invoice number twice", async () => {
    await call(pl01, "PostSupplierInvoice", invoice("PL01-SI-1", [["10", "FG-1000", 3, 9.8]], 29.4));
    const more = await faultOf(pl01, "PostSupplierInvoice", invoice("PL01-SI-2", [["10", "FG-1000", 1, 9.8]], 9.8));
    expect(more.faultstring).toContain("(received 3, invoiced 3, open 0)");
    await call(pl01, "PostGoodsReceipt", receipt("PL01-GR-2", [["10", "FG-1000", 1]]));
    const twice = await faultOf(pl01, "PostSupplierInvoice", invoice("PL01-SI-3", [["10", "FG-1000", 1, 9.8]], 9.8, { SupplierInvoiceNumber: "DE01-INV-PL01-SI-1" }));
    expect(twice.faultstring).toBe("SupplierInvoiceNumber: supplier DE01's invoice DE01-INV-PL01-SI-1 is booked already as AP-000001 (reference PL01-SI-1)");
    expect((await books(PL01)).supplierInvoices.map((v) => v.apVoucherNumber)).toEqual(["AP-000001"]);
  });
});

describe("each company's own books", () => {
  const salesOrder = (reference: string, customer: string) => ({ ExternalReference: reference, CustomerNumber: customer, OrderDate: "2026-03-02", Lines: { Line: [{ LineNumber: "10", Sku: "FG-1000", Quantity: 5, UnitPrice: 9.8 }] } });

  it("serves each company's WSDL with its own address", async () => {
    for (const path of [PL01, "/companies/DE01"]) {
      expect(await (await fetch(`${base}/sandbox/erp${path}?wsdl`)).text()).toContain(`<soap:address location="${base}/sandbox/erp${path}"/>`);
    }
  });

  it("keeps PL01's sales orders out of the main books and the main books' out of PL01's", async () => {
    const inPl01 = await call(pl01, "CreateSalesOrder", salesOrder("DE01/IC-1/0", "DE01"));
    expect(inPl01).toMatchObject({ Created: true, Currency: "EUR" });
    await call(main, "CreateSalesOrder", salesOrder("C-NORTH/PO-1/0", "C-NORTH"));
    expect((await books()).salesOrders.map((o) => o.externalReference)).toEqual(["C-NORTH/PO-1/0"]);
    expect((await books(PL01)).salesOrders.map((o) => [o.externalReference, o.customer])).toEqual([["DE01/IC-1/0", "DE01"]]);
    expect((await books()).companies).toEqual(["PL01"]);
  });

  it("PL01's ERP knows the group's other company as its customer, not the demo's customers", async () => {
    const { Customer } = await call(pl01, "GetMasterData", { Kind: ["customers"] });
    expect((Customer as Array<{ CustomerNumber: string }>).map((c) => c.CustomerNumber)).toEqual(["DE01"]);
    expect(await call(pl01, "GetCustomerCredit", { CustomerNumber: "DE01" })).toMatchObject({ CustomerNumber: "DE01", Currency: "EUR", Blocked: false });
    expect((await faultOf(pl01, "CreateSalesOrder", salesOrder("C-NORTH/PO-2/0", "C-NORTH"))).faultstring).toBe("CustomerNumber: customer C-NORTH does not exist");
  });

  it("answers the home company's path from the main books", async () => {
    const booked = await call(de01, "CreateSalesOrder", salesOrder("C-SOUTH/PO-3/0", "C-SOUTH"));
    const state = await books();
    expect(state).toMatchObject({ company: "DE01", companies: [] });
    expect(state.salesOrders.map((o) => o.externalReference)).toEqual(["C-SOUTH/PO-3/0"]);
    expect(await call(main, "CreateSalesOrder", salesOrder("C-SOUTH/PO-3/0", "C-SOUTH"))).toMatchObject({ Created: false, SalesOrderNumber: booked.SalesOrderNumber });
  });

  it("resets, faults and changes customers per company; /sandbox/erp/_reset forgets every company's books", async () => {
    await call(pl01, "CreatePurchaseOrder", PO);
    await call(main, "CreatePurchaseOrder", PO);
    expect((await send("PUT", `${PL01}/_faultOn`, { operation: "PostGoodsReceipt", faultstring: "posting period 2026/03 is closed" })).status).toBe(200);
    expect(await faultOf(pl01, "PostGoodsReceipt", receipt("GR-1", [["10", "FG-1000", 1]]))).toMatchObject({ faultcode: "soap:Client", faultstring: "posting period 2026/03 is closed" });
    expect(await call(main, "PostGoodsReceipt", receipt("GR-1", [["10", "FG-1000", 1]]))).toMatchObject({ Created: true });
    expect((await send("PUT", `${PL01}/_customers`, [{ id: "DE01", name: "OrderHub Demo Manufacturing GmbH", class: "IC", currency: "EUR", paymentTermsDays: 30, graceDays: 0, blocked: true }])).status).toBe(200);
    expect((await faultOf(pl01, "CreateSalesOrder", salesOrder("DE01/IC-2/0", "DE01"))).faultstring).toBe("CustomerNumber: customer DE01 is blocked for sales orders");

    expect(await (await send("POST", `${PL01}/_reset`)).json()).toEqual({ reset: "erp", company: "PL01" });
    expect(await books(PL01)).toMatchObject({ company: "PL01", purchaseOrders: [], faultOn: [] });
    expect((await books()).purchaseOrders).toHaveLength(1);

    await call(pl01, "CreatePurchaseOrder", PO);
    await send("POST", "/_reset");
    expect(await books()).toMatchObject({ purchaseOrders: [], goodsReceipts: [], companies: [] });
    expect((await books(PL01)).purchaseOrders).toEqual([]);
  });

  it("while the ERP is down, every company's calls answer 503 and its control routes still answer", async () => {
    await send("PUT", "/_faults", { down: true });
    expect(await faultOf(pl01, "GetStock", { Sku: "FG-1000" })).toMatchObject({ status: 503, faultcode: "soap:Server" });
    const state = await fetch(`${base}/sandbox/erp${PL01}/_state`);
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({ company: "PL01" });
  });

  it("refuses a company path that is no company id", async () => {
    const res = await fetch(`${base}/sandbox/erp/companies/${encodeURIComponent("PL 01")}?wsdl`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toContain('company: "PL 01" is not a company id');
  });
});

describe("GetMasterData: the group", () => {
  it("hands over the group's companies with their ERP endpoints, the home company (whose warehouses the hub runs) marked", async () => {
    const data = await call(pl01, "GetMasterData", { Kind: ["companies"] });
    expect(data.Customer).toBeUndefined();
    expect(data.Company).toEqual([
      { CompanyNumber: "DE01", Name: "OrderHub Demo Manufacturing GmbH", Currency: "EUR", ErpEndpoint: "https://erp.de01.demo.invalid/ErpService?wsdl", Home: true },
      { CompanyNumber: "PL01", Name: "OrderHub Demo Polska Sp. z o.o.", Currency: "EUR", ErpEndpoint: "https://erp.pl01.demo.invalid/ErpService?wsdl" },
    ]);
  });

  it("hands over transfer prices below the list prices, FG-1000 from DE01 to PL01 among them", async () => {
    const { TransferPrice } = await call(main, "GetMasterData", { Kind: ["transferPrices"] });
    const prices = (TransferPrice as Array<{ Sku: string; FromCompany: string; ToCompany?: string; Price: unknown; Currency: string }>).map((t) => ({ ...t, Price: Number(t.Price) }));
    expect(prices).toContainEqual({ Sku: "FG-1000", FromCompany: "DE01", ToCompany: "PL01", Price: 9.8, Currency: "EUR" });
    const { Price } = await call(main, "GetMasterData", { Kind: ["prices"] });
    const list = Price as Array<{ PriceList: string; Sku: string; MinQuantity: unknown; UnitPrice: unknown }>;
    for (const t of prices) {
      const listPrice = list.find((p) => p.PriceList === "PL-GENERAL-EUR-2026" && p.Sku === t.Sku && Number(p.MinQuantity) === 1);
      expect(listPrice, `a 2026 list price of ${t.Sku}`).toBeDefined();
      expect(t.Price).toBeLessThan(Number(listPrice!.UnitPrice));
    }
  });

  it("still refuses a kind it does not have", async () => {
    expect((await faultOf(main, "GetMasterData", { Kind: ["suppliers"] })).faultstring).toBe(
      'Kind: "suppliers" is not a kind of master data (there are customers, items, prices, warehouses, stock, openItems, companies, transferPrices)',
    );
  });
});
