import * as soap from "soap";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { soapCall, soapFault, startErpStandIn, type SoapClient } from "./erp-server";

// The stand-in ERP's consignment books, as the consignment manager meets them: goods filled up at customer C-NORTH's
// site P1 from Walldorf, what the customer reports it used (issued), what is picked up unused and what comes back after
// use. A real SOAP client reads the WSDL and calls PostConsignmentMovement, GetConsignmentStock and GetStock.

let erp: Awaited<ReturnType<typeof startErpStandIn>>;
let base: string;
let main: SoapClient;
let pl01: SoapClient;

type Kind = "fill-up" | "issue" | "pickup" | "return";
type Line = [sku: string, quantity: number];
type Balance = { Site: string; Sku: string; Consignment: number; Issued: number };

interface ErpBooks {
  consignmentMovements: Array<{ materialDocument: string; externalReference: string; kind: string; customer: string; site: string; warehouse?: string; postingDate: string; salesOrderNumber?: string; lines: Array<{ lineNumber: string; sku: string; quantity: number }> }>;
  consignmentStock: Array<{ customer: string; site: string; sku: string; consignment: number; issued: number }>;
}

const books = async (path = ""): Promise<ErpBooks> => (await (await fetch(`${base}/sandbox/erp${path}/_state`)).json()) as ErpBooks;
const send = (method: string, path: string, body?: unknown) =>
  fetch(`${base}/sandbox/erp${path}`, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });

/** A movement at C-NORTH's site P1 on 2 March 2026, its lines numbered 10, 20 …; `extra` overrides any field. */
const movement = (reference: string, kind: string, lines: Line[], extra: object = {}) => ({
  ExternalReference: reference,
  Kind: kind,
  CustomerNumber: "C-NORTH",
  Site: "P1",
  PostingDate: "2026-03-02",
  Lines: { Line: lines.map(([Sku, Quantity], i) => ({ LineNumber: String((i + 1) * 10), Sku, Quantity })) },
  ...extra,
});
const post = (args: object, client = main) => soapCall(client, "PostConsignmentMovement", args);

/** The customer's consignment stock as GetConsignmentStock answers it (at one site when given). */
const siteStock = async (customer = "C-NORTH", site?: string, client = main): Promise<Balance[]> => {
  // an answer with no Stock is an empty element, which the soap client reads as null
  const { Stock } = (await soapCall(client, "GetConsignmentStock", { CustomerNumber: customer, ...(site ? { Site: site } : {}) })) ?? {};
  return ((Stock ?? []) as Array<Record<string, unknown>>).map((s) => ({ Site: String(s.Site), Sku: String(s.Sku), Consignment: Number(s.Consignment), Issued: Number(s.Issued) }));
};
/** On hand in a warehouse, as GetStock answers it. */
const onHand = async (sku: string, warehouse = "WH-WALLDORF"): Promise<number> => {
  const { Stock } = await soapCall(main, "GetStock", { Sku: sku, Warehouse: warehouse });
  return Number((Stock as Array<{ OnHand: unknown }>)[0].OnHand);
};

beforeAll(async () => {
  erp = await startErpStandIn();
  base = erp.base;
  const client = async (path: string) => (await soap.createClientAsync(`${base}/sandbox/erp${path}?wsdl`)) as unknown as SoapClient;
  [main, pl01] = await Promise.all([client(""), client("/companies/PL01")]);
});

afterAll(async () => {
  await erp.stop();
});

beforeEach(async () => {
  await send("POST", "/_reset");
  await send("DELETE", "/_faults");
});

