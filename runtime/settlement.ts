import { createHash } from "node:crypto";
import type { Customer } from "../domain/master/types";
import type { MasterIndex } from "../domain/master/master-index";
import type { CanonicalOrder } from "../domain/order/canonical-order";
import { applyMovement, ledgerOf, reconcileCount, type MovementDocument, type StockCount } from "../domain/settlement/consignment";
import { SettlementError } from "../domain/settlement/common";
import { DEFAULT_DUNNING_TERMS, dunningNotices, type DunningNotice } from "../domain/settlement/dunning";
import { applyPaymentToInvoices, type IncomingPayment, type OpenInvoice } from "../domain/settlement/payment-application";
import { compareRuns, MISMATCH_KINDS, reconcile, type DeliveryDoc, type DocumentLine, type InvoiceDoc, type ReconciliationReport, type RunComparison } from "../domain/settlement/reconciliation";
import { customerStatement, type Statement, type StatementDocument } from "../domain/settlement/statement";
import { dunningNoticesTotal, reconciliationMismatches, reconciliationRunsTotal, settlementDocumentsTotal } from "../observability/metrics";
import type { HubStore } from "../store/types";
import type { SettlementDocument } from "../store/settlement-types";

/**
 * The settlement ledgers at work: each function reads what the rule needs from the store, asks the rule in
 * domain/settlement/, and writes the result in one transaction. The REST routes, the nodes and the CLI call these.
 */

const ATTEMPTS = 5;
const day = (at: unknown, fallback: string) => (typeof at === "string" && /^\d{4}-\d{2}-\d{2}/.test(at) ? at.slice(0, 10) : fallback);

/** Applies a consignment movement document to its site's ledger, once (compare-and-set against a concurrent one). */
export async function applyConsignment(store: HubStore, doc: MovementDocument, now = Date.now()) {
  const counted = <R extends { outcome: string }>(result: R): R => {
    settlementDocumentsTotal.inc({ kind: `consignment-${doc.kind}`, outcome: result.outcome === "applied" ? "written" : result.outcome });
    return result;
  };
  for (let attempt = 1; ; attempt++) {
    const existing = await store.settlement.movements(doc.customer, doc.site);
    const result = applyMovement(existing, doc);
    if (result.outcome !== "applied") return counted(result);
    const written = await store.settlement.recordMovements(result.movements, existing.length, now);
    if (written.outcome === "recorded") return counted(result);
    if (written.outcome === "repeat") return counted({ outcome: "repeat" as const, document: doc.document, ledger: ledgerOf(await store.settlement.movements(doc.customer, doc.site)) });
    if (attempt >= ATTEMPTS) throw new SettlementError(`consignment site ${doc.site} of customer ${doc.customer} kept changing while applying ${doc.kind} ${doc.document} (${attempt} attempts): send it again`);
  }
}

export async function consignmentLedger(store: HubStore, customer: string, site: string) {
  const movements = await store.settlement.movements(customer, site);
  const counts = await store.settlement.counts(customer, site);
  return { customer, site, items: ledgerOf(movements), movements, lastCount: counts.at(-1) ? { document: counts.at(-1)!.document, at: counts.at(-1)!.at } : null };
}

/** The customer's stock count against the ledger, kept with its reconciliation; the same count again gives the same answer. */
export async function countConsignment(store: HubStore, customer: string, site: string, count: StockCount, now = Date.now()) {
  const counts = (await store.settlement.counts(customer, site)).filter((c) => c.document !== count.document && c.at <= count.at);
  const report = reconcileCount(await store.settlement.movements(customer, site), count, counts.at(-1)?.at);
  const written = await store.settlement.recordCount({ customer, site, document: count.document, at: count.at, lines: count.lines, report: JSON.stringify(report), recordedAt: now });
  return written.outcome === "repeat" ? { ...JSON.parse(written.record.report), repeat: true } : report;
}

interface EventBody {
  orderKey?: string;
  orderNumber?: string;
  buyer?: string;
  customer?: string;
  document?: string;
  payment?: string;
  invoice?: string;
  shipment?: string;
  at?: string;
  amount?: number;
  currency?: string;
  lines?: Array<{ lineNumber?: string; sku?: string; quantity?: number }>;
}

