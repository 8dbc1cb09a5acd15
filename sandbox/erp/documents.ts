import type { OpenItem } from "../../domain/master/types";

/** The ERP's documents as its operations take and keep them (the SOAP shapes are in erp.wsdl, mapped in service.ts). */

export interface SalesOrderLineInput {
  lineNumber: string;
  sku?: string;
  quantity: number;
  unit?: string;
  unitPrice?: number;
  warehouse?: string;
  deliveryDate?: string;
}

export interface CreateSalesOrderInput {
  externalReference: string;
  customerNumber: string;
  customerOrderNumber?: string;
  orderDate: string;
  currency?: string;
  requestedDeliveryDate?: string;
  lines: SalesOrderLineInput[];
}

export interface ChangeSalesOrderInput {
  salesOrderNumber?: string;
  externalReference?: string;
  changeReference?: string;
  cancel: boolean;
  lines: SalesOrderLineInput[];
}

export interface SalesOrderLine {
  lineNumber: string;
  sku: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  netValue: number;
  warehouse: string;
  deliveryDate?: string;
}

export interface SalesOrder {
  salesOrderNumber: string;
  externalReference: string;
  customer: string;
  customerOrderNumber?: string;
  currency: string;
  orderDate: string;
  requestedDeliveryDate?: string;
  status: "open" | "cancelled";
  revision: number;
  lines: SalesOrderLine[];
  netValue: number;
  /** Net value AR vouchers referring to the order have invoiced. */
  invoiced: number;
  changeReferences: string[];
}

export interface ArVoucherInput {
  invoiceNumber: string;
  customerNumber: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  netAmount: number;
  taxAmount: number;
  grossAmount: number;
  salesOrderNumber?: string;
  receivableAccount?: string;
  revenueAccount?: string;
  taxAccount?: string;
}

export interface ArVoucher extends ArVoucherInput {
  voucherNumber: string;
}

export interface SupplyRequestInput {
  externalReference: string;
  sku: string;
  quantity: number;
  warehouse: string;
  /** The requisition's need date, the planned order's finish date. */
  date: string;
  startDate?: string;
}

export interface SupplyRequest extends SupplyRequestInput {
  number: string;
  kind: "purchase-requisition" | "planned-order";
}

export interface StockEntry {
  sku: string;
  warehouse: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface CustomerCredit {
  customerNumber: string;
  currency: string;
  creditLimit?: number;
  exposure: number;
  available?: number;
  blocked: boolean;
  openItems: OpenItem[];
}

export interface CreatePurchaseOrderInput {
  externalReference: string;
  supplierNumber: string;
  orderDate: string;
  currency: string;
  lines: SalesOrderLineInput[];
}

/** A purchase order the ERP books (an inter-company one: the supplier is a company of the group). */
export interface PurchaseOrder {
  purchaseOrderNumber: string;
  externalReference: string;
  supplier: string;
  currency: string;
  orderDate: string;
  status: "open" | "cancelled";
  revision: number;
  lines: PurchaseOrderLine[];
  netValue: number;
  changeReferences: string[];
}

export interface PurchaseOrderLine {
  lineNumber: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  netValue: number;
  warehouse?: string;
  deliveryDate?: string;
  /** Quantity goods receipts booked on the line (absent: none yet). */
  received?: number;
  /** Quantity supplier invoices booked on the line (absent: none yet). */
  invoiced?: number;
}

export interface ChangePurchaseOrderInput {
  purchaseOrderNumber?: string;
  externalReference?: string;
  changeReference?: string;
  cancel: boolean;
  lines: SalesOrderLineInput[];
}

/** A line of a goods receipt or a supplier invoice: the purchase order's line it is booked on is found by line number and item. */
export interface PurchasingLineInput {
  lineNumber: string;
  sku?: string;
  quantity: number;
  unitPrice?: number;
}

/** The purchase order a goods receipt or a supplier invoice refers to: by the order's reference or its number. */
export interface PurchaseOrderRef {
  purchaseOrderReference?: string;
  purchaseOrderNumber?: string;
}

export interface GoodsReceiptInput extends PurchaseOrderRef {
  /** The hub's goods-receipt id: the receipt is booked once per reference. */
  externalReference: string;
  receiptDate: string;
  warehouse?: string;
  /** The supplier's delivery document. */
  deliveryNote?: string;
  lines: PurchasingLineInput[];
}

export interface GoodsReceipt {
  goodsReceiptNumber: string;
  externalReference: string;
  purchaseOrderNumber: string;
  purchaseOrderReference: string;
  supplier: string;
  receiptDate: string;
  deliveryNote?: string;
  lines: Array<{ lineNumber: string; sku: string; quantity: number; purchaseOrderLine: string; warehouse: string }>;
}

export interface SupplierInvoiceInput extends PurchaseOrderRef {
  /** The hub's supplier-invoice id: the invoice is booked once per reference. */
  externalReference: string;
  /** The seller's own invoice number. */
  supplierInvoiceNumber: string;
  invoiceDate: string;
  dueDate?: string;
  currency: string;
  netAmount: number;
  lines: PurchasingLineInput[];
}

/** A supplier invoice the ERP booked: its AP voucher. */
export interface SupplierInvoice {
  apVoucherNumber: string;
  externalReference: string;
  supplierInvoiceNumber: string;
  purchaseOrderNumber: string;
  purchaseOrderReference: string;
  supplier: string;
  invoiceDate: string;
  dueDate?: string;
  currency: string;
  netAmount: number;
  lines: Array<{ lineNumber: string; sku: string; quantity: number; unitPrice: number; netValue: number; purchaseOrderLine: string }>;
}

/** The movements of goods on consignment at a customer's site (consignment.ts). */
export const CONSIGNMENT_KINDS = ["fill-up", "issue", "pickup", "return"] as const;
export type ConsignmentKind = (typeof CONSIGNMENT_KINDS)[number];

export interface ConsignmentLineInput {
  /** Absent: the line's place in the document (1, 2 …). */
  lineNumber?: string;
  sku: string;
  quantity: number;
}

export interface ConsignmentMovementInput {
  /** The hub's document id: the movement is booked once per reference. */
  externalReference: string;
  /** As the request gives it; the books check it is one of CONSIGNMENT_KINDS. */
  kind: string;
  customerNumber: string;
  /** The customer's consignment site. */
  site: string;
  /** Fill-up: the warehouse the goods leave; pick-up and return: the one they come back to (absent: the first). */
  warehouse?: string;
  postingDate: string;
  /** The sales order an issue is billed under. */
  salesOrderNumber?: string;
  lines: ConsignmentLineInput[];
}

/** A consignment movement the ERP booked: its material document. */
export interface ConsignmentMovement {
  materialDocument: string;
  externalReference: string;
  kind: ConsignmentKind;
  customer: string;
  site: string;
  /** The warehouse the goods left or came back to (an issue moves none). */
  warehouse?: string;
  postingDate: string;
  salesOrderNumber?: string;
  lines: Array<{ lineNumber: string; sku: string; quantity: number }>;
}

/** Per customer, site and item: our goods at the site, and what the customer used of them. */
export interface ConsignmentStock {
  customer: string;
  site: string;
  sku: string;
  consignment: number;
  issued: number;
}
