import type { MasterIndex } from "../master/master-index";
import type { Customer, Item, PartialDelivery, Reservation } from "../master/types";
import { orderKey, type CanonicalOrder, type OrderLine } from "./canonical-order";
import { cloneStock, roundQuantity, stockOf, type Stock } from "./atp-ledger";
import { canCompleteOn, candidateDays, completeOn, earliestComplete, partOn, wholeOn, type Promising } from "./atp-promise";
import { addDays, dayOf, laterDay } from "./dates";
import { allLines, customerOf, decide, formatQuantity, lineName, type AtpDecision, type AtpLine, type Confirmation, type Finding } from "./decision";

/**
 * atp-check: what can be promised for each line, when, and from which warehouse. Lines are promised in order, each
 * from what the ones before it left. A line goes whole to the first warehouse (in strategy order) that has it free on
 * the requested date. Otherwise, by the customer's partial-delivery policy:
 * - `allowed`: what is free that day, split across warehouses, and the rest complete on the earliest later date;
 * - `complete-lines`: the line complete on the earliest date it can be (the policy for a customer the master lacks);
 * - `complete-order`: every line on the earliest date the whole order is complete, at the latest requested date.
 * Past all supply, the item's lead time from the evaluation date confirms the rest (atp-promise.ts). A later date is a
 * confirmation, not a problem: the outcome is ok whenever ATP confirms, except that a rush order it cannot serve on
 * its requested date needs approval.
 */

interface Request {
  line: OrderLine;
  item: Item;
  /** The date the order asks for. */
  wanted: string;
  /** The date promised against: the wanted one, or the evaluation date when that has passed. */
  requested: string;
}

/** The warehouses in strategy order: by priority, `nearest` the customer's region first; warehouses the master lacks but the stock names last. */
function warehouseOrder(master: MasterIndex, stock: Stock, customer: Customer | undefined): string[] {
  const all = [...master.warehouses.map((w) => w.id), ...[...stock.keys()].filter((w) => !master.warehouseById.has(w)).sort()];
  const region = customer?.region;
  if (master.settings.warehouseStrategy !== "nearest" || region === undefined) return all;
  const near = all.filter((w) => master.warehouseById.get(w)?.region === region);
  return [...near, ...all.filter((w) => !near.includes(w))];
}

function promisingFor(request: Request, stocks: Map<string, Stock>, master: MasterIndex, customer: Customer | undefined, at: string): Promising {
  const stock = stocks.get(request.item.sku)!;
  const warehouses = warehouseOrder(master, stock, customer);
  return {
    stock,
    warehouses,
    fewestSplits: master.settings.warehouseStrategy === "fewest-splits",
    leadTimeDay: addDays(at, request.item.leadTimeDays),
    leadTimeWarehouse: warehouses[0],
  };
}

function promiseLine(p: Promising, r: Request, policy: PartialDelivery): Confirmation[] {
  const quantity = r.line.quantity;
  const whole = wholeOn(p, r.requested, quantity);
  if (whole) return whole;
  if (policy !== "allowed") return earliestComplete(p, r.requested, quantity, true) ?? [];
  if (canCompleteOn(p, r.requested, quantity)) return completeOn(p, r.requested, quantity)!;
  const parts = partOn(p, r.requested, quantity);
  const rest = roundQuantity(quantity - parts.reduce((sum, c) => sum + c.quantity, 0));
  return [...parts, ...(earliestComplete(p, r.requested, rest, false) ?? [])];
}

/** Every line complete on one date: the earliest, from the latest requested date on, on which all of them can be. */
function promiseCompleteOrder(requests: Request[], stocks: Map<string, Stock>, promising: (r: Request, s: Map<string, Stock>) => Promising): Confirmation[][] {
  if (requests.length === 0) return [];
  const from = requests.map((r) => r.requested).reduce(laterDay);
  const days = [...new Set(requests.flatMap((r) => candidateDays(promising(r, stocks), from, true)))].sort();
  for (const day of days) {
    const trial = new Map([...stocks].map(([sku, stock]) => [sku, cloneStock(stock)]));
    const confirmed = requests.map((r) => completeOn(promising(r, trial), day, r.line.quantity));
    if (confirmed.every((c) => c !== undefined)) {
      for (const [sku, stock] of trial) stocks.set(sku, stock);
      return confirmed as Confirmation[][];
    }
  }
  return requests.map(() => []);
}

