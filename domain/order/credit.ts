import type { MasterIndex } from "../master/master-index";
import type { Customer } from "../master/types";
import type { CanonicalOrder } from "./canonical-order";
import { overdueDays } from "./credit-release";
import { dayOf } from "./dates";
import { customerName, customerOf, decide, namesThisOrder, type CreditDecision, type Exposure, type ExposureItem, type Finding } from "./decision";
import { listPrice } from "./list-price";
import { formatAmount, formatMoney, fromMinor, toMinor } from "./money";

export { applyPayment, overdueDays, releasableOrders, type HeldOrder, type Payment } from "./credit-release";

/**
 * credit-check: does the order fit the customer's credit line? Exposure = open invoices (AR) + open orders not yet
 * delivered + delivered not invoiced + this order's payable amount, item by item, in the customer's currency. A
 * blocked customer is rejected; an invoice past its due date plus the customer's grace days holds the order, and so
 * does an exposure over the limit. No `creditLimit`: no limit. A limit of 0: cash in advance, any exposure holds.
 */

/**
 * What the order adds to the exposure, in minor units of the customer's currency: its payable amount, and lines
 * without a price at their list price.
 */
function thisOrderMinor(order: CanonicalOrder, master: MasterIndex, customer: Customer): { minor: number; atList: number } {
  let minor = toMinor(order.totals.payable, order.currency);
  let atList = 0;
  for (const line of order.lines) {
    if (line.unitPrice !== undefined || line.lineAmount !== undefined || !(line.quantity > 0)) continue;
    const price = listPrice({ sku: line.sku, quantity: line.quantity, currency: order.currency, day: dayOf(order.issueDate), customer }, master);
    if (!price) continue;
    minor += toMinor(price.unitPrice * line.quantity, order.currency);
    atList += 1;
  }
  return { minor: toMinor(fromMinor(minor, order.currency), customer.currency), atList };
}

const KINDS = { invoice: "openInvoices", "open-order": "openOrders", "delivered-not-invoiced": "deliveredNotInvoiced" } as const;

/** The customer's exposure with this order, item by item. */
export function exposureOf(order: CanonicalOrder, master: MasterIndex, customer: Customer): Exposure {
  return exposureWith(order, master, customer, thisOrderMinor(order, master, customer).minor);
}

function exposureWith(order: CanonicalOrder, master: MasterIndex, customer: Customer, thisOrder: number): Exposure {
  const currency = customer.currency;
  const sums = { openInvoices: 0, openOrders: 0, deliveredNotInvoiced: 0 };
  const items: ExposureItem[] = [];
  for (const item of master.openItems.get(customer.id) ?? []) {
    if (item.type === "open-order" && namesThisOrder(order, item.document)) continue;
    const minor = toMinor(item.amount, currency);
    sums[KINDS[item.type]] += minor;
    items.push({ type: item.type, document: item.document, amount: fromMinor(minor, currency), ...(item.dueDate ? { dueDate: item.dueDate } : {}) });
  }
  items.push({ type: "this-order", document: order.orderNumber, amount: fromMinor(thisOrder, currency) });
  const total = sums.openInvoices + sums.openOrders + sums.deliveredNotInvoiced + thisOrder;
  const major = (minor: number) => fromMinor(minor, currency);
  return {
    currency,
    openInvoices: major(sums.openInvoices),
    openOrders: major(sums.openOrders),
    deliveredNotInvoiced: major(sums.deliveredNotInvoiced),
    thisOrder: major(thisOrder),
    total: major(total),
    limit: customer.creditLimit === undefined ? null : major(toMinor(customer.creditLimit, currency)),
    items,
  };
}

const roundMinor = (amount: number, currency: string) => fromMinor(toMinor(amount, currency), currency);

/** "open AR 60,000.00 + open orders 40,000.00 + this order 15,000.00": the parts that are not zero, and this order. */
function breakdown(e: Exposure): string {
  const amount = (n: number) => formatAmount(toMinor(n, e.currency), e.currency);
  const parts: Array<[string, number]> = [["open AR", e.openInvoices], ["open orders", e.openOrders], ["delivered not invoiced", e.deliveredNotInvoiced]];
  return [...parts.filter(([, n]) => n !== 0), ["this order", e.thisOrder] as [string, number]].map(([name, n]) => `${name} ${amount(n)}`).join(" + ");
}

function limitFindings(order: CanonicalOrder, customer: Customer, e: Exposure, atList: number): Finding[] {
  const money = (n: number) => formatMoney(toMinor(n, e.currency), e.currency);
  const who = `customer ${customer.id}`;
  const parts = `(${breakdown(e)}${atList ? `; ${atList} line${atList > 1 ? "s" : ""} without a price at list price` : ""})`;
  if (order.currency !== customer.currency) {
    const before = money(roundMinor(e.total - e.thisOrder, e.currency));
    if (e.limit !== null) {
      return [{ outcome: "hold", reason: `order in ${order.currency} cannot be weighed against ${who}'s credit line of ${money(e.limit)} without an exchange rate (exposure ${before} before it)` }];
    }
    return [{ outcome: "ok", reason: `${who} has no credit limit; exposure ${before} before this order in ${order.currency}, counted at face value for want of an exchange rate` }];
  }
  if (e.limit === null) return [{ outcome: "ok", reason: `${who} has no credit limit; exposure ${money(e.total)} ${parts}` }];
  if (e.limit === 0 && e.total > 0) {
    return [{ outcome: "hold", reason: `${who} pays in advance (credit limit 0): exposure ${money(e.total)} ${parts} waits for prepayment` }];
  }
  if (toMinor(e.total, e.currency) > toMinor(e.limit, e.currency)) {
    return [{ outcome: "hold", reason: `${who} exposure ${money(e.total)} exceeds limit ${money(e.limit)} ${parts}` }];
  }
  return [{ outcome: "ok", reason: `${who} exposure ${money(e.total)} is within limit ${money(e.limit)} ${parts}` }];
}

function overdueFindings(master: MasterIndex, customer: Customer, at: string): Finding[] {
  const day = dayOf(at);
  return (master.openItems.get(customer.id) ?? []).flatMap((item): Finding[] => {
    const days = overdueDays(item, customer.graceDays, day);
    if (days === 0) return [];
    const amount = formatMoney(toMinor(item.amount, customer.currency), customer.currency);
    const reason = `invoice ${item.document} of ${amount} was due ${dayOf(item.dueDate!)} and is ${days} days overdue on ${day} (grace ${customer.graceDays} days): customer ${customer.id}'s orders wait until it is paid`;
    return [{ outcome: "hold", reason }];
  });
}

export function creditCheck(order: CanonicalOrder, master: MasterIndex, at: string): CreditDecision {
  const customer = customerOf(order, master);
  if (!customer) {
    const reason = `customer ${customerName(order)} is not in the customer master: there is no credit account to check the order against`;
    return { rule: "credit", ...decide("credit-check", [{ outcome: "reject", reason }]) };
  }
  const thisOrder = thisOrderMinor(order, master, customer);
  const exposure = exposureWith(order, master, customer, thisOrder.minor);
  const findings: Finding[] = [];
  if (customer.blocked) findings.push({ outcome: "reject", reason: `customer ${customer.id} is blocked: no order can be taken on its account` });
  findings.push(...overdueFindings(master, customer, at));
  findings.push(...limitFindings(order, customer, exposure, thisOrder.atList));
  return { rule: "credit", ...decide("credit-check", findings), exposure };
}