describe("PostConsignmentMovement: what stands at the site, what the customer used, what Walldorf holds", () => {
  type Step = [reference: string, kind: Kind, quantity: number];
  // Walldorf holds 120 FG-1000 (the demo's stock)
  it.each<[string, Step[], { consignment: number; issued: number }, number]>([
    ["a fill-up of 100: it leaves Walldorf and stands at the site, still ours", [["CM-1", "fill-up", 100]], { consignment: 100, issued: 0 }, -100],
    ["then an issue of 40: the customer used it", [["CM-1", "fill-up", 100], ["CM-2", "issue", 40]], { consignment: 60, issued: 40 }, -100],
    ["then a pick-up of the 60 unused: the site at zero, Walldorf has them back", [["CM-1", "fill-up", 100], ["CM-2", "issue", 40], ["CM-3", "pickup", 60]], { consignment: 0, issued: 40 }, -40],
    [
      "then a return of 10 of the 40 used: back to Walldorf",
      [["CM-1", "fill-up", 100], ["CM-2", "issue", 40], ["CM-3", "pickup", 60], ["CM-4", "return", 10]],
      { consignment: 0, issued: 30 },
      -30,
    ],
    ["a fill-up of more than Walldorf has: the WMS shipped what it had, on hand goes to 0", [["CM-1", "fill-up", 150]], { consignment: 150, issued: 0 }, -120],
    ["the same fill-up sent twice: one document, counted once", [["CM-1", "fill-up", 100], ["CM-1", "fill-up", 100]], { consignment: 100, issued: 0 }, -100],
    ["the same issue sent twice (the second with another quantity): counted once", [["CM-1", "fill-up", 100], ["CM-2", "issue", 40], ["CM-2", "issue", 45]], { consignment: 60, issued: 40 }, -100],
  ])("%s", async (_case, steps, balance, walldorfChange) => {
    const before = await onHand("FG-1000");
    const first = new Map<string, string>();
    for (const [reference, kind, quantity] of steps) {
      const answer = await post(movement(reference, kind, [["FG-1000", quantity]]));
      const repeat = first.has(reference);
      expect(answer).toMatchObject({ ExternalReference: reference, Kind: kind, Created: !repeat });
      expect(answer.MaterialDocument).toBe(repeat ? first.get(reference) : String(4_900_000_001 + first.size));
      if (!repeat) first.set(reference, String(answer.MaterialDocument));
    }
    expect(await siteStock()).toEqual([{ Site: "P1", Sku: "FG-1000", Consignment: balance.consignment, Issued: balance.issued }]);
    expect((await onHand("FG-1000")) - before).toBe(walldorfChange);
    expect((await books()).consignmentMovements.map((m) => m.materialDocument)).toEqual([...first.values()]);
  });

  it("books an issue under the customer's sales order, and a fill-up and pick-up in the warehouse named", async () => {
    const { SalesOrderNumber } = await soapCall(main, "CreateSalesOrder", {
      ExternalReference: "C-NORTH/CONS-3/0",
      CustomerNumber: "C-NORTH",
      OrderDate: "2026-03-05",
      Lines: { Line: [{ LineNumber: "10", Sku: "FG-1001", Quantity: 4, UnitPrice: 14.9 }] },
    });
    const berlin = await onHand("FG-1001", "WH-BERLIN");
    await post(movement("CM-1", "fill-up", [["FG-1001", 10]], { Warehouse: "WH-BERLIN" }));
    await post(movement("CM-2", "issue", [["FG-1001", 4]], { SalesOrderNumber, PostingDate: "2026-03-05" }));
    await post(movement("CM-3", "pickup", [["FG-1001", 2]], { Warehouse: "WH-BERLIN" }));
    expect((await onHand("FG-1001", "WH-BERLIN")) - berlin).toBe(-8);
    expect(await siteStock()).toEqual([{ Site: "P1", Sku: "FG-1001", Consignment: 4, Issued: 4 }]);
    const { consignmentMovements } = await books();
    expect(consignmentMovements.map((m) => [m.kind, m.warehouse, m.salesOrderNumber, m.postingDate])).toEqual([
      ["fill-up", "WH-BERLIN", undefined, "2026-03-02"],
      ["issue", undefined, SalesOrderNumber, "2026-03-05"],
      ["pickup", "WH-BERLIN", undefined, "2026-03-02"],
    ]);
  });
});

