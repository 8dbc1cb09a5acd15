import { describe, expect, it } from "vitest";
import { DocumentError, normalizeOrder, normalizeOrders, type MappingProgress } from "../../mappings";
import { canonicalOrder } from "../support/orders";
import { edifactGroupedInterchange, edifactInterchange, edifactMessage, idoc, idocFile } from "../support/several-orders";

// Partners send orders in batches: one EDIFACT interchange with an ORDERS message per order, one IDoc file with an
// IDoc per order, one CSV export with the lines of several order numbers, one JSON array of canonical orders. The order desk books each order that is one and refuses each that is not, saying which it is; one
// bad order does not hold back the others. Each row: the document, and the desk's answer per order, in order.

type Answer = { accepted: string } | { refused: { code: string; message: string } };

async function answers(body: string): Promise<Answer[]> {
  const outcomes = await normalizeOrders(body);
  return outcomes.map((o) => (o.order ? { accepted: o.order.orderNumber } : { refused: { code: o.error.code, message: o.error.message } }));
}

const csv = (rows: string[]) => ["orderNumber,currency,lineNumber,sku,quantity,issueDate,buyerId", ...rows.map((r) => `${r},2024-01-02,C-1`)].join("\n");
const badQuantity = (text: string) => text.replace("QTY+21:144:H87'", "QTY+21:1OO:H87'");
const cancelling = (text: string) => text.replace(/BGM\+220\+(\d+)\+13'/, "BGM+220+$1+1'");
const invoice = (text: string) => text.replace("ORDERS:D:96A:UN:UN", "INVOIC:D:96A:UN:UN");
const orderResponse = (text: string) => text.replace("<MESTYP>ORDERS</MESTYP>", "<MESTYP>ORDRSP</MESTYP>");
const euroPriceOnDollarOrder = (text: string) => text.replace("<CURCY>EUR</CURCY>", "<CURCY>USD</CURCY>");

describe("a document with several orders: each order is booked or refused on its own", () => {
  it.each<[string, () => string, Answer[]]>([
    ["an interchange with three orders", () => edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10041"), edifactMessage("00622", "10042")]),
      [{ accepted: "10040" }, { accepted: "10041" }, { accepted: "10042" }]],
    ["an interchange whose second order has a quantity that is not a number", () => edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10041", badQuantity), edifactMessage("00622", "10042")]),
      [{ accepted: "10040" }, { refused: { code: "not-a-number", message: 'message 2 of 3 (00621): line 124 (QTY): quantity "1OO" is not a number' } }, { accepted: "10042" }]],
    ["an interchange with an order and a cancellation of another: both taken, the second as a cancellation", () => edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10039", cancelling)]),
      [{ accepted: "10040" }, { accepted: "10039" }]],
    ["an interchange with an order and an invoice", () => edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "90001", invoice)]),
      [{ accepted: "10040" }, { refused: { code: "unknown-format", message: "message 2 of 2 (00621): EDIFACT message 00621 is INVOIC, not an ORDERS order or an ORDCHG change" } }]],
    ["an interchange whose order cannot be booked, beside a cancellation that is taken", () => edifactInterchange([edifactMessage("00620", "10040", badQuantity), edifactMessage("00621", "10041", cancelling)]),
      [{ refused: { code: "not-a-number", message: 'message 1 of 2 (00620): line 24 (QTY): quantity "1OO" is not a number' } }, { accepted: "10041" }]],
    ["an interchange that sends the same order twice: both are orders here; the idempotent step tells a repeat", () => edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10040")]),
      [{ accepted: "10040" }, { accepted: "10040" }]],
    ["an interchange with its orders in two functional groups (UNG … UNE)", () => edifactGroupedInterchange([[edifactMessage("00620", "10040"), edifactMessage("00621", "10041")], [edifactMessage("00622", "10042")]]),
      [{ accepted: "10040" }, { accepted: "10041" }, { accepted: "10042" }]],
    ["a JSON array of two canonical orders", () => JSON.stringify([canonicalOrder("J-1"), canonicalOrder("J-2")]), [{ accepted: "J-1" }, { accepted: "J-2" }]],
    ["a JSON array whose second order has no lines", () => JSON.stringify([canonicalOrder("J-1"), { ...canonicalOrder("J-2"), lines: [] }]),
      [{ accepted: "J-1" }, { refused: { code: "schema-violation", message: "order 2 of 2 (J-2): canonical order: lines must have at least 1 entry" } }]],
    ["an IDoc file with two orders", () => idocFile([idoc("00000000000197", "10040"), idoc("00000000000198", "10041")]),
      [{ accepted: "10040" }, { accepted: "10041" }]],
    ["an IDoc file with an order and an order response", () => idocFile([idoc("00000000000197", "10040"), idoc("00000000000198", "10041", orderResponse)]),
      [{ accepted: "10040" }, { refused: { code: "not-an-order", message: "IDoc 2 of 2 (00000000000198): EDI_DC40/MESTYP: IDoc 00000000000198 is message type ORDRSP (an order response), not ORDERS or ORDCHG: only orders and their changes are taken in" } }]],
    ["an IDoc file whose first order is in USD, its items in EUR", () => idocFile([idoc("00000000000197", "10040", euroPriceOnDollarOrder), idoc("00000000000198", "10041")]),
      [{ refused: { code: "currency-mismatch", message: "IDoc 1 of 2 (00000000000197): E1EDP01[1]/CURCY: the item's currency is in EUR, but the order is in USD" } }, { accepted: "10041" }]],
    ["a CSV export with the lines of two orders, interleaved", () => csv(["A-1,EUR,1,K-1,3", "B-2,EUR,1,K-9,1", "A-1,EUR,2,K-2,5"]),
      [{ accepted: "A-1" }, { accepted: "B-2" }]],
    ["a CSV export whose second order has a quantity that is not a number", () => csv(["A-1,EUR,1,K-1,3", "B-2,EUR,1,K-9,fifteen"]),
      [{ accepted: "A-1" }, { refused: { code: "not-a-number", message: 'order 2 of 2 (B-2): line 3: quantity "fifteen" is not a number' } }]],
    ["a CSV export whose first order's lines disagree on the currency", () => csv(["A-1,EUR,1,K-1,3", "B-2,EUR,1,K-9,1", "A-1,USD,2,K-2,5"]),
      [{ refused: { code: "inconsistent-header", message: 'order 1 of 2 (A-1): line 4: currency "USD" differs from "EUR" on line 2 (the lines of one order number are one order)' } }, { accepted: "B-2" }]],
  ])("%s", async (_what, body, expected) => {
    expect(await answers(body())).toEqual(expected);
  });

  it("names each order by its place in the document and the sender's reference", async () => {
    const [first, second] = await normalizeOrders(idocFile([idoc("00000000000197", "10040"), idoc("00000000000198", "10041")]));
    expect(first.part).toEqual({ index: 1, count: 2, ref: "00000000000197" });
    expect(second.part).toEqual({ index: 2, count: 2, ref: "00000000000198" });
    expect(second.order).toEqual({ ...first.order, orderNumber: "10041", source: { ...first.order!.source, documentId: "00000000000198" } });
  });

  it("an empty JSON array holds no order, and says so", async () => {
    await expect(normalizeOrders("[]")).rejects.toMatchObject({ code: "missing-field", message: "the JSON array holds no order" });
  });

  it("an ORDERS05 file without any IDoc holds no order, and says so", async () => {
    await expect(normalizeOrders(idocFile([]))).rejects.toMatchObject({ code: "missing-field", message: "ORDERS05 holds no IDOC: there is no order in the document" });
  });

  it("a document with one order is answered as before: its refusal is the document's", async () => {
    await expect(normalizeOrders(edifactInterchange([edifactMessage("00620", "10040", badQuantity)]))).rejects.toMatchObject({
      code: "not-a-number",
      message: 'line 24 (QTY): quantity "1OO" is not a number',
    });
  });

  it("normalizeOrder, which expects one order, refuses a document with several and names them", async () => {
    const err = await normalizeOrder(edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10041")])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentError);
    expect(err).toMatchObject({ code: "multiple-messages", message: "the document holds 2 orders (00620, 00621), where one was expected" });
  });
});

