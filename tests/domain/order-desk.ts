import { indexMasterData, type MasterIndex } from "../../domain/master/master-index";
import type { Customer, Item, MasterData } from "../../domain/master/types";
import type { CanonicalOrder, OrderLine } from "../../domain/order/canonical-order";

/**
 * The order desk's world for the rule tables: one customer in good standing (C-1001, class A, CNY, a credit line of
 * 100,000.00, 30 days' terms, 10 grace days, reps R-1 and R-2, partial delivery allowed, region east), three items,
 * the general price list of 2026, two warehouses. Each table changes what its case is about.
 */

export const AT = "2026-11-20";

export function customer(change: Partial<Customer> = {}): Customer {
  return {
    id: "C-1001",
    name: "Huadong Gear Works",
    class: "A",
    currency: "CNY",
    creditLimit: 100_000,
    paymentTermsDays: 30,
    graceDays: 10,
    blocked: false,
    salesReps: ["R-1", "R-2"],
    partialDelivery: "allowed",
    region: "east",
    ...change,
  };
}

export function item(sku: string, change: Partial<Item> = {}): Item {
  return { sku, name: `item ${sku}`, unit: "H87", productionMode: "MTS", leadTimeDays: 30, ...change };
}

export function baseMaster(): Required<MasterData> {
  return {
    customers: [customer()],
    items: [
      item("GH-100", { name: "gear housing", basePrice: 80, maxDiscountPercent: 10 }),
      item("SH-200", { name: "drive shaft", leadTimeDays: 14 }),
      item("KC-1", { name: "key chain", leadTimeDays: 5 }),
    ],
    priceLists: [
      {
        id: "GEN-2026",
        currency: "CNY",
        validFrom: "2026-01-01",
        prices: [
          { sku: "GH-100", minQuantity: 1, unitPrice: 100 },
          { sku: "GH-100", minQuantity: 50, unitPrice: 95 },
          { sku: "GH-100", minQuantity: 100, unitPrice: 90 },
          { sku: "SH-200", minQuantity: 1, unitPrice: 50 },
          { sku: "KC-1", minQuantity: 1, unitPrice: 5 },
        ],
      },
    ],
    promotions: [],
    warehouses: [
      { id: "WH-NORTH", priority: 1, region: "north" },
      { id: "WH-EAST", priority: 2, region: "east" },
    ],
    supply: [],
    reservations: [],
    openItems: [],
    settings: {},
  };
}

/** The master index of the base world after `change`. */
export function master(change: (m: Required<MasterData>) => void = () => undefined): MasterIndex {
  const data = baseMaster();
  change(data);
  return indexMasterData(data);
}

export function line(lineNumber: string, sku: string, quantity: number, unitPrice?: number, change: Partial<OrderLine> = {}): OrderLine {
  const l: OrderLine = { lineNumber, sku, quantity, unit: "H87", ...change };
  if (unitPrice !== undefined) {
    l.unitPrice = unitPrice;
    l.lineAmount = Math.round(unitPrice * quantity * 100) / 100;
  }
  return l;
}

/** An order of C-1001 dated 2026-11-10 in CNY; its totals add up from its lines (plus allowances). */
export function order(lines: OrderLine[], change: (o: CanonicalOrder) => void = () => undefined): CanonicalOrder {
  const o: CanonicalOrder = {
    orderNumber: "PO-4711",
    revision: 0,
    orderType: "standard",
    source: { system: "CRM", format: "json" },
    issueDate: "2026-11-10",
    currency: "CNY",
    buyer: { id: "C-1001", name: "Huadong Gear Works" },
    requestedDelivery: { date: "2026-12-01" },
    lines,
    allowances: [],
    charges: [],
    totals: { lineTotal: 0, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: 0 },
  };
  change(o);
  const lineTotal = o.lines.reduce((sum, l) => sum + (l.lineAmount ?? 0), 0);
  const allowanceTotal = o.allowances.reduce((sum, a) => sum + a.amount, 0);
  o.totals = { lineTotal, allowanceTotal, chargeTotal: 0, taxTotal: 0, payable: Math.round((lineTotal - allowanceTotal) * 100) / 100 };
  return o;
}
