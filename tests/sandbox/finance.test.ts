import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFinance } from "../../sandbox/finance";
import { readUblInvoice } from "../../sandbox/finance/ubl-invoice";
import type { StandIn } from "../../sandbox/types";
import { publicFixture } from "../support/fixtures";
import { quietFor, until } from "../support/wait";
import { call, contextFor, serve, startReceiver, type HubReceiver } from "./hub-receiver";

const EXAMPLE = publicFixture("ubl-2.1/UBL-Invoice-2.1-Example.xml").toString("utf8");

interface Sketch {
  id?: string;
  issueDate?: string | null;
  lines?: Array<[string, string]>;
  tax?: string;
  allowance?: string;
  payable?: string;
  customer?: string | null;
  lineCurrency?: string | null;
  /** cbc/cac under other prefixes (a receiver reads namespaces, not prefixes). */
  prefixes?: [string, string];
}

/** A small UBL 2.1 invoice of our own, for the awkward cases the OASIS example does not have. */
function invoice(s: Sketch = {}): string {
  const [b, a] = s.prefixes ?? ["cbc", "cac"];
  const lines = s.lines ?? [["1", "100.00"], ["2", "50.00"]];
  const cur = (c: string | null | undefined = "EUR") => (c === null ? "" : ` currencyID="${c}"`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:${a}="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:${b}="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <${b}:ID>${s.id ?? "INV-1"}</${b}:ID>
  ${s.issueDate === null ? "" : `<${b}:IssueDate>${s.issueDate ?? "2026-03-01"}</${b}:IssueDate>`}
  <${b}:DocumentCurrencyCode>EUR</${b}:DocumentCurrencyCode>
  <${a}:OrderReference><${b}:ID>PO-1001</${b}:ID></${a}:OrderReference>
  <${a}:AccountingSupplierParty><${a}:Party><${a}:PartyName><${b}:Name>OrderHub Manufacturing</${b}:Name></${a}:PartyName></${a}:Party></${a}:AccountingSupplierParty>
  ${s.customer === null ? "" : `<${a}:AccountingCustomerParty><${a}:Party><${a}:PartyIdentification><${b}:ID>${s.customer ?? "C-NORTH"}</${b}:ID></${a}:PartyIdentification></${a}:Party></${a}:AccountingCustomerParty>`}
  ${s.allowance ? `<${a}:AllowanceCharge><${b}:ChargeIndicator>false</${b}:ChargeIndicator><${b}:Amount currencyID="EUR">${s.allowance}</${b}:Amount></${a}:AllowanceCharge>` : ""}
  <${a}:TaxTotal><${b}:TaxAmount currencyID="EUR">${s.tax ?? "28.50"}</${b}:TaxAmount></${a}:TaxTotal>
  <${a}:LegalMonetaryTotal><${b}:PayableAmount currencyID="EUR">${s.payable ?? "178.50"}</${b}:PayableAmount></${a}:LegalMonetaryTotal>
  ${lines.map(([id, amount], i) => `<${a}:InvoiceLine><${b}:ID>${id}</${b}:ID><${b}:LineExtensionAmount${i === 0 ? cur(s.lineCurrency) : cur()}>${amount}</${b}:LineExtensionAmount></${a}:InvoiceLine>`).join("\n  ")}
</Invoice>`;
}

describe("reading a UBL 2.1 invoice as a receiving finance system", () => {
  it("takes the OASIS example as it is: payable 729 = lines 1436.50 − 100 + 100 + tax 292.20 − prepaid 1000 + rounding 0.30", async () => {
    expect(await readUblInvoice(EXAMPLE)).toMatchObject({ number: "TOSL108", issueDate: "2009-12-15", currency: "EUR", customer: "345KS5324", customerName: "Buyercompany ltd", orderReference: "123", lines: 5, lineTotal: 1436.5, tax: 292.2, prepaid: 1000, rounding: 0.3, payable: 729 });
  });

  const refused: Array<[string, string, string]> = [
    ["the OASIS credit note: not an invoice", publicFixture("ubl-2.1/UBL-CreditNote-2.1-Example.xml").toString("utf8"), "the root element must be Invoice in urn:oasis:names:specification:ubl:schema:xsd:Invoice-2 (is CreditNote in urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2)"],
    ["the OASIS order: not an invoice", publicFixture("ubl-2.1/UBL-Order-2.1-Example.xml").toString("utf8"), "(is Order in urn:oasis:names:specification:ubl:schema:xsd:Order-2)"],
    ["an Invoice outside the UBL namespace", "<Invoice><ID>1</ID></Invoice>", "(is Invoice without a namespace)"],
    ["no issue date", invoice({ issueDate: null }), "Invoice/cbc:IssueDate: is missing"],
    ["an issue date that is none", invoice({ issueDate: "2026-13-01" }), 'Invoice/cbc:IssueDate: "2026-13-01" is not a date YYYY-MM-DD'],
    ["no customer", invoice({ customer: null }), "Invoice/cac:AccountingCustomerParty: is missing"],
    ["no line", invoice({ lines: [], payable: "28.50" }), "Invoice/cac:InvoiceLine: an invoice needs at least one line"],
    ["a line amount without its currency", invoice({ lineCurrency: null }), "Invoice/cac:InvoiceLine[1]/cbc:LineExtensionAmount: currencyID is missing"],
    ["a line in another currency", invoice({ lineCurrency: "USD" }), "currencyID USD is not the invoice's currency EUR"],
    ["a line amount that is not a number", invoice({ lines: [["1", "1OO.00"]] }), 'Invoice/cac:InvoiceLine[1]/cbc:LineExtensionAmount: "1OO.00" is not an amount'],
    ["a payable that does not add up", invoice({ payable: "150.00" }), "Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount: 150.00 EUR, expected 178.50 EUR (lines 150.00 − allowances 0.00 + charges 0.00 + tax 28.50 − prepaid 0.00 + rounding 0.00)"],
    ["a payable that forgot the allowance", invoice({ allowance: "10.00" }), "expected 168.50 EUR"],
  ];
  it.each(refused)("refuses %s, naming it", async (_name, xml, error) => {
    await expect(readUblInvoice(xml)).rejects.toMatchObject({ status: 422, message: expect.stringContaining(error) });
  });

  it("adds up within a cent, reads namespaces not prefixes, and takes an invoice of nothing", async () => {
    expect((await readUblInvoice(invoice({ payable: "178.51" }))).payable).toBe(178.51);
    expect((await readUblInvoice(invoice({ prefixes: ["b", "a"] }))).customer).toBe("C-NORTH");
    expect((await readUblInvoice(invoice({ allowance: "10.00", payable: "168.50" }))).allowances).toBe(10);
    expect((await readUblInvoice(invoice({ lines: [["1", "0.00"]], tax: "0", payable: "0.00" }))).payable).toBe(0);
  });

  it("refuses what is not XML, and XML with a DTD, as unreadable (400)", async () => {
    await expect(readUblInvoice("{}")).rejects.toMatchObject({ status: 400, message: expect.stringContaining("not well-formed XML") });
    await expect(readUblInvoice(EXAMPLE.slice(0, 2000))).rejects.toMatchObject({ status: 400 });
    await expect(readUblInvoice('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><Invoice/>')).rejects.toMatchObject({ status: 400, message: "XML with a DTD or entities is refused" });
  });
});

describe("the sandbox finance system over HTTP", () => {
  let hub: HubReceiver;
  let finance: StandIn;
  let server: { base: string; close(): Promise<void> };
  const xml = { "content-type": "application/xml" };
  const paymentHooks = () => hub.on("/api/webhooks/finance/payments");

  beforeAll(async () => {
    hub = await startReceiver();
    finance = createFinance(contextFor(hub), { retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 20 } });
    server = await serve(finance);
  });
  afterAll(async () => {
    await server.close();
    await hub.close();
  });
  beforeEach(async () => {
    finance.reset();
    hub.calls.length = 0;
    await call("PUT", `${server.base}/_behaviour`, { autoPay: false });
  });

  it("books the OASIS example invoice once: the same document again is the same booking, another under its number 409", async () => {
    const booked = await call("POST", `${server.base}/invoices`, EXAMPLE, xml);
    expect(booked).toMatchObject({ status: 201, body: { invoiceId: "FI-000001", invoice: "TOSL108", status: "booked", customer: "345KS5324", payable: 729, currency: "EUR" } });
    expect(await call("POST", `${server.base}/invoices`, EXAMPLE, { "content-type": "text/xml; charset=utf-8" })).toMatchObject({ status: 200, body: { invoiceId: "FI-000001", repeat: true } });
    const other = await call("POST", `${server.base}/invoices`, EXAMPLE.replace("Ordered in our booth", "Ordered by phone"), xml);
    expect(other.status).toBe(409);
    expect(other.body.error).toContain("invoice TOSL108 was booked as FI-000001");
    expect((await call("POST", `${server.base}/invoices`, EXAMPLE, { "content-type": "application/json" })).status).toBe(415);
    expect((await call("POST", `${server.base}/invoices`, invoice({ payable: "1.00" }), xml)).status).toBe(422);
    expect((await call("GET", `${server.base}/invoices/TOSL108`)).body).toMatchObject({ invoiceId: "FI-000001", status: "booked", paid: 0 });
    expect((finance.state() as any).invoices).toHaveLength(1);
  });

  it("pays a booked invoice by itself with autoPay, and tells the hub under the payment's id", async () => {
    await call("PUT", `${server.base}/_behaviour`, { autoPay: { afterMs: 0, share: 0.5 } });
    await call("POST", `${server.base}/invoices`, invoice({ id: "INV-AUTO" }), xml);
    const hook = await until("the payment webhook", () => paymentHooks()[0]);
    expect(hook.body).toMatchObject({ payment: "PAY-000001", invoice: "INV-AUTO", customer: "C-NORTH", amount: 89.25, currency: "EUR" });
    expect(hook.headers["idempotency-key"]).toBe("PAY-000001");
    expect(hook.headers.authorization).toBe("Bearer sandbox-key");
    expect((await call("GET", `${server.base}/invoices/INV-AUTO`)).body).toMatchObject({ status: "part-paid", paid: 89.25 });

    // an invoice of nothing (or autoPay share 0) is paid nothing: no payment, no webhook
    await call("POST", `${server.base}/invoices`, invoice({ id: "INV-ZERO", lines: [["1", "0.00"]], tax: "0", payable: "0.00" }), xml);
    expect(await quietFor(() => paymentHooks().length, 150)).toBe(1);
    expect(await call("PUT", `${server.base}/_behaviour`, { autoPay: { afterMs: 0, share: 1.5 } })).toMatchObject({ status: 422, body: { error: "autoPay.share: must be from 0 to 1 (is 1.5)" } });
  });

  it("records a payment once, refuses one for an invoice it does not hold or another customer", async () => {
    await call("POST", `${server.base}/invoices`, invoice({ id: "INV-P" }), xml);
    const paid = await call("POST", `${server.base}/payments`, { invoice: "INV-P", amount: 100, payment: "BANK-77" });
    expect(paid).toMatchObject({ status: 201, body: { payment: "BANK-77", status: "part-paid", open: 78.5 } });
    expect(await call("POST", `${server.base}/payments`, { invoice: "INV-P", amount: 100, payment: "BANK-77" })).toMatchObject({ status: 200, body: { repeat: true } });
    const rest = await call("POST", `${server.base}/payments`, { invoice: "INV-P", amount: 78.5 }, { "idempotency-key": "k-rest" });
    expect(rest).toMatchObject({ status: 201, body: { status: "paid", open: 0 } });
    expect((await call("POST", `${server.base}/payments`, { invoice: "INV-P", amount: 78.5 }, { "idempotency-key": "k-rest" })).status).toBe(200);
    await until("two payment webhooks", () => paymentHooks().length === 2);
    expect(paymentHooks().map((c) => c.headers["idempotency-key"])).toEqual(["BANK-77", rest.body.payment]);
    expect(await quietFor(() => paymentHooks().length, 100)).toBe(2);

    expect((await call("POST", `${server.base}/payments`, { invoice: "INV-NONE", amount: 5 })).body.error).toBe("invoice: finance has no invoice INV-NONE (book it first: POST /sandbox/finance/invoices)");
    expect((await call("POST", `${server.base}/payments`, { invoice: "INV-P", amount: 5, customer: "C-SOUTH" })).body.error).toBe("customer: invoice INV-P is C-NORTH's, not C-SOUTH's");
    expect((await call("POST", `${server.base}/payments`, { invoice: "INV-P", amount: 0 })).body.error).toBe("amount: must be a number above 0 (is 0)");
  });

  it("posts an AR voucher once, refuses one that does not balance or reuses a number", async () => {
    const voucher = { voucher: "AR-1", customer: "C-NORTH", invoice: "INV-1", postingDate: "2026-03-01", currency: "EUR", amount: 178.5, entries: [{ account: "1400", debit: 178.5 }, { account: "8400", credit: 150 }, { account: "1776", credit: 28.5 }] };
    expect(await call("POST", `${server.base}/vouchers`, voucher)).toMatchObject({ status: 201, body: { voucherId: "AR-1", status: "posted" } });
    expect(await call("POST", `${server.base}/vouchers`, voucher)).toMatchObject({ status: 200, body: { repeat: true } });
    expect(await call("POST", `${server.base}/vouchers`, { ...voucher, customer: "C-SOUTH" })).toMatchObject({ status: 409, body: { error: expect.stringContaining("voucher AR-1 was posted at") } });
    expect((await call("POST", `${server.base}/vouchers`, { ...voucher, voucher: "AR-2", entries: [{ account: "1400", debit: 178.5 }, { account: "8400", credit: 150 }] })).body.error).toBe("entries: debits 178.50 and credits 150.00 do not balance");
    expect((await call("POST", `${server.base}/vouchers`, { ...voucher, voucher: "AR-3", postingDate: "2026-02-30" })).body.error).toBe('postingDate: must be a date YYYY-MM-DD (is "2026-02-30")');
    expect((finance.state() as any).vouchers).toHaveLength(1);
  });

  it("answers 503 while it is down", async () => {
    await call("PUT", `${server.base}/_faults`, { down: true });
    expect((await call("POST", `${server.base}/invoices`, EXAMPLE, xml)).status).toBe(503);
    await call("DELETE", `${server.base}/_faults`);
    expect((await call("POST", `${server.base}/invoices`, EXAMPLE, xml)).status).toBe(201);
  });
});