describe("an interchange with functional groups is checked as one without", () => {
  const grouped = () => edifactGroupedInterchange([[edifactMessage("00620", "10040"), edifactMessage("00621", "10041")], [edifactMessage("00622", "10042")]]);

  it.each<[string, () => string, { code: string; message: string }]>([
    ["a UNE that counts the wrong number of messages", () => grouped().replace("UNE+2+G1'", "UNE+3+G1'"), { code: "control-count", message: "line 204 (UNE): UNE says 3 messages but group G1 has 2" }],
    ["a UNE that names another group", () => grouped().replace("UNE+1+G2'", "UNE+1+G9'"), { code: "control-reference", message: 'line 306 (UNE): UNE reference "G9" does not match UNG reference "G2"' }],
    ["a UNZ that counts the messages where the interchange has groups", () => grouped().replace("UNZ+2+A0001'", "UNZ+3+A0001'"), { code: "control-count", message: "UNZ says 3 groups but the interchange has 2" }],
    ["a group without its UNE", () => grouped().replace("UNE+1+G2'\n", ""), { code: "truncated", message: "group G2, opened at line 205 (UNG), has no UNE — the interchange is truncated" }],
    ["a UNE without a UNG", () => edifactInterchange([edifactMessage("00620", "10040")]).replace("UNZ+1", "UNE+1+G1'\nUNZ+1"), { code: "malformed-edifact", message: "line 103 (UNE): segment outside a UNH … UNT message" }],
  ])("refuses %s", async (_what, body, expected) => {
    await expect(normalizeOrders(body())).rejects.toMatchObject(expected);
  });
});

