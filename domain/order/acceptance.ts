import { buyerIdentity, type CanonicalOrder, type OrderLine } from "./canonical-order";

/**
 * The order desk's first look at an order that parsed: does it make sense as a business document? Shape is the
 * schema's job; this checks what a clerk would question before anything is booked. Pure: no clock, no store.
 */

export interface Problem {
  /** Where, in the canonical order: "lines[2].quantity", "totals.payable". */
  path: string;
  message: string;
}

export interface AcceptanceDecision {
  accepted: boolean;
  problems: Problem[];
}

/** Rounding slack for amounts: a cent per line, as documents round line by line. */
const CENT = 0.01;

const money = (n: number) => n.toFixed(2);
const lineName = (l: OrderLine) => `line ${l.lineNumber} (${l.sku})`;

function lineProblems(order: CanonicalOrder): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  order.lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    if (seen.has(line.lineNumber)) problems.push({ path: `${at}.lineNumber`, message: `line number ${line.lineNumber} appears more than once` });
    seen.add(line.lineNumber);
    if (!(line.quantity > 0)) {
      problems.push({ path: `${at}.quantity`, message: `${lineName(line)}: quantity ${line.quantity} — a line must order a positive quantity` });
    }
    if (line.unitPrice !== undefined && line.unitPrice < 0) {
      problems.push({ path: `${at}.unitPrice`, message: `${lineName(line)}: unit price ${money(line.unitPrice)} ${order.currency} is negative` });
    }
    if (line.requestedDate && line.requestedDate.slice(0, 10) < order.issueDate.slice(0, 10)) {
      problems.push({ path: `${at}.requestedDate`, message: `${lineName(line)}: requested date ${line.requestedDate} is before the order date ${order.issueDate}` });
    }
  });
  return problems;
}

function totalProblems(order: CanonicalOrder): Problem[] {
  const problems: Problem[] = [];
  const { totals } = order;
  const amounts = order.lines.map((l) => l.lineAmount);
  if (amounts.every((a): a is number => a !== undefined)) {
    const sum = amounts.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - totals.lineTotal) > CENT * Math.max(1, order.lines.length)) {
      problems.push({
        path: "totals.lineTotal",
        message: `line total ${money(totals.lineTotal)} ${order.currency} does not match the sum of the lines ${money(sum)} ${order.currency}`,
      });
    }
  }
  // Buyers state the payable amount with or without tax on an order; either is a consistent document.
  const net = totals.lineTotal - totals.allowanceTotal + totals.chargeTotal;
  const expected = net + totals.taxTotal;
  const slack = CENT * Math.max(1, order.lines.length);
  if (Math.abs(expected - totals.payable) > slack && Math.abs(net - totals.payable) > slack) {
    problems.push({
      path: "totals.payable",
      message: `payable ${money(totals.payable)} ${order.currency} does not match lines ${money(totals.lineTotal)} − allowances ${money(totals.allowanceTotal)} + charges ${money(totals.chargeTotal)} + tax ${money(totals.taxTotal)} = ${money(expected)} (or ${money(net)} before tax)`,
    });
  }
  return problems;
}

function dateProblems(order: CanonicalOrder): Problem[] {
  const wanted = order.requestedDelivery?.date;
  if (wanted && wanted.slice(0, 10) < order.issueDate.slice(0, 10)) {
    return [{ path: "requestedDelivery.date", message: `requested delivery ${wanted} is before the order date ${order.issueDate}` }];
  }
  return [];
}

export function checkOrder(order: CanonicalOrder): AcceptanceDecision {
  // a cancellation names the order it takes back and may carry no lines (UBL OrderCancellation, JSON purpose cancel)
  const problems =
    order.lines.length === 0 && order.purpose !== "cancel"
      ? [{ path: "lines", message: `order ${order.orderNumber} has no lines` }]
      : [...lineProblems(order), ...totalProblems(order), ...dateProblems(order)];
  return { accepted: problems.length === 0, problems };
}

/** One sentence for logs, dead-letter headers and order.rejected events; it names the order by buyer, number and revision. */
export function describeProblems(order: Pick<CanonicalOrder, "orderNumber" | "revision"> & Partial<Pick<CanonicalOrder, "buyer">>, problems: Problem[]): string {
  const buyer = order.buyer ? buyerIdentity(order.buyer) : "";
  return `order ${order.orderNumber} rev ${order.revision}${buyer ? ` from buyer ${buyer}` : ""}: ${problems.map((p) => p.message).join("; ")}`;
}
