import { indexMasterData, type MasterIndex } from "../../domain/master/master-index";
import type { Customer, MasterData } from "../../domain/master/types";
import type { AllowanceCharge, CanonicalOrder, OrderLine } from "../../domain/order/canonical-order";
import type { ReleasedOrder } from "../../domain/fulfilment/delivery-note";
import { customer as masterCustomer } from "../fixtures/master/master-data";

/**
 * The books the fulfilment tests keep: a gear maker that also sells cereal bars to its canteen customers. Gear
 * housings (GH-100) and drive shafts (SH-200) are standard-rated (19 %), cereal bars (BAR-1) reduced (7 %). C-DE
 * (EUR, limit 10,000.00, 30 days net) is a German customer; C-AT an Austrian one invoiced without VAT (intra-community
 * supply, K); C-BLOCKED is blocked; C-CASH pays in advance.
 */
export const AT = "2026-06-01";

/** A class A customer: EUR, limit 10,000.00, 30 days net, 5 grace days. */
export const customer = (id: string, change: Partial<Customer> = {}): Customer => masterCustomer(id, { class: "A", ...change });

export function books(change?: (m: Required<MasterData>) => void): MasterIndex {
  const data: Required<MasterData> = {
    customers: [customer("C-DE"), customer("C-AT", { taxCategory: "K" }), customer("C-BLOCKED", { blocked: true }), customer("C-CASH", { creditLimit: 0 }), customer("C-FREE", { creditLimit: undefined })],
    items: [
      { sku: "GH-100", name: "gear housing", unit: "H87", productionMode: "MTS", leadTimeDays: 10 },
      { sku: "SH-200", name: "drive shaft", unit: "H87", productionMode: "MTS", leadTimeDays: 10, taxCategory: "S" },
      { sku: "BAR-1", name: "cereal bar", unit: "H87", productionMode: "MTS", leadTimeDays: 5, taxCategory: "AA" },
    ],
    priceLists: [],
    promotions: [],
    warehouses: [{ id: "WH-A", priority: 1 }, { id: "WH-B", priority: 2 }],
    supply: [],
    reservations: [],
    openItems: [],
    settings: {},
  };
  change?.(data);
  return indexMasterData(data);
}

export const line = (lineNumber: string, sku: string, quantity: number, unitPrice?: number, lineAmount?: number): OrderLine => ({
  lineNumber,
  sku,
  quantity,
  unit: "H87",
  ...(unitPrice !== undefined ? { unitPrice } : {}),
  ...(lineAmount !== undefined ? { lineAmount } : {}),
});

export function order(buyer: string, lines: OrderLine[], extra: { allowances?: AllowanceCharge[]; charges?: AllowanceCharge[]; orderNumber?: string; netDays?: number } = {}): CanonicalOrder {
  const lineTotal = lines.reduce((a, l) => a + (l.lineAmount ?? Math.round((l.unitPrice ?? 0) * l.quantity * 100) / 100), 0);
  const allowanceTotal = (extra.allowances ?? []).reduce((a, x) => a + x.amount, 0);
  const chargeTotal = (extra.charges ?? []).reduce((a, x) => a + x.amount, 0);
  return {
    orderNumber: extra.orderNumber ?? "PO-1",
    revision: 0,
    orderType: "standard",
    source: { system: "test", format: "json" },
    issueDate: "2026-05-20",
    currency: "EUR",
    buyer: { id: buyer, name: `Customer ${buyer}`, address: { street: "Hauptstraße 1", city: "Stuttgart", postalCode: "70173", country: "DE" } },
    seller: { id: "GEARWORKS", name: "Gearworks GmbH", taxId: "DE123456789" },
    ...(extra.netDays !== undefined ? { paymentTerms: { netDays: extra.netDays } } : {}),
    lines,
    allowances: extra.allowances ?? [],
    charges: extra.charges ?? [],
    totals: { lineTotal, allowanceTotal, chargeTotal, taxTotal: 0, payable: lineTotal - allowanceTotal + chargeTotal },
  };
}

export const keyOf = (o: CanonicalOrder) => `${o.buyer.id}/${o.orderNumber}/${o.revision}`;

/** The `order.released` of the order with ATP's confirmations `[lineNumber, quantity, warehouse, date?]`. */
export function released(o: CanonicalOrder, confirmations: Array<[string, number, string, string?]>): ReleasedOrder {
  return {
    orderKey: keyOf(o),
    orderNumber: o.orderNumber,
    revision: o.revision,
    buyer: o.buyer.id!,
    order: o,
    confirmations: confirmations.map(([lineNumber, quantity, warehouse, date]) => ({
      lineNumber,
      sku: o.lines.find((l) => l.lineNumber === lineNumber)!.sku,
      quantity,
      warehouse,
      date: date ?? AT,
      source: "supply" as const,
    })),
  };
}