describe("a large batch", () => {
  it("is refused whole past 10,000 orders, before any is mapped, as a body is past 10 MB", async () => {
    const tiny = JSON.stringify(Array.from({ length: 10_001 }, () => 1));
    await expect(normalizeOrders(tiny)).rejects.toMatchObject({
      code: "too-many-orders",
      message: "the document holds 10001 orders, over the limit of 10000 per document: send them in smaller batches",
    });
    await expect(normalizeOrders(JSON.stringify([canonicalOrder("A"), canonicalOrder("B"), canonicalOrder("C")]), { maxOrders: 2 })).rejects.toMatchObject({ code: "too-many-orders" });
  });

  it("lets the event loop in while its orders are mapped: timers, heartbeats and other messages go on", async () => {
    const body = edifactInterchange(Array.from({ length: 200 }, (_, i) => edifactMessage(String(10000 + i), String(60000 + i))));
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    const outcomes = await normalizeOrders(body);
    clearInterval(timer);
    expect(outcomes.filter((o) => o.order)).toHaveLength(200);
    // without a turn between orders, the mapping's promise continuations hold the loop for the whole batch: 0 turns
    expect(turns).toBeGreaterThan(0);
  });

  it("says how far its mapping has come at each turn, ending with every order done", async () => {
    const body = edifactInterchange(Array.from({ length: 100 }, (_, i) => edifactMessage(String(10000 + i), String(60000 + i))));
    const seen: MappingProgress[] = [];
    await normalizeOrders(body, { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((p) => p.count === 100 && p.format === "edifact")).toBe(true);
    const done = seen.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done[0]).toBeLessThan(100);
    expect(seen.at(-1)).toEqual({ done: 100, count: 100, format: "edifact" });
  });

  it("reports no progress for a document with one order", async () => {
    const seen: MappingProgress[] = [];
    await normalizeOrders(edifactInterchange([edifactMessage("00620", "10040")]), { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([]);
  });
});
