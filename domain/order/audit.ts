import type { MasterIndex } from "../master/master-index";
import type { Customer } from "../master/types";
import type { CanonicalOrder } from "./canonical-order";
import { dayOf } from "./dates";
import { allLines, customerName, customerOf, decide, formatQuantity, lineName, type AuditDecision, type Finding } from "./decision";
import { formatMoney, formatPercent, toMinor } from "./money";
import { giftLines, isActive, type GiftLine } from "./promotions";

/**
 * order-audit: would the order desk book this order as it stands? An unknown customer or item cannot be booked
 * (reject); what departs from the customer's agreement — a sales rep not authorised for it, longer payment terms,
 * another currency, a gift or a discount no active promotion covers — needs someone's approval.
 */

/** The sales rep an order names; the canonical order carries it where the document has one. */
function salesRepOf(order: CanonicalOrder): string | undefined {
  return (order as { salesRep?: string }).salesRep || undefined;
}

function agreementFindings(order: CanonicalOrder, customer: Customer): Finding[] {
  const findings: Finding[] = [];
  const rep = salesRepOf(order);
  if (rep !== undefined && !customer.salesReps.includes(rep)) {
    const authorised = customer.salesReps.length ? `authorised: ${customer.salesReps.join(", ")}` : "no sales rep is authorised for it";
    findings.push({ outcome: "approval", reason: `sales rep ${rep} is not authorised for customer ${customer.id} (${authorised})` });
  }
  const netDays = order.paymentTerms?.netDays;
  if (netDays !== undefined && netDays > customer.paymentTermsDays) {
    findings.push({ outcome: "approval", reason: `payment terms of ${netDays} days net are longer than customer ${customer.id}'s ${customer.paymentTermsDays} days` });
  }
  if (order.currency !== customer.currency) {
    findings.push({ outcome: "approval", reason: `order in ${order.currency}, but customer ${customer.id} buys in ${customer.currency}` });
  }
  return findings;
}

function giftFinding(gift: GiftLine, day: string): Finding {
  const { line, promotion } = gift;
  const free = `${lineName(line)} gives ${formatQuantity(line.quantity)} free of charge`;
  if (!promotion) return { outcome: "approval", reason: `${free}, but no promotion active on ${day} gives ${line.sku} away` };
  const { quantity, per } = promotion.gift!;
  const terms = `${formatQuantity(quantity)} per ${formatQuantity(per.quantity)} × ${per.sku}, ${formatQuantity(gift.paidQuantity)} ordered`;
  if (gift.covered) return { outcome: "ok", reason: `${free} under promotion ${promotion.id} (${terms})` };
  const earlier = gift.givenBefore ? `; ${formatQuantity(gift.givenBefore)} already free on earlier lines` : "";
  const left = Math.max(0, gift.allowance - gift.givenBefore);
  return { outcome: "approval", reason: `${free}, but promotion ${promotion.id} covers ${formatQuantity(left)} more (${terms}${earlier})` };
}

/** Every allowance must be a coupon of an active promotion, within its value, redeemed once: any other discount the buyer takes needs approval. */
function allowanceFindings(order: CanonicalOrder, master: MasterIndex): Finding[] {
  const day = dayOf(order.issueDate);
  const money = (amount: number) => formatMoney(toMinor(amount, order.currency), order.currency);
  const redeemed = new Set<string>();
  return order.allowances.flatMap((allowance): Finding[] => {
    const taken = `allowance of ${money(allowance.amount)}${allowance.reason ? ` (${allowance.reason})` : ""}`;
    const code = allowance.code;
    if (!code) return [{ outcome: "approval", reason: `${taken} names no coupon: a discount the buyer takes itself needs approval` }];
    const promotions = master.coupons.get(code) ?? [];
    if (promotions.length === 0) return [{ outcome: "approval", reason: `${taken} names coupon ${code}, which no promotion offers` }];
    const active = promotions.find((p) => isActive(p, day));
    if (!active) {
      const p = promotions[0];
      return [{ outcome: "approval", reason: `${taken}: coupon ${code} (promotion ${p.id}) is not valid on ${day} (valid ${dayOf(p.validFrom)} to ${dayOf(p.validTo)})` }];
    }
    if (redeemed.has(code)) return [{ outcome: "approval", reason: `${taken}: coupon ${code} is redeemed more than once on this order` }];
    redeemed.add(code);
    const coupon = active.coupon!;
    const limit =
      coupon.amount !== undefined ? toMinor(coupon.amount, order.currency)
      : coupon.percent !== undefined ? toMinor((order.totals.lineTotal * coupon.percent) / 100, order.currency)
      : undefined;
    if (limit !== undefined && toMinor(allowance.amount, order.currency) > limit) {
      const worth = coupon.amount !== undefined ? formatMoney(limit, order.currency) : `${formatPercent(coupon.percent!)} of the lines, ${formatMoney(limit, order.currency)}`;
      return [{ outcome: "approval", reason: `${taken}: coupon ${code} (promotion ${active.id}) is worth ${worth}` }];
    }
    return [{ outcome: "ok", reason: `${taken} redeems coupon ${code} of promotion ${active.id}` }];
  });
}

export function orderAudit(order: CanonicalOrder, master: MasterIndex, _at: string): AuditDecision {
  const customer = customerOf(order, master);
  const findings: Finding[] = [];
  if (!customer) {
    findings.push({ outcome: "reject", reason: `customer ${customerName(order)} is not in the customer master: the order cannot be booked to an unknown customer` });
  }
  const unknown = order.lines.filter((l) => !master.items.has(l.sku));
  for (const line of unknown) findings.push({ outcome: "reject", reason: `line ${line.lineNumber} orders SKU ${line.sku}, which is not in the item master` });
  if (customer) findings.push(...agreementFindings(order, customer));
  const day = dayOf(order.issueDate);
  findings.push(...giftLines(order, master).map((g) => giftFinding(g, day)));
  findings.push(...allowanceFindings(order, master));
  if (findings.every((f) => f.outcome === "ok")) {
    const lines = allLines(order.lines.length, "item");
    findings.unshift({ outcome: "ok", reason: `customer ${customer!.id} (${customer!.name}) and ${lines} known; the order keeps to the customer's agreement` });
  }
  return { rule: "audit", ...decide("order-audit", findings) };
}