function orderRefOfKey(orderKey: string): string {
  return orderKey.slice(0, orderKey.lastIndexOf("/"));
}

/** The order's net unit price per line, from the revision the order book decided last. */
async function orderPrices(store: HubStore, orderKey: string): Promise<Map<string, number>> {
  const state = await store.orders.orderState(orderRefOfKey(orderKey)).catch(() => undefined);
  const json = state?.revisions.filter((r) => r.order).at(-1)?.order;
  const prices = new Map<string, number>();
  if (!json) return prices;
  const order = JSON.parse(json) as CanonicalOrder;
  for (const l of order.lines) {
    const price = l.lineAmount !== undefined && l.quantity > 0 ? l.lineAmount / l.quantity : l.unitPrice;
    if (price !== undefined) prices.set(l.lineNumber, Math.round(price * 1e6) / 1e6);
  }
  return prices;
}

/**
 * An `order.shipped`, `order.invoiced` or `payment.received` as a document of the three-way match, once per kind and
 * document. An invoice the hub issued is read with its prices from the invoices table; a delivery gets the order's
 * prices. A payment is applied to the customer's invoices (applyIncomingPayment). Other events: undefined.
 */
export async function recordSettlementEvent(store: HubStore, routingKey: string, body: EventBody, now = Date.now()): Promise<{ kind: string; document: string; outcome: string } | undefined> {
  const today = new Date(now).toISOString().slice(0, 10);
  if (routingKey === "payment.received") {
    const payment = paymentOf(body, today);
    const applied = await applyIncomingPayment(store, payment, now);
    return { kind: "payment", document: payment.payment, outcome: applied.outcome };
  }
  if (routingKey !== "order.shipped" && routingKey !== "order.invoiced") return undefined;
  const document = body.document;
  const orderKey = body.orderKey;
  if (!document || !orderKey) throw new SettlementError(`settlement: ${routingKey} needs document and orderKey, has ${JSON.stringify({ document, orderKey })}`);
  const customer = body.buyer ?? orderKey.split("/")[0];
  if (routingKey === "order.shipped") {
    const prices = await orderPrices(store, orderKey);
    const lines: DocumentLine[] = (body.lines ?? []).map((l) => ({ ...(l.lineNumber ? { lineNumber: l.lineNumber } : {}), sku: l.sku ?? l.lineNumber ?? "", quantity: Number(l.quantity ?? 0), ...(l.lineNumber && prices.has(l.lineNumber) ? { unitPrice: prices.get(l.lineNumber) } : {}) }));
    const outcome = await store.settlement.recordDocument({ kind: "delivery", document, customer, orderKey, at: day(body.at, today), body: { lines }, recordedAt: now });
    return { kind: "delivery", document, outcome };
  }
  const issued = await store.invoices.get(document);
  const summary = issued ? (JSON.parse(issued.summary) as { dueDate?: string; issueDate?: string; lines: Array<{ lineNumber: string; sku: string; quantity: number; net: number }> }) : undefined;
  const lines: DocumentLine[] = summary
    ? summary.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity, unitPrice: l.quantity ? Math.round((l.net / l.quantity) * 1e6) / 1e6 : 0 }))
    : (body.lines ?? []).map((l) => ({ ...(l.lineNumber ? { lineNumber: l.lineNumber } : {}), sku: l.sku ?? l.lineNumber ?? "", quantity: Number(l.quantity ?? 0) }));
  const outcome = await store.settlement.recordDocument({
    kind: "invoice", document, customer, orderKey, at: day(summary?.issueDate ?? body.at, today), amount: issued?.amount ?? body.amount ?? 0, currency: issued?.currency ?? body.currency ?? "EUR",
    body: { lines, ...(body.shipment ?? issued?.shipment ? { shipment: body.shipment ?? issued?.shipment } : {}), ...(summary?.dueDate ? { dueDate: summary.dueDate } : {}) },
    recordedAt: now,
  });
  return { kind: "invoice", document, outcome };
}

