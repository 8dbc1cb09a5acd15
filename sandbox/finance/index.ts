import { createHash } from "node:crypto";
import express from "express";
import { FaultSwitches } from "../faults";
import { HubCallbacks, retryPolicy, type StandInOptions } from "../standin-callbacks";
import { Refusal, amount, cents, handle, idempotencyKey, invalid, isoDate, jsonBody, list, numbered, objectBody, onlyFields, optionalText, record, restStandInRouter, text } from "../standin-http";
import type { SandboxContext, StandIn } from "../types";
import { readUblInvoice, type InvoiceFacts } from "./ubl-invoice";

/**
 * The sandbox finance system, at `/sandbox/finance`:
 * - `POST /invoices` (application/xml): a UBL 2.1 Invoice, checked as a receiving system checks it
 *   (./ubl-invoice.ts) → 201 `{invoiceId, invoice, status: "booked"}`; the same document again → 200, the one it
 *   booked; another document under a number it booked → 409.
 * - `POST /credit-notes` (application/xml): a UBL 2.1 CreditNote (root CreditNote in
 *   urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2), checked and summed as an invoice is → 201
 *   `{creditNoteId, creditNote, status: "booked"}`; idempotent by its cbc:ID as invoices are (200 the same document,
 *   409 another document under a number it booked). A credit note is never auto-paid.
 * - `POST /vouchers`: an AR voucher (JSON) → 201 `{voucherId, status: "posted"}`, idempotent by its `voucher` id.
 * - `POST /payments` `{invoice, amount, customer?, currency?, payment?}`: records a payment of a booked invoice and
 *   tells the hub `POST {hub}/api/webhooks/finance/payments` `{payment, invoice, customer, amount, currency, at}`
 *   (Idempotency-Key: the payment id).
 * - `GET`/`PUT /_behaviour` `{autoPay: {afterMs, share} | false}`: every booked invoice is paid `share` of its
 *   amount `afterMs` after it was booked (default: in full, after 1 s).
 */

export interface AutoPay {
  afterMs: number;
  /** The share of the invoice's payable amount paid, 0 … 1. */
  share: number;
}

export interface FinanceBehaviour {
  autoPay: AutoPay | false;
}

export const DEFAULT_FINANCE_BEHAVIOUR: Readonly<FinanceBehaviour> = { autoPay: { afterMs: 1000, share: 1 } };

export interface BookedInvoice extends InvoiceFacts {
  invoiceId: string;
  status: "booked" | "part-paid" | "paid";
  paid: number;
  payments: string[];
  bookedAt: string;
  sha256: string;
}

export interface BookedCreditNote extends InvoiceFacts {
  creditNoteId: string;
  status: "booked";
  bookedAt: string;
  sha256: string;
}

export interface Payment {
  payment: string;
  invoice: string;
  customer: string;
  amount: number;
  currency: string;
  at: string;
  /** auto: the autoPay switch; api: POST /payments. */
  by: "auto" | "api";
}

export interface Voucher {
  voucher: string;
  customer: string;
  invoice?: string;
  postingDate: string;
  currency: string;
  amount: number;
  entries?: Array<{ account: string; debit: number; credit: number }>;
  postedAt: string;
}

const XML_TYPE = /^(application|text)\/([\w.+-]+\+)?xml$/i;
const VOUCHER_SHAPE = '{"voucher", "customer", "invoice"?, "postingDate", "currency", "amount", "entries"?: [{"account", "debit"?, "credit"?}]}';

function voucherOf(body: unknown): Omit<Voucher, "postedAt"> {
  const b = objectBody(body, VOUCHER_SHAPE);
  onlyFields(b, ["voucher", "customer", "invoice", "postingDate", "currency", "amount", "entries"]);
  const currency = text(b.currency, "currency");
  if (!/^[A-Z]{3}$/.test(currency)) throw invalid(`currency: must be an ISO 4217 code such as EUR (is "${currency}")`);
  const v: Omit<Voucher, "postedAt"> = {
    voucher: text(b.voucher, "voucher"),
    customer: text(b.customer, "customer"),
    ...(b.invoice === undefined ? {} : { invoice: text(b.invoice, "invoice") }),
    postingDate: isoDate(b.postingDate, "postingDate"),
    currency,
    amount: amount(b.amount, "amount"),
  };
  if (b.entries !== undefined) {
    const entries = list(b.entries, "entries", 2).map((raw, i) => {
      const e = record(raw, `entries[${i}]`);
      const debit = e.debit === undefined ? 0 : amount(e.debit, `entries[${i}].debit`, "0 or more");
      const credit = e.credit === undefined ? 0 : amount(e.credit, `entries[${i}].credit`, "0 or more");
      if ((debit > 0) === (credit > 0)) throw invalid(`entries[${i}]: a posting is a debit or a credit, one of them above 0`);
      return { account: text(e.account, `entries[${i}].account`), debit, credit };
    });
    const debit = cents(entries.reduce((s, e) => s + e.debit, 0));
    const credit = cents(entries.reduce((s, e) => s + e.credit, 0));
    if (debit !== credit) throw invalid(`entries: debits ${debit.toFixed(2)} and credits ${credit.toFixed(2)} do not balance`);
    if (debit !== cents(v.amount)) throw invalid(`entries: they post ${debit.toFixed(2)} ${currency}, the voucher's amount is ${v.amount.toFixed(2)} ${currency}`);
    v.entries = entries;
  }
  return v;
}

