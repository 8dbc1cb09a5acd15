import type { Customer, Item, Warehouse } from "../../domain/master/types";
import {
  CONSIGNMENT_KINDS,
  type ConsignmentKind,
  type ConsignmentMovement,
  type ConsignmentMovementInput,
  type ConsignmentStock,
  type SalesOrder,
} from "./documents";
import { ErpFault } from "./fault";

/**
 * The ERP's consignment books (docs/SETTLEMENT.md, "Consignment"): goods of ours standing at a customer's site until
 * the customer uses them. Per customer, site and item the books keep `consignment` (our goods at the site) and
 * `issued` (what the customer reported it used, now its own and billed):
 *
 * - `fill-up`: the goods leave our warehouse (on hand never below 0: the WMS shipped what it had, the ERP follows) and
 *   stand at the site, still ours;
 * - `issue`: the customer used them: off the site's consignment stock, onto what it was issued;
 * - `pickup`: unused goods come back from the site to our warehouse;
 * - `return`: goods the customer used come back to our warehouse, at most what was issued from that site.
 *
 * Each movement is a material document, booked once per the hub's reference (a repeat answers the first). A movement
 * that takes more than the site holds (or a return more than was issued) is refused whole, naming the figures.
 */

/** What consignment asks of the rest of the books. */
export interface ConsignmentBooks {
  customer(id: string, field: string): Customer;
  item(sku: string, field: string): Item;
  warehouse(id: string, field: string): Warehouse;
  /** Where the goods leave from or come back to when the movement names no warehouse: the first by priority. */
  firstWarehouse(): string;
  salesOrder(number: string): SalesOrder | undefined;
  /** Adds `quantity` to the stock on hand (a negative one takes it off, never below 0). */
  moveStock(sku: string, warehouse: string, quantity: number): void;
}

/** Quantities summed without binary drift (decimals of a kilogram or a metre). */
const qty = (n: number) => Math.round(n * 1e6) / 1e6;
const key = (customer: string, site: string, sku: string) => `${customer}|${site}|${sku}`;

export class Consignment {
  private movements = new Map<string, ConsignmentMovement>();
  private balances = new Map<string, ConsignmentStock>();
  private seq = 0;

  constructor(private readonly books: ConsignmentBooks) {}

  reset(): void {
    this.movements.clear();
    this.balances.clear();
    this.seq = 0;
  }

  /** A fill-up, issue, pick-up or return at a customer's site, once per external reference: all its lines or none. */
  post(input: ConsignmentMovementInput): { movement: ConsignmentMovement; created: boolean } {
    const existing = this.movements.get(input.externalReference);
    if (existing) return { movement: existing, created: false };
    const kinds: readonly string[] = CONSIGNMENT_KINDS;
    if (!kinds.includes(input.kind)) throw new ErpFault(`Kind: "${input.kind}" is not a kind of consignment movement (there are ${kinds.join(", ")})`);
    const kind = input.kind as ConsignmentKind;
    const customer = this.books.customer(input.customerNumber, "CustomerNumber").id;
    // an issue moves no warehouse stock; a warehouse it names must still be one of the ERP's
    const named = input.warehouse === undefined ? undefined : this.books.warehouse(input.warehouse, "Warehouse").id;
    if (input.salesOrderNumber !== undefined) {
      const order = this.books.salesOrder(input.salesOrderNumber);
      if (!order) throw new ErpFault(`SalesOrderNumber: sales order ${input.salesOrderNumber} does not exist`);
      if (order.customer !== customer) throw new ErpFault(`SalesOrderNumber: sales order ${order.salesOrderNumber} is customer ${order.customer}'s, not ${customer}'s`);
    }
    if (input.lines.length === 0) throw new ErpFault("Lines: a consignment movement needs at least one line");
    const seen = new Set<string>();
    const lines = input.lines.map((line, i) => {
      const lineNumber = line.lineNumber ?? String(i + 1);
      const at = `Lines.Line[${i}] (line ${lineNumber})`;
      if (seen.has(lineNumber)) throw new ErpFault(`Lines.Line[${i}]: line number ${lineNumber} appears twice`);
      seen.add(lineNumber);
      const item = this.books.item(line.sku, `${at}: Sku`);
      if (!(line.quantity > 0)) throw new ErpFault(`${at}: Quantity must be greater than 0 (is ${line.quantity})`);
      return { lineNumber, sku: item.sku, quantity: line.quantity };
    });
    // the document's total per item against the site's balance, before anything is booked
    const totals = new Map<string, number>();
    for (const l of lines) totals.set(l.sku, qty((totals.get(l.sku) ?? 0) + l.quantity));
    for (const [sku, quantity] of totals) this.check(kind, customer, input.site, sku, quantity);

    const warehouse = kind === "issue" ? undefined : (named ?? this.books.firstWarehouse());
    for (const [sku, quantity] of totals) {
      const b = this.balance(customer, input.site, sku);
      if (kind === "fill-up") b.consignment = qty(b.consignment + quantity);
      if (kind === "issue" || kind === "pickup") b.consignment = qty(b.consignment - quantity);
      if (kind === "issue") b.issued = qty(b.issued + quantity);
      if (kind === "return") b.issued = qty(b.issued - quantity);
      if (warehouse) this.books.moveStock(sku, warehouse, kind === "fill-up" ? -quantity : quantity);
    }
    const movement: ConsignmentMovement = {
      materialDocument: String(4_900_000_001 + this.seq++),
      externalReference: input.externalReference,
      kind,
      customer,
      site: input.site,
      ...(warehouse ? { warehouse } : {}),
      postingDate: input.postingDate,
      ...(input.salesOrderNumber ? { salesOrderNumber: input.salesOrderNumber } : {}),
      lines,
    };
    this.movements.set(movement.externalReference, movement);
    return { movement, created: true };
  }

  /** A customer's consignment stock (at one site when given), by site, then item. */
  stock(customerNumber: string, site?: string): ConsignmentStock[] {
    const customer = this.books.customer(customerNumber, "CustomerNumber").id;
    return this.sorted().filter((b) => b.customer === customer && (site === undefined || b.site === site));
  }

  snapshot(): { consignmentMovements: ConsignmentMovement[]; consignmentStock: ConsignmentStock[] } {
    return { consignmentMovements: [...this.movements.values()], consignmentStock: this.sorted() };
  }

  /** Refuses an issue or a pick-up beyond the site's consignment stock, a return beyond what the site issued. */
  private check(kind: ConsignmentKind, customer: string, site: string, sku: string, quantity: number): void {
    const b = this.balances.get(key(customer, site, sku)) ?? { consignment: 0, issued: 0 };
    if ((kind === "issue" || kind === "pickup") && quantity > b.consignment) {
      throw new ErpFault(`site ${site} of customer ${customer} holds ${b.consignment} of ${sku} on consignment; the ${kind === "issue" ? "issue" : "pick-up"} takes ${quantity}`);
    }
    if (kind === "return" && quantity > b.issued) {
      throw new ErpFault(`customer ${customer} used ${b.issued} of ${sku} from site ${site}; the return brings back ${quantity}`);
    }
  }

  private balance(customer: string, site: string, sku: string): ConsignmentStock {
    const k = key(customer, site, sku);
    let b = this.balances.get(k);
    if (!b) {
      b = { customer, site, sku, consignment: 0, issued: 0 };
      this.balances.set(k, b);
    }
    return b;
  }

  private sorted(): ConsignmentStock[] {
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return [...this.balances.values()].map((b) => ({ ...b })).sort((a, b) => order(a.customer, b.customer) || order(a.site, b.site) || order(a.sku, b.sku));
  }
}