export function paymentOf(body: EventBody, today: string): IncomingPayment {
  const reference = body.payment ?? body.document;
  const problems: string[] = [];
  if (!reference) problems.push("payment: the payment's reference is required (payment or document)");
  if (!body.customer) problems.push("customer: is required");
  if (typeof body.amount !== "number" || !(body.amount > 0)) problems.push(`amount: must be a number above 0, is ${JSON.stringify(body.amount)}`);
  if (problems.length) throw new SettlementError(`payment ${reference ?? "(no reference)"}: ${problems.join("; ")}`);
  return { payment: reference!, customer: body.customer!, amount: body.amount!, currency: body.currency ?? "EUR", ...(body.invoice ? { invoice: body.invoice } : {}), at: day(body.at, today) };
}

/** The customer's invoices (documents) with what is still open on each after the payments applied so far. */
export async function openInvoices(store: HubStore, customer: string): Promise<OpenInvoice[]> {
  const invoices = await store.settlement.documents({ kind: "invoice", customer });
  const applied = await store.settlement.allocations({ customer });
  const notes = await store.settlement.creditNotes({ customer });
  return invoices.map((i) => {
    const paid = applied.filter((a) => a.invoice === i.document).reduce((s, a) => s + Math.round(a.amount * 100), 0);
    const credited = notes.filter((n) => n.invoice === i.document).reduce((s, n) => s + Math.round(n.amount * 100), 0);
    return { invoice: i.document, customer, currency: i.currency ?? "EUR", open: (Math.round((i.amount ?? 0) * 100) - paid - credited) / 100, issueDate: i.at, ...(typeof i.body.dueDate === "string" ? { dueDate: i.body.dueDate } : {}) };
  });
}

/** A payment applied once: recorded as a document, allocated by reference else oldest first, the rest on account. */
export async function applyIncomingPayment(store: HubStore, payment: IncomingPayment, now = Date.now()) {
  const application = applyPaymentToInvoices(await openInvoices(store, payment.customer), payment);
  const recorded = await store.settlement.recordDocument({ kind: "payment", document: payment.payment, customer: payment.customer, at: payment.at, amount: payment.amount, currency: payment.currency, body: payment.invoice ? { invoice: payment.invoice } : {}, recordedAt: now });
  settlementDocumentsTotal.inc({ kind: "payment", outcome: recorded === "repeat" ? "repeat" : "written" });
  if (recorded === "repeat") {
    const before = (await store.settlement.allocations({ customer: payment.customer })).filter((a) => a.payment === payment.payment);
    return { outcome: "repeat" as const, payment: payment.payment, allocations: before.filter((a) => a.invoice !== ""), onAccount: before.find((a) => a.invoice === "")?.amount ?? 0, notes: [] as string[] };
  }
  const rows = [...application.allocations.map((a) => ({ ...a, customer: payment.customer, currency: payment.currency, at: payment.at }))];
  if (application.onAccount > 0) rows.push({ payment: payment.payment, invoice: "", amount: application.onAccount, settles: false, customer: payment.customer, currency: payment.currency, at: payment.at });
  await store.settlement.recordAllocations(rows, now);
  return { outcome: "applied" as const, payment: payment.payment, allocations: application.allocations, onAccount: application.onAccount, notes: application.notes };
}

/** The `payment.received` event of a payment, with the order of the invoice it names where the hub knows it. */
export async function paymentEvent(store: HubStore, payment: IncomingPayment, allocations: readonly { invoice: string; amount: number }[]) {
  const named = payment.invoice ?? allocations[0]?.invoice;
  const invoice = named ? (await store.settlement.documents({ kind: "invoice", customer: payment.customer })).find((d) => d.document === named) : undefined;
  const orderKey = invoice?.orderKey;
  const parts = orderKey ? orderKey.split("/") : [];
  return {
    messageId: `sha256:${createHash("sha256").update(`${orderKey ?? ""}|payment.received|${payment.payment}`, "utf8").digest("hex")}`,
    event: {
      event: "payment.received",
      ...(orderKey ? { orderKey, orderNumber: parts.slice(1, -1).join("/"), buyer: parts[0] } : {}),
      system: "finance",
      document: payment.payment,
      payment: payment.payment,
      customer: payment.customer,
      amount: payment.amount,
      currency: payment.currency,
      ...(payment.invoice ? { invoice: payment.invoice } : {}),
      at: payment.at,
      allocations,
    },
  };
}

