import { describe, expect, it } from "vitest";
import { DocumentError, normalizeOrder } from "../../mappings";
import { ownFixture, publicFixture } from "../support/fixtures";

// The order desk's question before any field is read: is this document an order we should book? Responses, changes
// and cancellations travel in the same envelopes as orders; booked as orders they would create sales orders nobody
// placed. Each row: the document, and what the desk answers.

const idocOrder = () => publicFixture("sap-in260/orders-inbound.idoc-orders05.xml").toString();
const edifactOrder = () => publicFixture("sap-in260/orders-inbound.edifact-d96a.edi").toString();
const cxmlOrder = () => ownFixture("cxml-orderrequest.xml").toString();
const cxmlHeader = (attributes: string) =>
  cxmlOrder().replace('orderID="PO-2024-0815" orderDate="2024-03-05T10:15:00+01:00" type="new" orderVersion="1"', `orderID="PO-2024-0815" orderDate="2024-03-05T10:15:00+01:00" ${attributes}`);

type Answer = { accepted: { orderNumber: string; revision?: number; purpose?: string } } | { refused: { code: string; message: string; line?: number } };

async function answer(body: Buffer | string): Promise<Answer> {
  try {
    const order = await normalizeOrder(body);
    return { accepted: { orderNumber: order.orderNumber, revision: order.revision, ...(order.purpose ? { purpose: order.purpose } : {}) } };
  } catch (err) {
    if (!(err instanceof DocumentError)) throw err;
    return { refused: { code: err.code, message: err.message, ...(err.line !== undefined ? { line: err.line } : {}) } };
  }
}

// A change or a cancellation is taken in as a canonical change (purpose "change" or "cancel"); a revision the document
// does not give (undefined here) is numbered at intake, previous revision + 1 (order-revision).
describe("orders, changes and cancellations are taken in; responses are not", () => {
  it.each<[string, () => Buffer | string, Answer]>([
    ["SAP's own order response (IDoc ORDERS05, message type ORDRSP), as published", () => publicFixture("sap-in260/ordrsp-outbound.idoc-orders05.xml"),
      { refused: { code: "not-an-order", message: "EDI_DC40/MESTYP: IDoc 00000000000010 is message type ORDRSP (an order response), not ORDERS or ORDCHG: only orders and their changes are taken in" } }],
    ["an IDoc order change (ORDCHG): a change, numbered at intake", () => idocOrder().replace("<MESTYP>ORDERS</MESTYP>", "<MESTYP>ORDCHG</MESTYP>"),
      { accepted: { orderNumber: "10040", revision: undefined, purpose: "change" } }],
    ["an IDoc order (ORDERS)", idocOrder, { accepted: { orderNumber: "10040", revision: 0 } }],
    ["an IDoc without a message type in its control record", () => idocOrder().replace("<MESTYP>ORDERS</MESTYP>", ""), { accepted: { orderNumber: "10040", revision: 0 } }],

    ["a cXML OrderRequest of type delete, version 2: a cancellation as revision 1", () => cxmlHeader('type="delete" orderVersion="2"'),
      { accepted: { orderNumber: "PO-2024-0815", revision: 1, purpose: "cancel" } }],
    ["a cXML delete without a version: numbered at intake", () => cxmlHeader('type="delete"'), { accepted: { orderNumber: "PO-2024-0815", revision: undefined, purpose: "cancel" } }],
    ["a cXML update that says it is version 1", () => cxmlHeader('type="update" orderVersion="1"'),
      { refused: { code: "version-missing", message: 'OrderRequestHeader/@orderVersion: an "update" of order PO-2024-0815 needs orderVersion 2 or more; as version 1 it would be taken for a duplicate of the original' } }],
    ["a cXML update without any version", () => cxmlHeader('type="update"'), { refused: { code: "version-missing", message: expect.stringContaining("needs orderVersion 2 or more") as unknown as string } }],
    ["a cXML update to version 2: the order's next revision", () => cxmlHeader('type="update" orderVersion="2"'), { accepted: { orderNumber: "PO-2024-0815", revision: 1, purpose: "change" } }],
    ["a cXML OrderRequest without a type: new", () => cxmlHeader('orderVersion="1"'), { accepted: { orderNumber: "PO-2024-0815", revision: 0 } }],
    ["a cXML OrderRequest of an unknown type", () => cxmlHeader('type="confirm"'),
      { refused: { code: "unknown-operation", message: 'OrderRequestHeader/@type: "confirm" is not a cXML order operation (new, update or delete)' } }],

    ["an EDIFACT ORDERS whose BGM says cancellation (1225 = 1)", () => edifactOrder().replace("BGM+220+10040+13'", "BGM+220+10040+1'"),
      { accepted: { orderNumber: "10040", revision: undefined, purpose: "cancel" } }],
    ["an EDIFACT ORDERS whose BGM says deletion (1225 = 3)", () => edifactOrder().replace("BGM+220+10040+13'", "BGM+220+10040+3'"),
      { accepted: { orderNumber: "10040", revision: undefined, purpose: "cancel" } }],
    ["an EDIFACT ORDCHG: a change of the order it names, numbered at intake", () => edifactOrder().replace("UNH+00620+ORDERS", "UNH+00620+ORDCHG"),
      { accepted: { orderNumber: "10040", revision: undefined, purpose: "change" } }],
    ["an EDIFACT ORDERS as an original (1225 = 9)", () => edifactOrder().replace("BGM+220+10040+13'", "BGM+220+10040+9'"), { accepted: { orderNumber: "10040", revision: 0 } }],
    ["an EDIFACT ORDERS without a message function", () => edifactOrder().replace("BGM+220+10040+13'", "BGM+220+10040'"), { accepted: { orderNumber: "10040", revision: 0 } }],
  ])("%s", async (_what, body, expected) => {
    expect(await answer(body())).toEqual(expected);
  });
});