function autoPayOf(value: unknown): AutoPay | false {
  if (value === false || value === null) return false;
  const a = record(value, "autoPay");
  onlyFields(a, ["afterMs", "share"], "autoPay.");
  const afterMs = a.afterMs === undefined ? 1000 : amount(a.afterMs, "autoPay.afterMs", "0 or more");
  const share = a.share === undefined ? 1 : amount(a.share, "autoPay.share", "0 or more");
  if (share > 1) throw invalid(`autoPay.share: must be from 0 to 1 (is ${share})`);
  return { afterMs, share };
}

export function createFinance(ctx: SandboxContext, options: StandInOptions = {}): StandIn {
  const faults = new FaultSwitches();
  const callbacks = new HubCallbacks(ctx, faults, retryPolicy(options));
  const invoices = new Map<string, BookedInvoice>();
  const payments = new Map<string, Payment>();
  const paymentKeys = new Map<string, string>();
  const vouchers = new Map<string, Voucher>();
  const creditNotes = new Map<string, BookedCreditNote>();
  const timers = new Set<NodeJS.Timeout>();
  let behaviour: FinanceBehaviour = structuredClone(DEFAULT_FINANCE_BEHAVIOUR) as FinanceBehaviour;
  let invoiceSeq = 0;
  let paymentSeq = 0;
  let creditNoteSeq = 0;

  const nextPaymentId = () => {
    let id = numbered("PAY", ++paymentSeq);
    while (payments.has(id)) id = numbered("PAY", ++paymentSeq);
    return id;
  };

  const pay = (inv: BookedInvoice, paid: number, by: Payment["by"], id?: string): Payment => {
    const p: Payment = { payment: id ?? nextPaymentId(), invoice: inv.number, customer: inv.customer, amount: cents(paid), currency: inv.currency, at: new Date().toISOString(), by };
    payments.set(p.payment, p);
    inv.paid = cents(inv.paid + p.amount);
    inv.payments.push(p.payment);
    inv.status = inv.paid >= inv.payable - 0.005 ? "paid" : "part-paid";
    const { by: _by, ...body } = p;
    void callbacks.call("POST", "/api/webhooks/finance/payments", body, p.payment);
    return p;
  };

  const business = express.Router();

  business.post(
    "/invoices",
    express.text({ type: () => true, limit: "10mb" }),
    handle(async (req, res) => {
      const type = (req.get("content-type") ?? "").split(";")[0].trim();
      if (!XML_TYPE.test(type)) throw new Refusal(415, `content-type must be application/xml (is ${type || "missing"}): send the UBL 2.1 Invoice`);
      const xml = typeof req.body === "string" ? req.body : "";
      const facts = await readUblInvoice(xml);
      const sha256 = createHash("sha256").update(xml.trim()).digest("hex");
      const held = invoices.get(facts.number);
      if (held) {
        if (held.sha256 !== sha256) throw new Refusal(409, `invoice ${facts.number} was booked as ${held.invoiceId} at ${held.bookedAt} from another document; an invoice number is used once`, { invoiceId: held.invoiceId });
        return res.status(200).json({ invoiceId: held.invoiceId, invoice: held.number, status: held.status, repeat: true });
      }
      const inv: BookedInvoice = { invoiceId: numbered("FI", ++invoiceSeq), ...facts, status: "booked", paid: 0, payments: [], bookedAt: new Date().toISOString(), sha256 };
      invoices.set(inv.number, inv);
      const auto = behaviour.autoPay;
      const due = auto ? cents(inv.payable * auto.share) : 0;
      if (auto && due > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (invoices.get(inv.number) === inv && inv.paid < inv.payable) pay(inv, Math.min(due, cents(inv.payable - inv.paid)), "auto");
        }, auto.afterMs);
        timers.add(timer);
      }
      res.status(201).json({ invoiceId: inv.invoiceId, invoice: inv.number, status: "booked", customer: inv.customer, payable: inv.payable, currency: inv.currency });
    }),
  );

  business.post(
    "/credit-notes",
    express.text({ type: () => true, limit: "10mb" }),
    handle(async (req, res) => {
      const type = (req.get("content-type") ?? "").split(";")[0].trim();
      if (!XML_TYPE.test(type)) throw new Refusal(415, `content-type must be application/xml (is ${type || "missing"}): send the UBL 2.1 CreditNote`);
      const xml = typeof req.body === "string" ? req.body : "";
      const facts = await readUblInvoice(xml, "CreditNote");
      const sha256 = createHash("sha256").update(xml.trim()).digest("hex");
      const held = creditNotes.get(facts.number);
      if (held) {
        if (held.sha256 !== sha256) throw new Refusal(409, `credit note ${facts.number} was booked as ${held.creditNoteId} at ${held.bookedAt} from another document; a credit note number is used once`, { creditNoteId: held.creditNoteId });
        return res.status(200).json({ creditNoteId: held.creditNoteId, creditNote: held.number, status: held.status, repeat: true });
      }
      const cn: BookedCreditNote = { creditNoteId: numbered("FC", ++creditNoteSeq), ...facts, status: "booked", bookedAt: new Date().toISOString(), sha256 };
      creditNotes.set(cn.number, cn);
      res.status(201).json({ creditNoteId: cn.creditNoteId, creditNote: cn.number, status: "booked", customer: cn.customer, payable: cn.payable, currency: cn.currency, ...(cn.billingReference ? { invoice: cn.billingReference } : {}) });
    }),
  );
  business.get("/credit-notes", (_req, res) => res.json({ count: creditNotes.size, creditNotes: [...creditNotes.values()] }));

  business.get("/invoices", (_req, res) => res.json({ count: invoices.size, invoices: [...invoices.values()] }));
  business.get("/invoices/:number", (req, res) => {
    const inv = invoices.get(req.params.number) ?? [...invoices.values()].find((i) => i.invoiceId === req.params.number);
    if (!inv) throw new Refusal(404, `finance has no invoice ${req.params.number}`);
    res.json(inv);
  });

  business.post(
    "/payments",
    jsonBody("64kb"),
    handle((req, res) => {
      const b = objectBody(req.body, '{"invoice", "amount", "customer"?, "currency"?, "payment"?}');
      onlyFields(b, ["invoice", "amount", "customer", "currency", "payment"]);
      const given = optionalText(b.payment, "payment");
      const key = given ?? idempotencyKey(req);
      const known = key === undefined ? undefined : (payments.get(key) ?? payments.get(paymentKeys.get(key) ?? ""));
      if (known) return res.status(200).json({ ...known, repeat: true });
      const number = text(b.invoice, "invoice");
      const paid = amount(b.amount, "amount");
      const inv = invoices.get(number);
      if (!inv) throw invalid(`invoice: finance has no invoice ${number} (book it first: POST /sandbox/finance/invoices)`);
      const customer = optionalText(b.customer, "customer");
      if (customer !== undefined && customer !== inv.customer) throw invalid(`customer: invoice ${number} is ${inv.customer}'s, not ${customer}'s`);
      const currency = optionalText(b.currency, "currency");
      if (currency !== undefined && currency !== inv.currency) throw invalid(`currency: invoice ${number} is in ${inv.currency}, not ${currency}`);
      const p = pay(inv, paid, "api", given);
      if (key !== undefined && key !== p.payment) paymentKeys.set(key, p.payment);
      res.status(201).json({ ...p, status: inv.status, open: cents(inv.payable - inv.paid) });
    }),
  );
  business.get("/payments", (_req, res) => res.json({ count: payments.size, payments: [...payments.values()] }));

  business.post(
    "/vouchers",
    jsonBody("1mb"),
    handle((req, res) => {
      const v = voucherOf(req.body);
      const held = vouchers.get(v.voucher);
      if (held) {
        const { postedAt: _at, ...before } = held;
        if (JSON.stringify(before) !== JSON.stringify(v)) throw new Refusal(409, `voucher ${v.voucher} was posted at ${held.postedAt} with other figures; a voucher number is used once`);
        return res.status(200).json({ voucherId: held.voucher, status: "posted", repeat: true });
      }
      vouchers.set(v.voucher, { ...v, postedAt: new Date().toISOString() });
      res.status(201).json({ voucherId: v.voucher, status: "posted" });
    }),
  );
  business.get("/vouchers", (_req, res) => res.json({ count: vouchers.size, vouchers: [...vouchers.values()] }));

  const control = express.Router();
  control.get("/_behaviour", (_req, res) => res.json(behaviour));
  control.put("/_behaviour", jsonBody("16kb"), (req, res) => {
    const b = objectBody(req.body, '{"autoPay": {"afterMs": 1000, "share": 1} | false}');
    onlyFields(b, ["autoPay"]);
    if (b.autoPay !== undefined) behaviour = { autoPay: autoPayOf(b.autoPay) };
    res.json(behaviour);
  });

  const stopTimers = () => {
    timers.forEach(clearTimeout);
    timers.clear();
  };
  const reset = () => {
    stopTimers();
    invoices.clear();
    payments.clear();
    paymentKeys.clear();
    vouchers.clear();
    creditNotes.clear();
    creditNoteSeq = 0;
    callbacks.reset();
    behaviour = structuredClone(DEFAULT_FINANCE_BEHAVIOUR) as FinanceBehaviour;
    faults.clear();
    invoiceSeq = 0;
    paymentSeq = 0;
  };
  const state = () => ({
    behaviour,
    invoices: [...invoices.values()],
    payments: [...payments.values()],
    vouchers: [...vouchers.values()],
    creditNotes: [...creditNotes.values()],
    callbacksSent: callbacks.sent.length,
    failedCallbacks: callbacks.failed,
  });

  return {
    name: "finance",
    router: restStandInRouter("finance", faults, callbacks, control, business, state, reset),
    faults,
    state,
    reset,
    async stop() {
      stopTimers();
      callbacks.reset();
    },
  };
}
