// The master data the order decisions read: customers, items, prices, promotions, warehouses, supply, reservations
// and open items, as the systems of record hand them over. Dates ISO 8601; amounts in the customer's currency.

import type { ProductionMode } from "../order/canonical-order";

/** How a customer takes delivery of what cannot all come at once. */
export type PartialDelivery = "allowed" | "complete-lines" | "complete-order";

export interface Customer {
  /** Our customer number: the buyer's `id` on its orders. */
  id: string;
  name: string;
  /** The customer class its class price list is kept under (A, B, distributor …). */
  class: string;
  currency: string;
  /** Absent: no credit limit. 0: cash in advance, any exposure waits for payment. */
  creditLimit?: number;
  paymentTermsDays: number;
  /** Days past an invoice's due date before it counts as overdue. */
  graceDays: number;
  blocked: boolean;
  /** The sales reps authorised to sell to the customer; a rep not listed here needs approval. */
  salesReps: string[];
  partialDelivery: PartialDelivery;
  /** Matched with a warehouse's region by the `nearest` warehouse strategy. */
  region?: string;
  /**
   * The tax category every line invoiced to the customer takes, where it is taxed unlike the items (UN/ECE 5305: AE
   * reverse charge, K intra-community supply, G export, E exempt). Absent: each item's own.
   */
  taxCategory?: string;
}

export interface Item {
  sku: string;
  name: string;
  unit: string;
  productionMode: ProductionMode;
  /** Days to make or buy the item: past all supply, ATP confirms at the evaluation date plus this. */
  leadTimeDays: number;
  /** Finance's floor price: an order priced below it needs approval. */
  basePrice?: number;
  /** The largest discount off the list price the order desk may grant without approval. */
  maxDiscountPercent?: number;
  /** The item's tax category on invoices (UN/ECE 5305: S standard, AA reduced, Z zero-rated …). Absent: S. */
  taxCategory?: string;
  /** Planning (domain/planning): how the item is supplied. Absent: make when it has a BOM, else buy. */
  source?: "make" | "buy" | "outsource";
  /** Planning: share of a planned order lost as scrap. */
  scrapRate?: number;
  /** Planning: stock MRP keeps on hand. */
  safetyStock?: number;
  /** Planning: lot-sizing rule (domain/planning/lot-sizing.ts). Absent: lot-for-lot. */
  lotSizing?: { rule: "lot-for-lot" | "fixed" | "period" | "min-max-multiple"; quantity?: number; periods?: number; min?: number; max?: number; multiple?: number };
  /** Planning: cost of one unit. */
  standardCost?: number;
  /** Planning: the supplier or subcontractor named on the item's suggestions. */
  supplier?: string;
}

/** A price break: from `minQuantity` on, the unit price is `unitPrice`. */
export interface PriceBreak {
  sku: string;
  minQuantity: number;
  unitPrice: number;
}

/** A customer's own list (`customer`), a customer class's list (`customerClass`), or the general list (neither). */
export interface PriceList {
  id: string;
  customer?: string;
  customerClass?: string;
  currency: string;
  validFrom: string;
  /** Inclusive; absent: open-ended. */
  validTo?: string;
  prices: PriceBreak[];
}

/** Buy `per.quantity` of `per.sku` on one order, get `quantity` of `sku` free. */
export interface GiftOffer {
  sku: string;
  quantity: number;
  per: { sku: string; quantity: number };
}

/** A coupon an order may redeem as an allowance with its `code`: a fixed amount off, or a percent off the lines. */
export interface CouponOffer {
  code: string;
  amount?: number;
  percent?: number;
}

export interface Promotion {
  id: string;
  validFrom: string;
  /** Inclusive. */
  validTo: string;
  gift?: GiftOffer;
  coupon?: CouponOffer;
}

export interface Warehouse {
  id: string;
  /** 1 ships first. */
  priority: number;
  region?: string;
}