const deliveryOf = (d: SettlementDocument): DeliveryDoc => ({ document: d.document, customer: d.customer, orderKey: d.orderKey ?? "", at: d.at, lines: (d.body.lines as DocumentLine[]) ?? [] });
const invoiceOf = (d: SettlementDocument): InvoiceDoc => ({
  document: d.document, customer: d.customer, orderKey: d.orderKey ?? "", at: d.at, amount: d.amount ?? 0, currency: d.currency ?? "EUR", lines: (d.body.lines as DocumentLine[]) ?? [],
  ...(typeof d.body.shipment === "string" ? { shipment: d.body.shipment } : {}), ...(typeof d.body.dueDate === "string" ? { dueDate: d.body.dueDate } : {}),
});

/** A reconciliation run on `date`: the report kept, and compared with the run before it. */
export async function runReconciliation(store: HubStore, date: string, now = Date.now()): Promise<{ id: number; report: ReconciliationReport; comparison: RunComparison }> {
  const docs = await store.settlement.documents({ upTo: date });
  const report = reconcile({
    date,
    deliveries: docs.filter((d) => d.kind === "delivery").map(deliveryOf),
    invoices: docs.filter((d) => d.kind === "invoice").map(invoiceOf),
    payments: docs.filter((d) => d.kind === "payment").map((d) => ({ payment: d.document, customer: d.customer, amount: d.amount ?? 0, currency: d.currency ?? "EUR", at: d.at, ...(typeof d.body.invoice === "string" ? { invoice: d.body.invoice } : {}) })),
  });
  const id = await store.settlement.saveRun(date, report, now);
  reconciliationRunsTotal.inc({ outcome: report.mismatches.length ? "mismatches" : "clean" });
  for (const kind of MISMATCH_KINDS) reconciliationMismatches.set({ kind }, report.byKind[kind] ?? 0);
  const previous = await store.settlement.previousRun(id);
  return { id, report, comparison: compareRuns(previous?.report, report) };
}

/** The dunning notices due on `date`, each level once per invoice (recorded before they are announced). */
export async function dunningRun(store: HubStore, master: MasterIndex, date: string, now = Date.now()): Promise<DunningNotice[]> {
  const customers = new Set((await store.settlement.documents({ kind: "invoice", upTo: date })).map((d) => d.customer));
  const open: Array<OpenInvoice & { dueDate: string }> = [];
  for (const c of customers) for (const i of await openInvoices(store, c)) if (i.dueDate && i.open > 0) open.push({ ...i, dueDate: i.dueDate });
  const sent = await store.settlement.dunningSent(open.map((i) => i.invoice));
  const terms = (customer: string) => ({ graceDays: master.customers.get(customer)?.graceDays ?? 0, ...DEFAULT_DUNNING_TERMS });
  const due = dunningNotices(open, terms, sent, date);
  const recorded = due.length ? await store.settlement.recordNotices(due, now) : [];
  for (const n of recorded) dunningNoticesTotal.inc({ level: n.level });
  return recorded;
}

/** The customer's statement from its invoices, credit notes and payments. */
export async function statementFor(store: HubStore, customer: Customer | { id: string; name?: string; currency: string }, from: string, to: string): Promise<Statement> {
  const docs: StatementDocument[] = [];
  for (const d of await store.settlement.documents({ customer: customer.id })) {
    if (d.kind === "delivery") continue;
    docs.push({ kind: d.kind, document: d.document, at: d.at, amount: d.amount ?? 0, ...(typeof d.body.dueDate === "string" ? { dueDate: d.body.dueDate } : {}), ...(typeof d.body.invoice === "string" ? { reference: d.body.invoice } : {}) });
  }
  for (const n of await store.settlement.creditNotes({ customer: customer.id })) docs.push({ kind: "credit-note", document: n.creditNoteId, at: n.issuedAt, amount: n.amount, reference: n.invoice });
  return customerStatement(customer, docs, from, to);
}
