// The canonical order: the one shape every inbound order document is turned into, whatever its format.
// The JSON Schema in mappings/canonical-order.schema.json is the contract; these types mirror it.

export type OrderType =
  | "standard"
  | "rush"
  | "consignment-fillup"
  | "consignment-issue"
  | "consignment-pickup"
  | "consignment-return"
  | "intercompany"
  | "return";

export type ProductionMode = "MTS" | "MTO" | "ATO" | "ETO" | "CTO";

export const ORDER_TYPES: readonly OrderType[] = [
  "standard",
  "rush",
  "consignment-fillup",
  "consignment-issue",
  "consignment-pickup",
  "consignment-return",
  "intercompany",
  "return",
];

export const PRODUCTION_MODES: readonly ProductionMode[] = ["MTS", "MTO", "ATO", "ETO", "CTO"];

/** Where the order came from: the sending system, the document format and the document's own id. */
export interface OrderSource {
  system: string;
  format: string;
  documentId?: string;
}

export interface Address {
  street?: string;
  city?: string;
  postalCode?: string;
  region?: string;
  country?: string;
}

export interface Contact {
  name?: string;
  phone?: string;
  email?: string;
}

export interface Party {
  id?: string;
  gln?: string;
  name?: string;
  taxId?: string;
  address?: Address;
  contact?: Contact;
}

/** Requested delivery: a date (or the start of a window), the window's end, and a requested ship date. */
export interface RequestedDelivery {
  date?: string;
  latestDate?: string;
  shipDate?: string;
}

export interface PaymentTerms {
  code?: string;
  description?: string;
  netDays?: number;
  discountDays?: number;
  discountPercent?: number;
}

/** An allowance (discount) or a charge (freight, handling) at order level, in the document currency. */
export interface AllowanceCharge {
  reason?: string;
  code?: string;
  amount: number;
  percent?: number;
}

export interface OrderLine {
  lineNumber: string;
  /** The seller's (our) item number. */
  sku: string;
  /** The buyer's item number, where the document gives one. */
  buyerSku?: string;
  gtin?: string;
  description?: string;
  quantity: number;
  /** UN/ECE Recommendation 20 unit code (H87, EA, KGM …). */
  unit?: string;
  unitPrice?: number;
  lineAmount?: number;
  requestedDate?: string;
  productionMode?: ProductionMode;
}

export interface OrderTotals {
  lineTotal: number;
  allowanceTotal: number;
  chargeTotal: number;
  taxTotal: number;
  payable: number;
}

export interface CanonicalOrder {
  orderNumber: string;
  revision: number;
  orderType: OrderType;
  productionMode?: ProductionMode;
  source: OrderSource;
  issueDate: string;
  currency: string;
  buyer: Party;
  seller?: Party;
  shipTo?: Party;
  requestedDelivery?: RequestedDelivery;
  paymentTerms?: PaymentTerms;
  notes?: string[];
  lines: OrderLine[];
  allowances: AllowanceCharge[];
  charges: AllowanceCharge[];
  totals: OrderTotals;
}

/** The business key for idempotency: the same order number and revision is the same order. */
export function orderKey(order: Pick<CanonicalOrder, "orderNumber" | "revision">): string {
  return `${order.orderNumber}/${order.revision}`;
}