export type SupplyType = "on-hand" | "in-transit" | "quality" | "purchase-order" | "requisition" | "production";

export const SUPPLY_TYPES: readonly SupplyType[] = ["on-hand", "in-transit", "quality", "purchase-order", "requisition", "production"];

/**
 * Stock and expected receipts of an item in a warehouse. On-hand stock is there now; the others count from their
 * `date` (an in-transit shipment's ETA, a purchase order's or a production order's due date).
 */
export interface Supply {
  sku: string;
  warehouse: string;
  type: SupplyType;
  quantity: number;
  date?: string;
}

/** Supply promised to a released order: `order` is that order's key (or number). */
export interface Reservation {
  sku: string;
  warehouse: string;
  quantity: number;
  date: string;
  order: string;
}

export type OpenItemType = "invoice" | "open-order" | "delivered-not-invoiced";

/** What a customer owes or has on order with us, in the customer's currency. A negative amount is a credit. */
export interface OpenItem {
  customer: string;
  type: OpenItemType;
  /** The invoice, order or delivery number. */
  document: string;
  amount: number;
  /** An invoice's due date. */
  dueDate?: string;
}

/** A company of the group, for inter-company orders (domain/settlement/intercompany.ts). */
export interface Company {
  id: string;
  name: string;
  /** The currency it invoices in. */
  currency: string;
  /** The WSDL address of its ERP, where its side's documents go; absent: the hub's own ERP. */
  erp?: string;
  /** The company whose warehouses the hub runs (through its WMS): an inter-company order it sells, the hub ships. */
  home?: boolean;
}

/** The group's price of an item that company `from` sells to company `to` (absent: to any company of the group). */
export interface TransferPrice {
  sku: string;
  from: string;
  to?: string;
  price: number;
  currency: string;
}

export type WarehouseStrategy = "priority" | "fewest-splits" | "nearest";

export interface Settings {
  /** The supply types ATP may promise from. */
  atpInclude: SupplyType[];
  /** A price within this percentage of the expected price is ok. */
  priceTolerancePercent: number;
  warehouseStrategy: WarehouseStrategy;
  /** The tax categories' rates on invoices, where they differ from domain/fulfilment/tax.ts's defaults (by id). */
  taxCategories?: TaxCategory[];
}

/** A tax category on invoices: its UN/ECE 5305 code, its rate, and why a zero-rated one is not taxed. */
export interface TaxCategory {
  id: string;
  percent: number;
  name?: string;
  exemptionReason?: string;
}

/**
 * The defaults. ATP promises from every supply type except requisitions: a requisition is a wish that no supplier has
 * accepted yet, and for what is not yet ordered the item's lead time is the honest promise.
 */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze<Settings>({
  atpInclude: ["on-hand", "in-transit", "quality", "purchase-order", "production"],
  priceTolerancePercent: 0.5,
  warehouseStrategy: "priority",
});

export function resolveSettings(settings: Partial<Settings> = {}): Settings {
  return {
    atpInclude: [...(settings.atpInclude ?? DEFAULT_SETTINGS.atpInclude)],
    priceTolerancePercent: settings.priceTolerancePercent ?? DEFAULT_SETTINGS.priceTolerancePercent,
    warehouseStrategy: settings.warehouseStrategy ?? DEFAULT_SETTINGS.warehouseStrategy,
    ...(settings.taxCategories ? { taxCategories: settings.taxCategories.map((c) => ({ ...c })) } : {}),
  };
}

/** All master data in one bundle: the file `orderhub master import` and `evaluate --master` read. A kind left out is empty. */
export interface MasterData {
  customers?: Customer[];
  items?: Item[];
  priceLists?: PriceList[];
  promotions?: Promotion[];
  warehouses?: Warehouse[];
  supply?: Supply[];
  reservations?: Reservation[];
  openItems?: OpenItem[];
  companies?: Company[];
  transferPrices?: TransferPrice[];
  settings?: Partial<Settings>;
}