describe("PostConsignmentMovement: what the ERP refuses, booking nothing", () => {
  // the site holds 40 FG-1000 (100 filled up, 40 used, 20 picked up); C-SOUTH has sales order 4000001
  beforeEach(async () => {
    await post(movement("CM-1", "fill-up", [["FG-1000", 100]]));
    await post(movement("CM-2", "issue", [["FG-1000", 40]]));
    await post(movement("CM-3", "pickup", [["FG-1000", 20]]));
    const south = { ExternalReference: "C-SOUTH/PO-9/0", CustomerNumber: "C-SOUTH", OrderDate: "2026-03-01", Lines: { Line: [{ LineNumber: "10", Sku: "FG-1003", Quantity: 1, UnitPrice: 16.9 }] } };
    expect(await soapCall(main, "CreateSalesOrder", south)).toMatchObject({ SalesOrderNumber: "4000001" });
  });

  it.each<[string, string, Line[], object, string]>([
    ["an issue beyond what the site holds", "issue", [["FG-1000", 55]], {}, "site P1 of customer C-NORTH holds 40 of FG-1000 on consignment; the issue takes 55"],
    ["an issue whose lines together exceed the site (all lines or none)", "issue", [["FG-1000", 30], ["FG-1000", 25]], {}, "site P1 of customer C-NORTH holds 40 of FG-1000 on consignment; the issue takes 55"],
    ["an issue with one item the site does not hold", "issue", [["FG-1000", 10], ["FG-1001", 1]], {}, "site P1 of customer C-NORTH holds 0 of FG-1001 on consignment; the issue takes 1"],
    ["an issue at another site of the customer", "issue", [["FG-1000", 1]], { Site: "P2" }, "site P2 of customer C-NORTH holds 0 of FG-1000 on consignment; the issue takes 1"],
    ["a pick-up beyond what the site holds", "pickup", [["FG-1000", 41]], {}, "site P1 of customer C-NORTH holds 40 of FG-1000 on consignment; the pick-up takes 41"],
    ["a return beyond what the customer used", "return", [["FG-1000", 41]], {}, "customer C-NORTH used 40 of FG-1000 from site P1; the return brings back 41"],
    ["an issue under another customer's sales order", "issue", [["FG-1000", 5]], { SalesOrderNumber: "4000001" }, "SalesOrderNumber: sales order 4000001 is customer C-SOUTH's, not C-NORTH's"],
    ["an issue under a sales order that does not exist", "issue", [["FG-1000", 5]], { SalesOrderNumber: "4099999" }, "SalesOrderNumber: sales order 4099999 does not exist"],
    ["an unknown customer", "fill-up", [["FG-1000", 5]], { CustomerNumber: "C-NOBODY" }, "CustomerNumber: customer C-NOBODY does not exist"],
    ["an unknown item", "fill-up", [["FG-9999", 5]], {}, "Lines.Line[0] (line 10): Sku: item FG-9999 does not exist"],
    ["an unknown warehouse", "pickup", [["FG-1000", 5]], { Warehouse: "WH-KRAKOW" }, "Warehouse: warehouse WH-KRAKOW does not exist (there are WH-WALLDORF, WH-BERLIN, WH-STOCKHOLM)"],
    ["an unknown kind", "transfer", [["FG-1000", 5]], {}, 'Kind: "transfer" is not a kind of consignment movement (there are fill-up, issue, pickup, return)'],
    ["a quantity of 0", "fill-up", [["FG-1000", 0]], {}, "Lines.Line[0] (line 10): Quantity must be greater than 0 (is 0)"],
    ["no site", "fill-up", [["FG-1000", 5]], { Site: undefined }, "Site is missing"],
    ["no line", "fill-up", [], {}, "Lines: a consignment movement needs at least one line"],
  ])("refuses %s with a soap:Client fault naming it", async (_case, kind, lines, extra, faultstring) => {
    const before = { books: await books(), walldorf: await onHand("FG-1000"), berlin: await onHand("FG-1000", "WH-BERLIN") };
    expect(await soapFault(main, "PostConsignmentMovement", movement("CM-9", kind, lines, extra))).toMatchObject({ faultcode: "soap:Client", faultstring, status: 500 });
    const after = await books();
    expect(after.consignmentStock).toEqual(before.books.consignmentStock);
    expect(after.consignmentMovements).toEqual(before.books.consignmentMovements);
    expect({ walldorf: await onHand("FG-1000"), berlin: await onHand("FG-1000", "WH-BERLIN") }).toEqual({ walldorf: before.walldorf, berlin: before.berlin });
    // the reference stays free: the movement, once right, is booked under the next number
    expect(await post(movement("CM-9", "pickup", [["FG-1000", 40]]))).toMatchObject({ MaterialDocument: "4900000004", Created: true });
  });
});

describe("GetConsignmentStock", () => {
  it("answers the customer's stock by site, then item; one site when asked; not another customer's", async () => {
    await post(movement("CM-1", "fill-up", [["FG-1001", 5], ["FG-1000", 20]], { Site: "P2" }));
    await post(movement("CM-2", "fill-up", [["FG-1003", 3]]));
    await post(movement("CM-3", "fill-up", [["FG-1000", 7]], { CustomerNumber: "C-SOUTH" }));
    await post(movement("CM-4", "issue", [["FG-1000", 2.5]], { Site: "P2" }));
    expect(await siteStock()).toEqual([
      { Site: "P1", Sku: "FG-1003", Consignment: 3, Issued: 0 },
      { Site: "P2", Sku: "FG-1000", Consignment: 17.5, Issued: 2.5 },
      { Site: "P2", Sku: "FG-1001", Consignment: 5, Issued: 0 },
    ]);
    expect((await siteStock("C-NORTH", "P2")).map((s) => s.Sku)).toEqual(["FG-1000", "FG-1001"]);
    expect(await siteStock("C-SOUTH")).toEqual([{ Site: "P1", Sku: "FG-1000", Consignment: 7, Issued: 0 }]);
    expect(await siteStock("C-1001")).toEqual([]);
  });

  it("refuses a customer the books do not have", async () => {
    expect(await soapFault(main, "GetConsignmentStock", { CustomerNumber: "C-NOBODY" })).toMatchObject({ faultcode: "soap:Client", faultstring: "CustomerNumber: customer C-NOBODY does not exist" });
  });
});