/** `body` with the `nth` (1-based) occurrence of `find` replaced. */
function replaceNth(body: string, find: string, replacement: string, nth: number): string {
  let at = -1;
  for (let i = 0; i < nth; i++) at = body.indexOf(find, at + 1);
  if (at < 0) throw new Error(`"${find}" does not occur ${nth} times`);
  return body.slice(0, at) + replacement + body.slice(at + find.length);
}

const ublOrder = () => publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml").toString();

// The accountant's rule: an order has one currency. An amount in another would be booked as if it were in the order's
// (50 EUR taken for 50 SEK), so it is refused, naming the amount and both currencies.
describe("every amount of an order is in the order's currency", () => {
  it.each<[string, () => Buffer | string, Answer]>([
    ["the UBL example, all in SEK", ublOrder, { accepted: { orderNumber: "34", revision: 0 } }],
    ["a UBL unit price in EUR on a SEK order", () => replaceNth(ublOrder(), '<cbc:PriceAmount currencyID="SEK">50', '<cbc:PriceAmount currencyID="EUR">50', 1),
      { refused: { code: "currency-mismatch", message: "OrderLine[1]/LineItem/Price/PriceAmount: unit price is in EUR, but the order is in SEK" } }],
    ["a UBL payable amount in EUR", () => ublOrder().replace('<cbc:PayableAmount currencyID="SEK">', '<cbc:PayableAmount currencyID="EUR">'),
      { refused: { code: "currency-mismatch", message: "AnticipatedMonetaryTotal/PayableAmount: payable amount is in EUR, but the order is in SEK" } }],
    ["a UBL currency written in lower case", () => replaceNth(ublOrder(), 'currencyID="SEK">50', 'currencyID="sek">50', 1), { accepted: { orderNumber: "34", revision: 0 } }],
    ["a cXML unit price in USD on a EUR order", () => replaceNth(cxmlOrder(), '<Money currency="EUR">25.40', '<Money currency="USD">25.40', 1),
      { refused: { code: "currency-mismatch", message: "ItemOut[2]/ItemDetail/UnitPrice/Money: unit price is in USD, but the order is in EUR" } }],
    ["an EDIFACT line priced in USD (its CUX) on a EUR order", () => replaceNth(edifactOrder(), "CUX+2:EUR:9'", "CUX+2:USD:9'", 2),
      { refused: { code: "currency-mismatch", message: "line 26 (CUX): the line's price currency (CUX) is in USD, but the order is in EUR", line: 26 } }],
    ["an EDIFACT line amount (MOA+203) in USD", () => replaceNth(edifactOrder(), "PAC+12+1+CT'", "MOA+203:128.16:USD'", 1),
      { refused: { code: "currency-mismatch", message: "line 27 (MOA): line amount is in USD, but the order is in EUR", line: 27 } }],
    ["an IDoc item in USD on a EUR order", () => replaceNth(idocOrder(), "<CURCY>EUR</CURCY>", "<CURCY>USD</CURCY>", 2),
      { refused: { code: "currency-mismatch", message: "E1EDP01[1]/CURCY: the item's currency is in USD, but the order is in EUR" } }],
    ["IDoc items without a currency of their own", () => idocOrder().replace(/(<E1EDP01 SEGMENT="1">[\s\S]*?)<CURCY>EUR<\/CURCY>/g, "$1"), { accepted: { orderNumber: "10040", revision: 0 } }],
  ])("%s", async (_what, body, expected) => {
    expect(await answer(body())).toEqual(expected);
  });
});
