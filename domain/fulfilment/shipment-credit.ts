import type { MasterIndex } from "../master/master-index";
import type { CanonicalOrder } from "../order/canonical-order";
import { exposureOf, overdueDays } from "../order/credit";
import { dayOf } from "../order/dates";
import { customerName, customerOf, decide, type Exposure, type Finding } from "../order/decision";
import { formatAmount, formatMoney, fromMinor, toMinor } from "../order/money";
import type { DeliveryNote } from "./delivery-note";
import { buildInvoice, type EarlierInvoice } from "./invoice";

/**
 * shipment-credit-check: the credit re-check before goods leave. Weeks may lie between the release of an order and
 * its shipment; meanwhile invoices fall due and other orders come in. The customer's exposure now (open invoices,
 * other open orders, delivered not invoiced, from the master data) plus what this delivery note will be invoiced at
 * (its lines at the order's prices, with allowances, charges and tax, as the invoice will have them) is weighed
 * against the credit limit as credit-check weighs an order. The order's own open-order entry is not counted beside
 * the shipment: the shipment is that order. A blocked customer, an overdue invoice or an exposure over the limit holds
 * the shipment; a shipment worth nothing (free goods) adds no exposure and ships unless the customer is blocked.
 */

export type ShipmentCreditOutcome = "ship" | "hold";

export interface ShipmentCreditDecision {
  outcome: ShipmentCreditOutcome;
  /** In a credit controller's words, prefixed `shipment-credit-check:`, the ones that decided first. */
  reasons: string[];
  deliveryNote: string;
  /** What the shipment will be invoiced at, tax included, in the order's currency. */
  shipmentValue: number;
  currency: string;
  /** The customer's exposure with this shipment; absent for a customer the master data lacks. */
  exposure?: Exposure;
}

export interface ShipmentCreditInput {
  orderKey: string;
  order: CanonicalOrder;
  deliveryNote: Pick<DeliveryNote, "deliveryNote" | "lines">;
  /** The order's invoices so far: what they billed is not billed again, so not counted again. */
  earlier?: readonly EarlierInvoice[];
}

const NODE = "shipment-credit-check";

/** What the delivery note will be invoiced at (tax included), in minor units of the order's currency. */
function shipmentValue(input: ShipmentCreditInput, master: MasterIndex, at: string): number {
  const { deliveryNote, order } = input;
  const shipment = { document: deliveryNote.deliveryNote, deliveryNote: deliveryNote.deliveryNote, lines: deliveryNote.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity })) };
  const result = buildInvoice({ orderKey: input.orderKey, order, shipment, earlier: input.earlier ?? [], issueDate: at }, master);
  return result.outcome === "invoice" ? toMinor(result.invoice.totals.payable, order.currency) : 0;
}

function breakdown(e: Exposure): string {
  const parts: Array<[string, number]> = [["open AR", e.openInvoices], ["open orders", e.openOrders], ["delivered not invoiced", e.deliveredNotInvoiced]];
  return [...parts.filter(([, n]) => n !== 0), ["this shipment", e.thisOrder] as [string, number]].map(([name, n]) => `${name} ${formatAmount(toMinor(n, e.currency), e.currency)}`).join(" + ");
}

export function shipmentCreditCheck(input: ShipmentCreditInput, master: MasterIndex, at: string): ShipmentCreditDecision {
  const { order, deliveryNote } = input;
  const note = `delivery note ${deliveryNote.deliveryNote} (order ${order.orderNumber})`;
  const value = shipmentValue(input, master, at);
  const base = { deliveryNote: deliveryNote.deliveryNote, shipmentValue: fromMinor(value, order.currency), currency: order.currency };
  const customer = customerOf(order, master);
  if (!customer) {
    return { outcome: "hold", ...base, reasons: [`${NODE}: customer ${customerName(order)} is not in the customer master: there is no credit account to ship ${note} against`] };
  }
  // the order's own open-order entry is left out (exposureOf does, for the order's key or number); the shipment counts instead
  const exposure = exposureOf({ ...order, lines: [], totals: { ...order.totals, payable: base.shipmentValue } }, master, customer);
  const money = (n: number) => formatMoney(toMinor(n, exposure.currency), exposure.currency);
  const who = `customer ${customer.id}`;
  const findings: Finding[] = [];
  if (customer.blocked) findings.push({ outcome: "hold", reason: `${who} is blocked: ${note} may not leave on its account` });
  if (value === 0) {
    findings.push({ outcome: "ok", reason: `${note} is invoiced at nothing (${formatMoney(0, order.currency)}): it adds no exposure` });
    return toDecision(findings, base, exposure);
  }
  const day = dayOf(at);
  for (const item of master.openItems.get(customer.id) ?? []) {
    const days = overdueDays(item, customer.graceDays, day);
    if (days === 0) continue;
    findings.push({ outcome: "hold", reason: `invoice ${item.document} of ${money(item.amount)} was due ${dayOf(item.dueDate!)} and is ${days} days overdue on ${day} (grace ${customer.graceDays} days): ${note} waits until it is paid` });
  }
  const parts = `(${breakdown(exposure)})`;
  if (order.currency !== customer.currency && exposure.limit !== null) {
    findings.push({ outcome: "hold", reason: `${note} is in ${order.currency} and cannot be weighed against ${who}'s credit line of ${money(exposure.limit)} without an exchange rate` });
  } else if (exposure.limit === null) {
    findings.push({ outcome: "ok", reason: `${who} has no credit limit; exposure ${money(exposure.total)} with this shipment ${parts}` });
  } else if (toMinor(exposure.total, exposure.currency) > toMinor(exposure.limit, exposure.currency)) {
    const what = exposure.limit === 0 ? `pays in advance (credit limit 0): ${note} waits for prepayment of` : `exposure with this shipment is`;
    findings.push({ outcome: "hold", reason: `${who} ${what} ${money(exposure.total)}${exposure.limit === 0 ? "" : `, over the limit of ${money(exposure.limit)}`} ${parts}` });
  } else {
    findings.push({ outcome: "ok", reason: `${who} exposure with this shipment ${money(exposure.total)} is within the limit of ${money(exposure.limit)} ${parts}` });
  }
  return toDecision(findings, base, exposure);
}

function toDecision(findings: Finding[], base: Pick<ShipmentCreditDecision, "deliveryNote" | "shipmentValue" | "currency">, exposure: Exposure): ShipmentCreditDecision {
  const { outcome, reasons } = decide(NODE, findings);
  return { outcome: outcome === "ok" ? "ship" : "hold", reasons, ...base, exposure };
}
