import type { Item, Warehouse } from "../../domain/master/types";
import { formatMoney, fromMinor, toMinor } from "../../domain/order/money";
import type {
  ChangePurchaseOrderInput,
  CreatePurchaseOrderInput,
  GoodsReceipt,
  GoodsReceiptInput,
  PurchaseOrder,
  PurchaseOrderLine,
  PurchaseOrderRef,
  PurchasingLineInput,
  SupplierInvoice,
  SupplierInvoiceInput,
} from "./documents";
import { ErpFault } from "./fault";
import { changedLines } from "./purchase-order-change";

/**
 * The ERP's purchasing: purchase orders (an inter-company one: the supplier is a company of the group), their changes,
 * the goods received against them and the supplier invoices for what was received (the three-way match, on
 * quantities: ordered ≥ received ≥ invoiced, per purchase order line). Each document is booked once per reference; a
 * repeat answers the document booked the first time. A refused document books nothing (ErpFault naming the field).
 */

/** What purchasing asks of the rest of the books: the items and warehouses it knows, and the stock a receipt adds to. */
export interface PurchasingBooks {
  item(sku: string, field: string): Item;
  warehouse(id: string, field: string): Warehouse;
  /** Where a receipt line goes that names no warehouse, nor does its order line: the first warehouse by priority. */
  firstWarehouse(): string;
  /** Adds a received quantity to the stock on hand. */
  receive(sku: string, warehouse: string, quantity: number): void;
}

const round = (amount: number, currency: string) => fromMinor(toMinor(amount, currency), currency);
/** Quantities summed without binary drift (decimals of a kilogram or a metre). */
const qty = (n: number) => Math.round(n * 1e6) / 1e6;

export class Purchasing {
  private orders = new Map<string, PurchaseOrder>();
  private receipts = new Map<string, GoodsReceipt>();
  private invoices = new Map<string, SupplierInvoice>();
  private seq = { order: 0, receipt: 0, invoice: 0 };

  constructor(private readonly books: PurchasingBooks) {}

  reset(): void {
    this.orders.clear();
    this.receipts.clear();
    this.invoices.clear();
    this.seq = { order: 0, receipt: 0, invoice: 0 };
  }

  /** A purchase order, once per external reference. */
  createPurchaseOrder(input: CreatePurchaseOrderInput): { order: PurchaseOrder; created: boolean } {
    const existing = this.orders.get(input.externalReference);
    if (existing) return { order: existing, created: false };
    if (!/^[A-Z]{3}$/.test(input.currency)) throw new ErpFault(`Currency: "${input.currency}" is not an ISO 4217 code such as EUR`);
    if (input.lines.length === 0) throw new ErpFault("Lines: a purchase order needs at least one line");
    const seen = new Set<string>();
    const lines = input.lines.map<PurchaseOrderLine>((line, i) => {
      const at = `Lines.Line[${i}] (line ${line.lineNumber})`;
      if (seen.has(line.lineNumber)) throw new ErpFault(`Lines.Line[${i}]: line number ${line.lineNumber} appears twice`);
      seen.add(line.lineNumber);
      if (!line.sku) throw new ErpFault(`${at}: Sku is missing`);
      const item = this.books.item(line.sku, `${at}: Sku`);
      if (!(line.quantity > 0)) throw new ErpFault(`${at}: Quantity must be greater than 0 (is ${line.quantity})`);
      if (line.unitPrice === undefined) throw new ErpFault(`${at}: UnitPrice is missing (a purchase order states the agreed price)`);
      if (!(line.unitPrice >= 0)) throw new ErpFault(`${at}: UnitPrice must be 0 or more (is ${line.unitPrice})`);
      if (line.warehouse) this.books.warehouse(line.warehouse, `${at}: Warehouse`);
      return { lineNumber: line.lineNumber, sku: item.sku, quantity: line.quantity, unitPrice: line.unitPrice, netValue: round(line.quantity * line.unitPrice, input.currency), warehouse: line.warehouse, deliveryDate: line.deliveryDate, received: 0, invoiced: 0 };
    });
    const order: PurchaseOrder = {
      purchaseOrderNumber: String(4_500_000_001 + this.seq.order++),
      externalReference: input.externalReference,
      supplier: input.supplierNumber,
      currency: input.currency,
      orderDate: input.orderDate,
      status: "open",
      revision: 0,
      lines,
      netValue: sum(lines, input.currency),
      changeReferences: [],
    };
    this.orders.set(order.externalReference, order);
    return { order, created: true };
  }

