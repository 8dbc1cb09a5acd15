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

/**
 * What a document does with the order: places it ("order", also when left out), changes it (a new revision that
 * replaces the previous one) or cancels it (a new revision that takes the order back; it may have no lines).
 */
export type OrderPurpose = "order" | "change" | "cancel";

export interface CanonicalOrder {
  orderNumber: string;
  revision: number;
  /** Left out for an order; "change" or "cancel" for a change or a cancellation of the order. */
  purpose?: OrderPurpose;
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

/**
 * An order as a sender gives it in JSON (mappings/order-input.schema.json): what the hub can fill in itself may be left
 * out; the hub completes it into a CanonicalOrder.
 */
export type OrderInput = Omit<CanonicalOrder, "revision" | "orderType" | "source" | "allowances" | "charges" | "totals"> &
  Partial<Pick<CanonicalOrder, "revision" | "orderType" | "allowances" | "charges">> & {
    source?: Partial<OrderSource>;
    totals?: Partial<OrderTotals>;
  };

/** "order", "change" or "cancel": what the canonical order does. */
export const purposeOf = (order: Pick<CanonicalOrder, "purpose">): OrderPurpose => order.purpose ?? "order";

/** The order across its revisions: `<buyer>/<order number>` (the order key without its revision). */
export function orderRef(order: Pick<CanonicalOrder, "buyer" | "orderNumber">): string {
  return `${buyerIdentity(order.buyer)}/${order.orderNumber}`;
}

/**
 * Who the buyer is to the hub: its id (our customer number), else its GLN, else its name; the schema requires one of
 * them. A buyer must be named alike on every channel: the same buyer once by id and once by GLN alone is two buyers.
 */
export function buyerIdentity(buyer: Pick<Party, "id" | "gln" | "name">): string {
  return buyer.id || buyer.gln || buyer.name || "";
}

/**
 * An order's identity in the hub: its buyer, the buyer's order number and the revision. Buyers number their purchase
 * orders independently, so the number alone names no order: C-NORTH's PO-1001 and C-SOUTH's PO-1001 are two. As one
 * string, `<buyer>/<order number>/<revision>` ("C-NORTH/PO-1001/0"): the idempotent step's key in the intake flow.
 */
export function orderKey(order: Pick<CanonicalOrder, "buyer" | "orderNumber" | "revision">): string {
  return `${buyerIdentity(order.buyer)}/${order.orderNumber}/${order.revision}`;
}