describe("the consignment books' state, faults and companies", () => {
  it("a fault switched on for one customer refuses its movements only; after the fix the movement is booked once", async () => {
    const rule = { operation: "PostConsignmentMovement", customer: "C-NORTH", faultcode: "soap:Server", faultstring: "plant 1000: posting period 2026/03 is closed" };
    expect((await send("PUT", "/_faultOn", rule)).status).toBe(200);
    expect(await soapFault(main, "PostConsignmentMovement", movement("CM-1", "fill-up", [["FG-1000", 10]]))).toMatchObject({ faultcode: "soap:Server", faultstring: rule.faultstring });
    expect(await post(movement("CM-2", "fill-up", [["FG-1000", 10]], { CustomerNumber: "C-SOUTH" }))).toMatchObject({ MaterialDocument: "4900000001", Created: true });
    expect(await siteStock()).toEqual([]);

    await send("DELETE", "/_faultOn");
    expect(await post(movement("CM-1", "fill-up", [["FG-1000", 10]]))).toMatchObject({ MaterialDocument: "4900000002", Created: true });
    expect(await post(movement("CM-1", "fill-up", [["FG-1000", 10]]))).toMatchObject({ MaterialDocument: "4900000002", Created: false });
    expect(await siteStock()).toEqual([{ Site: "P1", Sku: "FG-1000", Consignment: 10, Issued: 0 }]);
  });

  it("shows the movements and the stock in _state, and _reset forgets them", async () => {
    await post(movement("CM-1", "fill-up", [["FG-1000", 100]]));
    await post(movement("CM-2", "issue", [["FG-1000", 40]]));
    const state = await books();
    expect(state.consignmentMovements).toEqual([
      { materialDocument: "4900000001", externalReference: "CM-1", kind: "fill-up", customer: "C-NORTH", site: "P1", warehouse: "WH-WALLDORF", postingDate: "2026-03-02", lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 100 }] },
      { materialDocument: "4900000002", externalReference: "CM-2", kind: "issue", customer: "C-NORTH", site: "P1", postingDate: "2026-03-02", lines: [{ lineNumber: "10", sku: "FG-1000", quantity: 40 }] },
    ]);
    expect(state.consignmentStock).toEqual([{ customer: "C-NORTH", site: "P1", sku: "FG-1000", consignment: 60, issued: 40 }]);

    await send("POST", "/_reset");
    expect(await books()).toMatchObject({ consignmentMovements: [], consignmentStock: [] });
    expect(await onHand("FG-1000")).toBe(120);
    expect(await post(movement("CM-1", "fill-up", [["FG-1000", 1]]))).toMatchObject({ MaterialDocument: "4900000001", Created: true });
  });

  it("keeps each company's consignment in its own books", async () => {
    const toDe01 = movement("PL-CM-1", "fill-up", [["FG-1000", 6]], { CustomerNumber: "DE01", Site: "WAREHOUSE-WALLDORF-VMI" });
    expect(await post(toDe01, pl01)).toMatchObject({ MaterialDocument: "4900000001", Created: true });
    expect(await siteStock("DE01", undefined, pl01)).toEqual([{ Site: "WAREHOUSE-WALLDORF-VMI", Sku: "FG-1000", Consignment: 6, Issued: 0 }]);
    expect((await soapFault(pl01, "PostConsignmentMovement", movement("PL-CM-2", "fill-up", [["FG-1000", 1]]))).faultstring).toBe("CustomerNumber: customer C-NORTH does not exist");
    expect((await books("/companies/PL01")).consignmentMovements.map((m) => m.externalReference)).toEqual(["PL-CM-1"]);
    expect(await books()).toMatchObject({ consignmentMovements: [], consignmentStock: [] });
  });
});
