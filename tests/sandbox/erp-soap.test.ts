import * as soap from "soap";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { soapCall, soapFault, startErpStandIn, type SoapClient } from "./erp-server";

// The sandbox ERP as the hub's flows meet it: over HTTP, through a real SOAP client that reads the WSDL the ERP
// publishes. Its books start from the demo manufacturer (tests/fixtures/master/manufacturer.json).

let erp: Awaited<ReturnType<typeof startErpStandIn>>;
let base: string;
let client: soap.Client;

const call = (operation: string, args: object) => soapCall(client as unknown as SoapClient, operation, args);
/** The fault a call answered: its faultcode, faultstring and HTTP status. */
const faultOf = (operation: string, args: object) => soapFault(client as unknown as SoapClient, operation, args);

const order = (reference: string, extra: object = {}) => ({
  ExternalReference: reference,
  CustomerNumber: "C-NORTH",
  CustomerOrderNumber: reference.split("/")[1],
  OrderDate: "2026-03-02",
  Lines: {
    Line: [
      { LineNumber: "1", Sku: "FG-1000", Quantity: 10, UnitPrice: 125.5 },
      { LineNumber: "2", Sku: "FG-1001", Quantity: 3, Warehouse: "WH-BERLIN" },
    ],
  },
  ...extra,
});