/** Confirmations of one date, warehouse and source as one. */
function merged(confirmations: Confirmation[]): Confirmation[] {
  const byKey = new Map<string, Confirmation>();
  for (const c of confirmations) {
    const key = `${c.date}\u0000${c.warehouse}\u0000${c.source}`;
    const seen = byKey.get(key);
    if (seen) seen.quantity = roundQuantity(seen.quantity + c.quantity);
    else byKey.set(key, { ...c });
  }
  return [...byKey.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

const onTime = (line: AtpLine) => roundQuantity(line.confirmations.filter((c) => c.date === line.requestedDate).reduce((s, c) => s + c.quantity, 0));

function describe(c: Confirmation, item: Item): string {
  const how = c.source === "lead-time" ? ` after the ${item.leadTimeDays}-day lead time` : "";
  return `${formatQuantity(c.quantity)} on ${c.date} from ${c.warehouse}${how}`;
}

function lineFindings(r: Request, line: AtpLine, rush: boolean, at: string): Finding[] {
  const findings: Finding[] = [];
  const served = onTime(line);
  const whole = line.confirmations.length === 1 && served === line.quantity && line.confirmations[0].source === "supply";
  if (!whole) {
    const past = r.wanted < r.requested ? ` (already past on ${dayOf(at)})` : "";
    const parts = line.confirmations.map((c) => describe(c, r.item)).join(", ");
    findings.push({ outcome: "ok", reason: `${lineName(line)}: ${formatQuantity(line.quantity)} wanted on ${r.wanted}${past} — ${parts}` });
  }
  if (rush && served < line.quantity) {
    const later = line.confirmations.filter((c) => c.date !== line.requestedDate).map((c) => c.date);
    const rest = later.length ? `; the rest from ${later[0]}` : "";
    findings.push({ outcome: "approval", reason: `rush order: ${lineName(line)} cannot be served in full on ${line.requestedDate} (${formatQuantity(served)} of ${formatQuantity(line.quantity)} then${rest})` });
  }
  return findings;
}

/** The lines ATP can promise, with their dates; findings for those it cannot (an unknown item) or need not (nothing ordered). */
function requestsOf(order: CanonicalOrder, master: MasterIndex, day: string, findings: Finding[]): Map<OrderLine, Request> {
  const requests = new Map<OrderLine, Request>();
  for (const line of order.lines) {
    const item = master.items.get(line.sku);
    if (!item) findings.push({ outcome: "reject", reason: `${lineName(line)}: the item is not in the item master, nothing can be promised` });
    else if (!(line.quantity > 0)) findings.push({ outcome: "ok", reason: `${lineName(line)}: ${formatQuantity(line.quantity)} ordered, nothing to promise` });
    else {
      const wanted = dayOf(line.requestedDate ?? order.requestedDelivery?.date ?? day);
      requests.set(line, { line, item, wanted, requested: laterDay(wanted, day) });
    }
  }
  return requests;
}

const listed = (names: string[]) => (names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : (names[0] ?? ""));

function summary(lines: AtpLine[], policy: PartialDelivery, customer: Customer | undefined, findings: Finding[]): Finding[] {
  if (policy === "complete-order" && lines.some((l) => l.confirmations.some((c) => c.date !== l.requestedDate))) {
    const date = lines.flatMap((l) => l.confirmations.map((c) => c.date))[0];
    return [{ outcome: "ok", reason: `customer ${customer!.id} takes complete orders only: every line is confirmed for ${date}, when the whole order can be` }];
  }
  if (findings.every((f) => f.outcome === "ok") && lines.every((l) => onTime(l) === l.quantity)) {
    const from = listed([...new Set(lines.flatMap((l) => l.confirmations.map((c) => c.warehouse)))]);
    return [{ outcome: "ok", reason: `${allLines(lines.length)} confirmed in full on the requested date${from ? ` from ${from}` : ""}` }];
  }
  return [];
}

/**
 * A consignment issue: the customer used goods already at its site, and the site's ledger took the quantity when the
 * order was accepted (docs/SETTLEMENT.md, "Consignment"). Each line is confirmed in full on the evaluation date from the
 * site; no warehouse stock is promised or reserved.
 */
function consignmentIssue(order: CanonicalOrder, master: MasterIndex, day: string): AtpDecision {
  const site = order.shipTo?.id ?? order.shipTo?.name ?? "the customer's consignment site";
  const findings: Finding[] = [];
  const lines: AtpLine[] = order.lines.map((line) => {
    const known = master.items.has(line.sku);
    if (!known) findings.push({ outcome: "reject", reason: `${lineName(line)}: the item is not in the item master, nothing can be promised` });
    const confirmations: Confirmation[] = known && line.quantity > 0 ? [{ quantity: line.quantity, date: day, warehouse: site, source: "consignment" }] : [];
    return { lineNumber: line.lineNumber, sku: line.sku, quantity: line.quantity, requestedDate: day, confirmations };
  });
  if (findings.length === 0) findings.push({ outcome: "ok", reason: `consignment issue: ${allLines(lines.length)} used at site ${site}, confirmed in full from our goods there` });
  return { rule: "atp", ...decide("atp-check", findings), lines };
}

export function atpCheck(order: CanonicalOrder, master: MasterIndex, at: string): AtpDecision {
  const day = dayOf(at);
  if (order.orderType === "consignment-issue") return consignmentIssue(order, master, day);
  const customer = customerOf(order, master);
  const policy: PartialDelivery = customer?.partialDelivery ?? "complete-lines";
  const findings: Finding[] = [];
  const requests = requestsOf(order, master, day, findings);
  const stocks = new Map<string, Stock>();
  for (const { item } of requests.values()) if (!stocks.has(item.sku)) stocks.set(item.sku, stockOf(item.sku, master, day, orderKey(order)));
  const promising = (r: Request, s: Map<string, Stock>) => promisingFor(r, s, master, customer, day);
  const confirmed = new Map<OrderLine, Confirmation[]>();
  if (policy === "complete-order") {
    const all = [...requests.values()];
    promiseCompleteOrder(all, stocks, promising).forEach((c, i) => confirmed.set(all[i].line, c));
  } else {
    for (const r of requests.values()) confirmed.set(r.line, promiseLine(promising(r, stocks), r, policy));
  }
  const lines: AtpLine[] = order.lines.map((line) => {
    const r = requests.get(line);
    const confirmations = merged(confirmed.get(line) ?? []);
    if (r && confirmations.length === 0) findings.push({ outcome: "hold", reason: `${lineName(line)}: no warehouse in the master data to promise from` });
    return { lineNumber: line.lineNumber, sku: line.sku, quantity: line.quantity, requestedDate: r?.requested ?? day, confirmations };
  });
  lines.forEach((line, i) => {
    const r = requests.get(order.lines[i]);
    if (r && line.confirmations.length > 0) findings.push(...lineFindings(r, line, order.orderType === "rush", at));
  });
  return { rule: "atp", ...decide("atp-check", [...summary(lines, policy, customer, findings), ...findings]), lines };
}

/** The reservations releasing the order writes: one per confirmation, lead-time ones included (what replenishment must cover). */
export function reservationsFromConfirmations(order: CanonicalOrder, decision: Pick<AtpDecision, "lines">): Reservation[] {
  const key = orderKey(order);
  return decision.lines.flatMap((line) =>
    line.confirmations.filter((c) => c.source !== "consignment").map((c) => ({ sku: line.sku, warehouse: c.warehouse, quantity: c.quantity, date: c.date, order: key })),
  );
}