  /**
   * A change or cancellation of a purchase order, once per change reference: a known reference changes nothing; a
   * line's quantity 0 removes it, a line number the order lacks adds it (Sku and UnitPrice then required); a cancelled
   * order takes no change; what was received already can be neither taken off a line nor cancelled.
   */
  changePurchaseOrder(input: ChangePurchaseOrderInput): { order: PurchaseOrder; changed: boolean } {
    const order = this.findOrder({ purchaseOrderNumber: input.purchaseOrderNumber, purchaseOrderReference: input.externalReference }, "ExternalReference");
    if (input.changeReference && order.changeReferences.includes(input.changeReference)) return { order, changed: false };
    if (order.status === "cancelled") throw new ErpFault(`purchase order ${order.purchaseOrderNumber} is cancelled; it cannot be changed`);
    if (!input.cancel && input.lines.length === 0) throw new ErpFault("Lines: a change names at least one line, or Cancel");
    const received = order.lines.filter((l) => (l.received ?? 0) > 0);
    if (input.cancel && received.length > 0) {
      throw new ErpFault(`purchase order ${order.purchaseOrderNumber} has goods received (${received.map((l) => `line ${l.lineNumber}: ${l.received}`).join(", ")}); it cannot be cancelled`);
    }
    const lines = input.cancel ? order.lines : changedLines(order, input.lines, (sku, field) => this.books.item(sku, field), (id, field) => this.books.warehouse(id, field));
    for (const before of received) {
      const after = lines.find((l) => l.lineNumber === before.lineNumber);
      if (!after || after.quantity < before.received!) {
        throw new ErpFault(`Lines: line ${before.lineNumber} of purchase order ${order.purchaseOrderNumber} has ${before.received} ${before.sku} received; its quantity cannot go below that (is ${after?.quantity ?? 0})`);
      }
    }
    order.status = input.cancel ? "cancelled" : "open";
    order.lines = lines.map((l) => ({ ...l, received: l.received ?? 0, invoiced: l.invoiced ?? 0 }));
    order.netValue = sum(order.lines, order.currency);
    order.revision++;
    if (input.changeReference) order.changeReferences.push(input.changeReference);
    return { order, changed: true };
  }

  /**
   * The goods received against a purchase order, once per reference: each line on the order's line of that number and
   * item (else the first of that item with quantity open), at most what is ordered less what was received; the stock
   * on hand grows in the warehouse given, else the order line's, else the first.
   */
  postGoodsReceipt(input: GoodsReceiptInput): { receipt: GoodsReceipt; created: boolean } {
    const existing = this.receipts.get(input.externalReference);
    if (existing) return { receipt: existing, created: false };
    const order = this.openOrder(input, "goods receipt");
    const warehouse = input.warehouse ? this.books.warehouse(input.warehouse, "Warehouse").id : undefined;
    if (input.lines.length === 0) throw new ErpFault("Lines: a goods receipt needs at least one line");
    const pending = new Map<PurchaseOrderLine, number>();
    const booked = (l: PurchaseOrderLine) => qty((l.received ?? 0) + (pending.get(l) ?? 0));
    const lines = input.lines.map((line, i) => {
      const at = `Lines.Line[${i}] (line ${line.lineNumber})`;
      const po = this.orderLine(order, line, at, (l) => l.quantity - booked(l));
      const open = qty(po.quantity - booked(po));
      if (line.quantity > open) {
        throw new ErpFault(
          `${at}: Quantity ${line.quantity} of ${po.sku} is more than purchase order ${order.purchaseOrderNumber} line ${po.lineNumber} has open (ordered ${po.quantity}, received ${booked(po)}, open ${open})`,
        );
      }
      pending.set(po, qty((pending.get(po) ?? 0) + line.quantity));
      return { lineNumber: line.lineNumber, sku: po.sku, quantity: line.quantity, purchaseOrderLine: po.lineNumber, warehouse: warehouse ?? po.warehouse ?? this.books.firstWarehouse() };
    });
    for (const [po, quantity] of pending) po.received = qty((po.received ?? 0) + quantity);
    for (const l of lines) this.books.receive(l.sku, l.warehouse, l.quantity);
    const receipt: GoodsReceipt = {
      goodsReceiptNumber: String(5_000_000_001 + this.seq.receipt++),
      externalReference: input.externalReference,
      purchaseOrderNumber: order.purchaseOrderNumber,
      purchaseOrderReference: order.externalReference,
      supplier: order.supplier,
      receiptDate: input.receiptDate,
      ...(input.deliveryNote ? { deliveryNote: input.deliveryNote } : {}),
      lines,
    };
    this.receipts.set(receipt.externalReference, receipt);
    return { receipt, created: true };
  }

