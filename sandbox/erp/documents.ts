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
  lines: Array<{ lineNumber: string; sku: string; quantity: number; unitPrice: number; netValue: number; warehouse?: string; deliveryDate?: string }>;
  netValue: number;
  changeReferences: string[];
}

export interface ChangePurchaseOrderInput {
  purchaseOrderNumber?: string;
  externalReference?: string;
  changeReference?: string;
  cancel: boolean;
  lines: SalesOrderLineInput[];
}