const put = (path: string, body: unknown) => fetch(`${base}/sandbox/erp${path}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

beforeAll(async () => {
  erp = await startErpStandIn();
  base = erp.base;
  client = await soap.createClientAsync(`${base}/sandbox/erp?wsdl`);
});

afterAll(async () => {
  await erp.stop();
});

beforeEach(async () => {
  await fetch(`${base}/sandbox/erp/_reset`, { method: "POST" });
  await fetch(`${base}/sandbox/erp/_faults`, { method: "DELETE" });
});

describe("the WSDL", () => {
  it("is document/literal with every operation, and its soap:address is where it was asked", async () => {
    const res = await fetch(`${base}/sandbox/erp?wsdl`);
    expect(res.status).toBe(200);
    const wsdl = await res.text();
    expect(wsdl).toContain(`<soap:address location="${base}/sandbox/erp"/>`);
    expect(wsdl).toContain('style="document"');
    const operations = Object.keys(client.describe().ErpService.ErpPort).sort();
    expect(operations).toEqual(
      [
        "ChangePurchaseOrder",
        "ChangeSalesOrder",
        "CreatePlannedOrder",
        "CreatePurchaseOrder",
        "CreatePurchaseRequisition",
        "CreateSalesOrder",
        "GetConsignmentStock",
        "GetCustomerCredit",
        "GetMasterData",
        "GetStock",
        "PostARVoucher",
        "PostConsignmentMovement",
        "PostGoodsReceipt",
        "PostSupplierInvoice",
      ].sort(),
    );
  });
});

describe("CreateSalesOrder", () => {
  it("books one sales order per external reference: the repeat answers the existing number", async () => {
    const first = await call("CreateSalesOrder", order("C-NORTH/PO-7001/0"));
    expect(first).toMatchObject({ ExternalReference: "C-NORTH/PO-7001/0", Created: true, Status: "open", Currency: "EUR" });
    // line 1 at the given price, line 2 at the class B list price of the day (PL-GENERAL-EUR-2026)
    expect(Number(first.NetValue)).toBeGreaterThan(1255);
    const again = await call("CreateSalesOrder", order("C-NORTH/PO-7001/0"));
    expect(again).toMatchObject({ SalesOrderNumber: first.SalesOrderNumber, Created: false });
    const state = (await (await fetch(`${base}/sandbox/erp/_state`)).json()) as { salesOrders: Array<{ externalReference: string }> };
    expect(state.salesOrders.map((o) => o.externalReference)).toEqual(["C-NORTH/PO-7001/0"]);
    const other = await call("CreateSalesOrder", order("C-NORTH/PO-7002/0"));
    expect(other.SalesOrderNumber).not.toBe(first.SalesOrderNumber);
  });

  it.each([
    ["an unknown customer", { CustomerNumber: "C-NOBODY" }, "CustomerNumber: customer C-NOBODY does not exist"],
    ["a blocked customer", { CustomerNumber: "C-BLOCKED" }, "CustomerNumber: customer C-BLOCKED is blocked for sales orders"],
    ["another currency than the customer's", { Currency: "USD" }, "Currency: USD is not customer C-NORTH's currency (EUR)"],
    ["a zero quantity", { Lines: { Line: [{ LineNumber: "1", Sku: "FG-1000", Quantity: 0 }] } }, "Lines.Line[0] (line 1): Quantity must be greater than 0 (is 0)"],
    ["a negative quantity", { Lines: { Line: [{ LineNumber: "1", Sku: "FG-1000", Quantity: -2 }] } }, "Quantity must be greater than 0 (is -2)"],
    ["an unknown item", { Lines: { Line: [{ LineNumber: "1", Sku: "NO-SUCH", Quantity: 1 }] } }, "Lines.Line[0] (line 1): item NO-SUCH does not exist"],
    ["an unknown warehouse", { Lines: { Line: [{ LineNumber: "1", Sku: "FG-1000", Quantity: 1, Warehouse: "WH-MARS" }] } }, "Warehouse: warehouse WH-MARS does not exist"],
    ["the same line twice", { Lines: { Line: [{ LineNumber: "1", Sku: "FG-1000", Quantity: 1 }, { LineNumber: "1", Sku: "FG-1001", Quantity: 1 }] } }, "Lines.Line[1]: line number 1 appears twice"],
    ["no price and no list price", { CustomerNumber: "C-NORTH", OrderDate: "2024-01-01", Lines: { Line: [{ LineNumber: "1", Sku: "FG-1000", Quantity: 1 }] } }, "no price for item FG-1000 in EUR on 2024-01-01; give UnitPrice"],
  ])("refuses %s with a soap:Client fault naming it", async (_what, change, faultstring) => {
    const fault = await faultOf("CreateSalesOrder", order("C-NORTH/PO-BAD/0", change));
    expect(fault.faultcode).toBe("soap:Client");
    expect(fault.faultstring).toContain(faultstring);
    expect(fault.status).toBe(500);
    const state = (await (await fetch(`${base}/sandbox/erp/_state`)).json()) as { salesOrders: unknown[] };
    expect(state.salesOrders).toEqual([]);
  });

  it("faults for one customer while a faultOn switch says so, and books the order once it is cleared", async () => {
    const on = await put("/_faultOn", { operation: "CreateSalesOrder", customer: "C-NORTH", faultstring: "customer C-NORTH: sales area not maintained" });
    expect(on.status).toBe(200);
    const fault = await faultOf("CreateSalesOrder", order("C-NORTH/PO-7100/0"));
    expect(fault).toMatchObject({ faultcode: "soap:Client", faultstring: "customer C-NORTH: sales area not maintained" });
    // another customer goes through meanwhile
    expect(await call("CreateSalesOrder", order("C-SOUTH/PO-7100/0", { CustomerNumber: "C-SOUTH" }))).toMatchObject({ Created: true });
    await fetch(`${base}/sandbox/erp/_faultOn`, { method: "DELETE" });
    const booked = await call("CreateSalesOrder", order("C-NORTH/PO-7100/0"));
    const replayed = await call("CreateSalesOrder", order("C-NORTH/PO-7100/0"));
    expect(booked.Created).toBe(true);
    expect(replayed).toMatchObject({ Created: false, SalesOrderNumber: booked.SalesOrderNumber });
  });

  it("refuses a faultOn switch for an operation the ERP does not have", async () => {
    const res = await put("/_faultOn", { operation: "DeleteEverything", faultstring: "x" });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/^operation: must be one of CreateSalesOrder/);
  });
});

describe("ChangeSalesOrder", () => {
  it("changes a quantity once per change reference, and a cancelled order takes no change", async () => {
    const { SalesOrderNumber } = await call("CreateSalesOrder", order("C-NORTH/PO-7200/0"));
    const change = { SalesOrderNumber, ChangeReference: "C-NORTH/PO-7200/1", Lines: { Line: [{ LineNumber: "1", Quantity: 4 }] } };
    expect(await call("ChangeSalesOrder", change)).toMatchObject({ Changed: true, Revision: 1, Status: "open" });
    expect(await call("ChangeSalesOrder", change)).toMatchObject({ Changed: false, Revision: 1 });
    expect(await call("ChangeSalesOrder", { ExternalReference: "C-NORTH/PO-7200/0", ChangeReference: "cancel", Cancel: true })).toMatchObject({ Status: "cancelled", Revision: 2 });
    const fault = await faultOf("ChangeSalesOrder", { SalesOrderNumber, Lines: { Line: [{ LineNumber: "1", Quantity: 5 }] } });
    expect(fault.faultstring).toBe(`sales order ${SalesOrderNumber} is cancelled; it cannot be changed`);
  });

  it("faults for a sales order it does not have", async () => {
    expect((await faultOf("ChangeSalesOrder", { SalesOrderNumber: "999", Cancel: true })).faultstring).toBe("SalesOrderNumber: sales order 999 does not exist");
  });
});

const purchaseOrder = (reference: string) => ({
  ExternalReference: reference,
  SupplierNumber: "DE01",
  OrderDate: "2026-03-02",
  Currency: "EUR",
  Lines: {
    Line: [
      { LineNumber: "10", Sku: "FG-1000", Quantity: 5, UnitPrice: 9.8 },
      { LineNumber: "20", Sku: "FG-1001", Quantity: 2, UnitPrice: 20 },
    ],
  },
});

type ErpPurchaseOrder = { purchaseOrderNumber: string; externalReference: string; status: string; revision: number; netValue: number; changeReferences: string[]; lines: Array<{ lineNumber: string; quantity: number; unitPrice: number }> };
const purchaseOrders = async () => ((await (await fetch(`${base}/sandbox/erp/_state`)).json()) as { purchaseOrders: ErpPurchaseOrder[] }).purchaseOrders;

describe("ChangePurchaseOrder", () => {
  it("changes a purchase order once per change reference: a repeat changes nothing, quantity 0 removes a line", async () => {
    const { PurchaseOrderNumber } = await call("CreatePurchaseOrder", purchaseOrder("PL01-PO-1"));
    // 5 × 9.80 + 2 × 20 = 89; line 10 to 8 at 9.50, line 20 removed: 76
    const change = { ExternalReference: "PL01-PO-1", ChangeReference: "CHG-1", Lines: { Line: [{ LineNumber: "10", Quantity: 8, UnitPrice: 9.5 }, { LineNumber: "20", Quantity: 0 }] } };
    const first = await call("ChangePurchaseOrder", change);
    expect(first).toMatchObject({ PurchaseOrderNumber, Changed: true, Status: "open", Revision: 1 });
    expect(Number(first.NetValue)).toBe(76);
    // the same change again, by number this time: nothing changes
    const { ExternalReference: _byReference, ...byNumber } = change;
    const again = await call("ChangePurchaseOrder", { ...byNumber, PurchaseOrderNumber });
    expect(again).toMatchObject({ PurchaseOrderNumber, Changed: false, Revision: 1 });
    expect(Number(again.NetValue)).toBe(76);
    // a change without UnitPrice keeps the line's price
    const kept = await call("ChangePurchaseOrder", { PurchaseOrderNumber, ChangeReference: "CHG-2", Lines: { Line: [{ LineNumber: "10", Quantity: 2 }] } });
    expect(kept).toMatchObject({ Changed: true, Revision: 2 });
    expect(Number(kept.NetValue)).toBe(19);
    const [po] = await purchaseOrders();
    expect(po).toMatchObject({ purchaseOrderNumber: PurchaseOrderNumber, status: "open", revision: 2, netValue: 19, changeReferences: ["CHG-1", "CHG-2"], lines: [expect.objectContaining({ lineNumber: "10", quantity: 2, unitPrice: 9.5 })] });
    expect(po.lines).toHaveLength(1);
  });

  it("cancels a purchase order once; a cancelled one takes no change, but the cancellation's repeat is answered", async () => {
    const { PurchaseOrderNumber } = await call("CreatePurchaseOrder", purchaseOrder("PL01-PO-2"));
    const cancel = { ExternalReference: "PL01-PO-2", ChangeReference: "CNL-1", Cancel: true };
    expect(await call("ChangePurchaseOrder", cancel)).toMatchObject({ Changed: true, Status: "cancelled", Revision: 1 });
    expect(await call("ChangePurchaseOrder", cancel)).toMatchObject({ Changed: false, Status: "cancelled", Revision: 1 });
    const fault = await faultOf("ChangePurchaseOrder", { PurchaseOrderNumber, ChangeReference: "CHG-9", Lines: { Line: [{ LineNumber: "10", Quantity: 1 }] } });
    expect(fault).toMatchObject({ faultcode: "soap:Client", faultstring: `purchase order ${PurchaseOrderNumber} is cancelled; it cannot be changed` });
    expect((await purchaseOrders())[0]).toMatchObject({ status: "cancelled", revision: 1, changeReferences: ["CNL-1"] });
  });

  it.each([
    ["no order named", { ChangeReference: "X", Cancel: true }, "PurchaseOrderNumber: give PurchaseOrderNumber or ExternalReference"],
    ["an unknown number", { PurchaseOrderNumber: "999", Cancel: true }, "PurchaseOrderNumber: purchase order 999 does not exist"],
    ["an unknown reference", { ExternalReference: "NO-SUCH", Cancel: true }, "ExternalReference: no purchase order has the reference NO-SUCH"],
    ["neither lines nor Cancel", { ExternalReference: "PL01-PO-3" }, "Lines: a change names at least one line, or Cancel"],
    ["a negative quantity", { ExternalReference: "PL01-PO-3", Lines: { Line: [{ LineNumber: "10", Quantity: -1 }] } }, "Lines.Line[0] (line 10): Quantity must be 0 or more (is -1)"],
    ["a negative price", { ExternalReference: "PL01-PO-3", Lines: { Line: [{ LineNumber: "10", Quantity: 1, UnitPrice: -2 }] } }, "Lines.Line[0] (line 10): UnitPrice must be 0 or more (is -2)"],
    ["removing a line it lacks", { ExternalReference: "PL01-PO-3", Lines: { Line: [{ LineNumber: "30", Quantity: 0 }] } }, "Lines.Line[0]: purchase order 4500000001 has no line 30 to remove"],
    ["a new line without its price", { ExternalReference: "PL01-PO-3", Lines: { Line: [{ LineNumber: "30", Sku: "FG-1000", Quantity: 1 }] } }, "Lines.Line[0] (line 30): UnitPrice is missing"],
    ["another item on a line", { ExternalReference: "PL01-PO-3", Lines: { Line: [{ LineNumber: "10", Sku: "FG-1001", Quantity: 1 }] } }, "Lines.Line[0] (line 10): Sku FG-1001 differs from the line's FG-1000"],
    ["removing every line", { ExternalReference: "PL01-PO-3", Lines: { Line: [{ LineNumber: "10", Quantity: 0 }, { LineNumber: "20", Quantity: 0 }] } }, "purchase order 4500000001: the change removes every line; cancel the order instead"],
  ])("refuses %s with a soap:Client fault naming it, and leaves the order as it was", async (_what, change, faultstring) => {
    await call("CreatePurchaseOrder", purchaseOrder("PL01-PO-3"));
    const fault = await faultOf("ChangePurchaseOrder", change);
    expect(fault.faultcode).toBe("soap:Client");
    expect(fault.faultstring).toContain(faultstring);
    expect((await purchaseOrders())[0]).toMatchObject({ revision: 0, netValue: 89, changeReferences: [] });
  });

  it("adds a line the order lacks, with its item and price", async () => {
    await call("CreatePurchaseOrder", purchaseOrder("PL01-PO-4"));
    const added = await call("ChangePurchaseOrder", { ExternalReference: "PL01-PO-4", ChangeReference: "CHG-ADD", Lines: { Line: [{ LineNumber: "30", Sku: "FG-1002", Quantity: 3, UnitPrice: 4 }] } });
    expect(added).toMatchObject({ Changed: true, Revision: 1 });
    expect(Number(added.NetValue)).toBe(101);
    expect((await purchaseOrders())[0].lines.map((l) => l.lineNumber)).toEqual(["10", "20", "30"]);
  });
});

describe("GetStock", () => {
  it("answers per warehouse: on hand from the manufacturer, reserved by the seed and by sales orders", async () => {
    const before = await call("GetStock", { Sku: "FG-1000", Warehouse: "WH-WALLDORF" });
    const entry = (before.Stock as Array<Record<string, string | number>>)[0];
    expect(entry).toMatchObject({ Sku: "FG-1000", Warehouse: "WH-WALLDORF" });
    expect([Number(entry.OnHand), Number(entry.Reserved), Number(entry.Available)]).toEqual([120, 70, 50]);
    await call("CreateSalesOrder", order("C-NORTH/PO-7300/0"));
    const after = ((await call("GetStock", { Sku: "FG-1000", Warehouse: "WH-WALLDORF" })).Stock as Array<Record<string, string | number>>)[0];
    expect([Number(after.Reserved), Number(after.Available)]).toEqual([80, 40]);
    const all = await call("GetStock", { Sku: "FG-1001" });
    expect((all.Stock as unknown[]).length).toBe(3);
  });

  it("faults for an item it does not keep", async () => {
    expect((await faultOf("GetStock", { Sku: "NO-SUCH" })).faultstring).toBe("Sku: item NO-SUCH does not exist");
  });
});

describe("GetCustomerCredit and PostARVoucher", () => {
  it("posts a voucher once per invoice number, refuses another under the same number, and counts it in the exposure", async () => {
    const before = await call("GetCustomerCredit", { CustomerNumber: "C-NORTH" });
    const voucher = { InvoiceNumber: "INV-9001", CustomerNumber: "C-NORTH", InvoiceDate: "2026-03-10", DueDate: "2026-04-09", Currency: "EUR", NetAmount: 100, TaxAmount: 19, GrossAmount: 119 };
    const posted = await call("PostARVoucher", voucher);
    expect(posted).toMatchObject({ InvoiceNumber: "INV-9001", Created: true });
    expect(await call("PostARVoucher", voucher)).toMatchObject({ VoucherNumber: posted.VoucherNumber, Created: false });
    const other = await faultOf("PostARVoucher", { ...voucher, NetAmount: 200, TaxAmount: 38, GrossAmount: 238 });
    expect(other.faultstring).toContain(`invoice INV-9001 is posted already as voucher ${posted.VoucherNumber}`);
    const after = await call("GetCustomerCredit", { CustomerNumber: "C-NORTH" });
    expect(Number(after.Exposure)).toBeCloseTo(Number(before.Exposure) + 119, 2);
    expect(Number(after.CreditLimit)).toBe(20000);
  });

  it.each([
    ["gross not net + tax", { GrossAmount: 120 }, "GrossAmount: 120 is not NetAmount 100 + TaxAmount 19"],
    ["an unknown customer", { CustomerNumber: "C-NOBODY" }, "CustomerNumber: customer C-NOBODY does not exist"],
    ["a due date before the invoice date", { DueDate: "2026-03-01" }, "DueDate: 2026-03-01 is before the InvoiceDate 2026-03-10"],
    ["an amount that is no number", { NetAmount: "1OO" }, "NetAmount: is not a decimal number"],
  ])("refuses %s", async (_what, change, faultstring) => {
    const voucher = { InvoiceNumber: "INV-9002", CustomerNumber: "C-NORTH", InvoiceDate: "2026-03-10", DueDate: "2026-04-09", Currency: "EUR", NetAmount: 100, TaxAmount: 19, GrossAmount: 119, ...change };
    expect(await faultOf("PostARVoucher", voucher)).toMatchObject({ faultcode: "soap:Client", faultstring });
  });
});

describe("supply and master data", () => {
  it("creates a purchase requisition and a planned order once per reference", async () => {
    const pr = { ExternalReference: "MRP-1/FG-1002", Sku: "FG-1002", Quantity: 20, Warehouse: "WH-WALLDORF", NeedDate: "2026-05-01" };
    const first = await call("CreatePurchaseRequisition", pr);
    expect(first).toMatchObject({ Created: true });
    expect(await call("CreatePurchaseRequisition", pr)).toMatchObject({ RequisitionNumber: first.RequisitionNumber, Created: false });
    const planned = await call("CreatePlannedOrder", { ExternalReference: "MRP-1/FG-1003", Sku: "FG-1003", Quantity: 5, Warehouse: "WH-WALLDORF", FinishDate: "2026-05-10" });
    expect(planned).toMatchObject({ Created: true });
    expect((await faultOf("CreatePlannedOrder", { ExternalReference: "x", Sku: "FG-1003", Quantity: 0, Warehouse: "WH-WALLDORF", FinishDate: "2026-05-10" })).faultstring).toBe(
      "Quantity: must be greater than 0 (is 0)",
    );
  });

  it("hands over customers, items, prices, stock and open items for the master data sync", async () => {
    const data = await call("GetMasterData", {});
    // the demo's 8 customers and the sister company that buys from the home company
    expect((data.Customer as unknown[]).length).toBe(9);
    expect(data.Customer).toContainEqual(expect.objectContaining({ CustomerNumber: "PL01", Class: "IC" }));
    expect((data.Item as unknown[]).length).toBe(20);
    expect(data.Warehouse).toEqual([
      { WarehouseNumber: "WH-WALLDORF", Priority: 1, Region: "DE-BW" },
      { WarehouseNumber: "WH-BERLIN", Priority: 2, Region: "DE-BE" },
      { WarehouseNumber: "WH-STOCKHOLM", Priority: 3, Region: "SE" },
    ]);
    expect(data.Customer).toContainEqual(expect.objectContaining({ CustomerNumber: "C-BLOCKED", Blocked: true }));
    expect((data.Price as unknown[]).length).toBeGreaterThan(20);
    const only = await call("GetMasterData", { Kind: ["customers"] });
    expect(only.Item).toBeUndefined();
  });
});

describe("fault switches", () => {
  it("down: every call answers 503 with a soap:Server fault, until up again", async () => {
    const down = await fetch(`${base}/sandbox/erp/_faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ down: true }) });
    expect(await down.json()).toMatchObject({ down: true });
    const fault = await faultOf("GetStock", { Sku: "FG-1000" });
    expect(fault).toMatchObject({ status: 503, faultcode: "soap:Server" });
    expect(fault.faultstring).toMatch(/down/);
    expect((await fetch(`${base}/sandbox/erp?wsdl`)).status).toBe(503);
    await fetch(`${base}/sandbox/erp/_faults`, { method: "DELETE" });
    expect(await call("GetStock", { Sku: "FG-1000", Warehouse: "WH-BERLIN" })).toHaveProperty("Stock");
  });

  it("error rate 1: every call answers 500 with a soap:Server fault", async () => {
    await fetch(`${base}/sandbox/erp/_faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ errorRate: 1 }) });
    expect(await faultOf("GetStock", { Sku: "FG-1000" })).toMatchObject({ status: 500, faultcode: "soap:Server" });
  });

  it("answers a body that is no SOAP message with a soap:Client fault", async () => {
    const res = await fetch(`${base}/sandbox/erp`, { method: "POST", headers: { "content-type": "text/xml" }, body: "<not-closed" });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/<faultcode>soap:Client<\/faultcode>/);
  });
});