  /**
   * A supplier invoice for a purchase order, once per reference, booked as an AP voucher: in the order's currency,
   * each line at most what was received and not invoiced yet on its order line, NetAmount the sum of the lines; the
   * supplier's invoice number once per supplier.
   */
  postSupplierInvoice(input: SupplierInvoiceInput): { invoice: SupplierInvoice; created: boolean } {
    const existing = this.invoices.get(input.externalReference);
    if (existing) return { invoice: existing, created: false };
    const order = this.openOrder(input, "supplier invoice");
    if (input.currency !== order.currency) throw new ErpFault(`Currency: ${input.currency} is not purchase order ${order.purchaseOrderNumber}'s currency (${order.currency})`);
    const twice = [...this.invoices.values()].find((v) => v.supplier === order.supplier && v.supplierInvoiceNumber === input.supplierInvoiceNumber);
    if (twice) {
      throw new ErpFault(`SupplierInvoiceNumber: supplier ${order.supplier}'s invoice ${input.supplierInvoiceNumber} is booked already as ${twice.apVoucherNumber} (reference ${twice.externalReference})`);
    }
    if (input.dueDate && input.dueDate < input.invoiceDate) throw new ErpFault(`DueDate: ${input.dueDate} is before the InvoiceDate ${input.invoiceDate}`);
    if (input.lines.length === 0) throw new ErpFault("Lines: a supplier invoice needs at least one line");
    const pending = new Map<PurchaseOrderLine, number>();
    const invoiced = (l: PurchaseOrderLine) => qty((l.invoiced ?? 0) + (pending.get(l) ?? 0));
    const lines = input.lines.map((line, i) => {
      const at = `Lines.Line[${i}] (line ${line.lineNumber})`;
      if (line.unitPrice === undefined) throw new ErpFault(`${at}: UnitPrice is missing`);
      if (!(line.unitPrice >= 0)) throw new ErpFault(`${at}: UnitPrice must be 0 or more (is ${line.unitPrice})`);
      const po = this.orderLine(order, line, at, (l) => (l.received ?? 0) - invoiced(l));
      const open = qty((po.received ?? 0) - invoiced(po));
      if (line.quantity > open) {
        throw new ErpFault(
          `${at}: Quantity ${line.quantity} of ${po.sku} is more than purchase order ${order.purchaseOrderNumber} line ${po.lineNumber} has received and not invoiced (received ${po.received ?? 0}, invoiced ${invoiced(po)}, open ${open})`,
        );
      }
      pending.set(po, qty((pending.get(po) ?? 0) + line.quantity));
      return { lineNumber: line.lineNumber, sku: po.sku, quantity: line.quantity, unitPrice: line.unitPrice, netValue: round(line.quantity * line.unitPrice, order.currency), purchaseOrderLine: po.lineNumber };
    });
    const total = sum(lines, order.currency);
    if (toMinor(input.netAmount, order.currency) !== toMinor(total, order.currency)) {
      throw new ErpFault(`NetAmount: ${input.netAmount} is not the sum of the lines (${formatMoney(toMinor(total, order.currency), order.currency)})`);
    }
    for (const [po, quantity] of pending) po.invoiced = qty((po.invoiced ?? 0) + quantity);
    const invoice: SupplierInvoice = {
      apVoucherNumber: `AP-${String(1 + this.seq.invoice++).padStart(6, "0")}`,
      externalReference: input.externalReference,
      supplierInvoiceNumber: input.supplierInvoiceNumber,
      purchaseOrderNumber: order.purchaseOrderNumber,
      purchaseOrderReference: order.externalReference,
      supplier: order.supplier,
      invoiceDate: input.invoiceDate,
      ...(input.dueDate ? { dueDate: input.dueDate } : {}),
      currency: order.currency,
      netAmount: total,
      lines,
    };
    this.invoices.set(invoice.externalReference, invoice);
    return { invoice, created: true };
  }

  snapshot(): { purchaseOrders: PurchaseOrder[]; goodsReceipts: GoodsReceipt[]; supplierInvoices: SupplierInvoice[] } {
    return { purchaseOrders: [...this.orders.values()], goodsReceipts: [...this.receipts.values()], supplierInvoices: [...this.invoices.values()] };
  }

  /** The order a receipt or an invoice names, not cancelled. */
  private openOrder(ref: PurchaseOrderRef, document: string): PurchaseOrder {
    const order = this.findOrder(ref, "PurchaseOrderReference");
    if (order.status === "cancelled") {
      const field = ref.purchaseOrderNumber ? "PurchaseOrderNumber" : "PurchaseOrderReference";
      throw new ErpFault(`${field}: purchase order ${order.purchaseOrderNumber} is cancelled; it takes no ${document}`);
    }
    return order;
  }

  /** The order by number, else by reference (`referenceField`: how the request calls the reference); both given must agree. */
  private findOrder(ref: PurchaseOrderRef, referenceField: string): PurchaseOrder {
    const { purchaseOrderNumber: number, purchaseOrderReference: reference } = ref;
    if (!number && !reference) throw new ErpFault(`PurchaseOrderNumber: give PurchaseOrderNumber or ${referenceField}`);
    const order = number ? [...this.orders.values()].find((o) => o.purchaseOrderNumber === number) : this.orders.get(reference!);
    if (!order) {
      throw new ErpFault(number ? `PurchaseOrderNumber: purchase order ${number} does not exist` : `${referenceField}: no purchase order has the reference ${reference}`);
    }
    if (number && reference && order.externalReference !== reference) {
      throw new ErpFault(`${referenceField}: purchase order ${number} has the reference ${order.externalReference}, not ${reference}`);
    }
    return order;
  }

  /** The order line a receipt or invoice line is booked on: of that number and item, else the first of that item with `open` left. */
  private orderLine(order: PurchaseOrder, line: PurchasingLineInput, at: string, open: (l: PurchaseOrderLine) => number): PurchaseOrderLine {
    if (!line.sku) throw new ErpFault(`${at}: Sku is missing`);
    if (!(line.quantity > 0)) throw new ErpFault(`${at}: Quantity must be greater than 0 (is ${line.quantity})`);
    const ofItem = order.lines.filter((l) => l.sku === line.sku);
    if (ofItem.length === 0) {
      throw new ErpFault(`${at}: item ${line.sku} is not on purchase order ${order.purchaseOrderNumber} (it orders ${[...new Set(order.lines.map((l) => l.sku))].join(", ")})`);
    }
    return ofItem.find((l) => l.lineNumber === line.lineNumber) ?? ofItem.find((l) => open(l) > 0) ?? ofItem[0];
  }
}

function sum(lines: ReadonlyArray<{ netValue: number }>, currency: string): number {
  return fromMinor(lines.reduce((total, l) => total + toMinor(l.netValue, currency), 0), currency);
}
