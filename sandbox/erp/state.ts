import { indexMasterData, type MasterIndex } from "../../domain/master/master-index";
import type { Customer, Item, MasterData, OpenItem, PriceList, Warehouse } from "../../domain/master/types";
import { listPrice } from "../../domain/order/list-price";
import { fromMinor, toMinor } from "../../domain/order/money";
import type {
  ArVoucher,
  ArVoucherInput,
  ChangePurchaseOrderInput,
  ChangeSalesOrderInput,
  ConsignmentMovement,
  ConsignmentMovementInput,
  ConsignmentStock,
  CreatePurchaseOrderInput,
  CreateSalesOrderInput,
  CustomerCredit,
  GoodsReceipt,
  GoodsReceiptInput,
  PurchaseOrder,
  SalesOrder,
  SalesOrderLine,
  SalesOrderLineInput,
  StockEntry,
  SupplierInvoice,
  SupplierInvoiceInput,
  SupplyRequest,
  SupplyRequestInput,
} from "./documents";
import { Consignment } from "./consignment";
import { ErpFault } from "./fault";
import { Purchasing } from "./purchasing";

export { ErpFault, checkDate } from "./fault";

/**
 * The stand-in ERP's books: customers, items, prices, stock, open items (seeded from the demo manufacturer), and the
 * documents it was sent: sales orders, AR vouchers, purchase requisitions and planned orders, and its purchasing
 * (purchasing.ts: purchase orders, goods receipts, supplier invoices), and the goods it has on consignment at customers'
 * sites (consignment.ts). Every operation checks its input as the ERP does and throws ErpFault (a SOAP Fault,
 * `soap:Client`) naming the field, the record and the value; a repeat of a document under the same reference returns
 * the document booked the first time.
 */

const round = (amount: number, currency: string) => fromMinor(toMinor(amount, currency), currency);

export class ErpState {
  private customers = new Map<string, Customer>();
  private items = new Map<string, Item>();
  private warehouses: Warehouse[] = [];
  private priceLists: PriceList[] = [];
  private index!: MasterIndex;
  private onHand = new Map<string, number>();
  /** Reservations the seed brings (orders booked before the sandbox started). */
  private seededReserved = new Map<string, number>();
  private seededOpenItems: OpenItem[] = [];
  private orders = new Map<string, SalesOrder>();
  private orderByReference = new Map<string, string>();
  private vouchers = new Map<string, ArVoucher>();
  private supplyRequests = new Map<string, SupplyRequest>();
  private seq = { order: 0, voucher: 0, requisition: 0, planned: 0 };
  private readonly purchasing = new Purchasing({
    item: (sku, field) => this.item(sku, field),
    warehouse: (id, field) => this.warehouse(id, field),
    firstWarehouse: () => this.firstWarehouse(),
    receive: (sku, warehouse, quantity) => add(this.onHand, key(sku, warehouse), quantity),
  });
  private readonly consignment = new Consignment({
    customer: (id, field) => this.customer(id, field),
    item: (sku, field) => this.item(sku, field),
    warehouse: (id, field) => this.warehouse(id, field),
    firstWarehouse: () => this.firstWarehouse(),
    salesOrder: (number) => this.orders.get(number),
    moveStock: (sku, warehouse, quantity) => {
      const k = key(sku, warehouse);
      this.onHand.set(k, Math.max(0, (this.onHand.get(k) ?? 0) + quantity));
    },
  });

  constructor(private readonly seed: () => MasterData) {
    this.reset();
  }

  reset(): void {
    const data = this.seed();
    this.customers = new Map((data.customers ?? []).map((c) => [c.id, c]));
    this.items = new Map((data.items ?? []).map((i) => [i.sku, i]));
    this.warehouses = [...(data.warehouses ?? [])].sort((a, b) => a.priority - b.priority);
    this.priceLists = data.priceLists ?? [];
    this.index = indexMasterData({ customers: data.customers, items: data.items, priceLists: data.priceLists, warehouses: data.warehouses });
    this.onHand = new Map();
    for (const s of data.supply ?? []) if (s.type === "on-hand") add(this.onHand, key(s.sku, s.warehouse), s.quantity);
    this.seededReserved = new Map();
    for (const r of data.reservations ?? []) add(this.seededReserved, key(r.sku, r.warehouse), r.quantity);
    this.seededOpenItems = data.openItems ?? [];
    this.orders.clear();
    this.orderByReference.clear();
    this.vouchers.clear();
    this.supplyRequests.clear();
    this.purchasing.reset();
    this.consignment.reset();
    this.seq = { order: 0, voucher: 0, requisition: 0, planned: 0 };
  }

  createSalesOrder(input: CreateSalesOrderInput): { order: SalesOrder; created: boolean } {
    const existing = this.orderByReference.get(input.externalReference);
    if (existing) return { order: this.orders.get(existing)!, created: false };
    const customer = this.customer(input.customerNumber, "CustomerNumber");
    if (customer.blocked) throw new ErpFault(`CustomerNumber: customer ${customer.id} is blocked for sales orders`);
    const currency = input.currency ?? customer.currency;
    if (currency !== customer.currency) {
      throw new ErpFault(`Currency: ${currency} is not customer ${customer.id}'s currency (${customer.currency})`);
    }
    if (input.lines.length === 0) throw new ErpFault("Lines: a sales order needs at least one line");
    const lines: SalesOrderLine[] = [];
    input.lines.forEach((line, i) => {
      if (lines.some((l) => l.lineNumber === line.lineNumber)) throw new ErpFault(`Lines.Line[${i}]: line number ${line.lineNumber} appears twice`);
      lines.push(this.newLine(line, `Lines.Line[${i}]`, customer, currency, input.orderDate));
    });
    const order: SalesOrder = {
      salesOrderNumber: String(4_000_001 + this.seq.order++),
      externalReference: input.externalReference,
      customer: customer.id,
      customerOrderNumber: input.customerOrderNumber,
      currency,
      orderDate: input.orderDate,
      requestedDeliveryDate: input.requestedDeliveryDate,
      status: "open",
      revision: 0,
      lines,
      netValue: total(lines, currency),
      invoiced: 0,
      changeReferences: [],
    };
    this.orders.set(order.salesOrderNumber, order);
    this.orderByReference.set(order.externalReference, order.salesOrderNumber);
    return { order, created: true };
  }

  changeSalesOrder(input: ChangeSalesOrderInput): { order: SalesOrder; changed: boolean } {
    const order = this.findOrder(input);
    if (input.changeReference && order.changeReferences.includes(input.changeReference)) return { order, changed: false };
    if (order.status === "cancelled") throw new ErpFault(`sales order ${order.salesOrderNumber} is cancelled; it cannot be changed`);
    if (!input.cancel && input.lines.length === 0) throw new ErpFault("Lines: a change names at least one line, or Cancel");
    const customer = this.customers.get(order.customer)!;
    const lines = order.lines.map((l) => ({ ...l }));
    if (input.cancel) {
      if (order.invoiced > 0) throw new ErpFault(`sales order ${order.salesOrderNumber} is invoiced in part; it cannot be cancelled`);
    } else {
      input.lines.forEach((change, i) => {
        const at = `Lines.Line[${i}]`;
        if (!(change.quantity >= 0)) throw new ErpFault(`${at} (line ${change.lineNumber}): Quantity must be 0 or more (is ${change.quantity})`);
        const index = lines.findIndex((l) => l.lineNumber === change.lineNumber);
        if (index < 0) {
          if (change.quantity === 0) throw new ErpFault(`${at}: sales order ${order.salesOrderNumber} has no line ${change.lineNumber} to remove`);
          lines.push(this.newLine(change, at, customer, order.currency, order.orderDate));
          return;
        }
        const line = lines[index];
        if (change.sku && change.sku !== line.sku) throw new ErpFault(`${at} (line ${change.lineNumber}): Sku ${change.sku} differs from the line's ${line.sku}; remove the line and add a new one`);
        if (change.quantity === 0) {
          lines.splice(index, 1);
          return;
        }
        const unitPrice = change.unitPrice ?? line.unitPrice;
        lines[index] = { ...line, quantity: change.quantity, unitPrice, netValue: round(change.quantity * unitPrice, order.currency), deliveryDate: change.deliveryDate ?? line.deliveryDate };
      });
      if (lines.length === 0) throw new ErpFault(`sales order ${order.salesOrderNumber}: the change removes every line; cancel the order instead`);
    }
    order.status = input.cancel ? "cancelled" : "open";
    order.lines = lines;
    order.netValue = total(lines, order.currency);
    order.revision++;
    if (input.changeReference) order.changeReferences.push(input.changeReference);
    return { order, changed: true };
  }

  getStock(sku: string, warehouse?: string): StockEntry[] {
    this.item(sku, "Sku");
    if (warehouse !== undefined) this.warehouse(warehouse, "Warehouse");
    return this.warehouses.filter((w) => warehouse === undefined || w.id === warehouse).map((w) => this.stockEntry(sku, w.id));
  }

  getCustomerCredit(customerNumber: string): CustomerCredit {
    const customer = this.customer(customerNumber, "CustomerNumber");
    const openItems = this.openItems().filter((o) => o.customer === customer.id);
    const exposure = round(openItems.reduce((sum, o) => sum + o.amount, 0), customer.currency);
    return {
      customerNumber: customer.id,
      currency: customer.currency,
      creditLimit: customer.creditLimit,
      exposure,
      available: customer.creditLimit === undefined ? undefined : round(customer.creditLimit - exposure, customer.currency),
      blocked: customer.blocked,
      openItems,
    };
  }

  postArVoucher(input: ArVoucherInput): { voucher: ArVoucher; created: boolean } {
    const existing = this.vouchers.get(input.invoiceNumber);
    if (existing) {
      if (existing.customerNumber === input.customerNumber && toMinor(existing.grossAmount, existing.currency) === toMinor(input.grossAmount, input.currency)) {
        return { voucher: existing, created: false };
      }
      throw new ErpFault(
        `InvoiceNumber: invoice ${input.invoiceNumber} is posted already as voucher ${existing.voucherNumber} (customer ${existing.customerNumber}, ` +
          `${existing.grossAmount} ${existing.currency}); a different voucher under the same invoice number is refused`,
      );
    }
    const customer = this.customer(input.customerNumber, "CustomerNumber");
    if (input.currency !== customer.currency) throw new ErpFault(`Currency: ${input.currency} is not customer ${customer.id}'s currency (${customer.currency})`);
    if (toMinor(input.netAmount, input.currency) + toMinor(input.taxAmount, input.currency) !== toMinor(input.grossAmount, input.currency)) {
      throw new ErpFault(`GrossAmount: ${input.grossAmount} is not NetAmount ${input.netAmount} + TaxAmount ${input.taxAmount}`);
    }
    if (input.dueDate < input.invoiceDate) throw new ErpFault(`DueDate: ${input.dueDate} is before the InvoiceDate ${input.invoiceDate}`);
    const order = input.salesOrderNumber ? this.orders.get(input.salesOrderNumber) : undefined;
    if (input.salesOrderNumber && !order) throw new ErpFault(`SalesOrderNumber: sales order ${input.salesOrderNumber} does not exist`);
    if (order && order.customer !== customer.id) throw new ErpFault(`SalesOrderNumber: sales order ${order.salesOrderNumber} is customer ${order.customer}'s, not ${customer.id}'s`);
    const voucher: ArVoucher = { ...input, voucherNumber: `AR-${String(1 + this.seq.voucher++).padStart(6, "0")}` };
    this.vouchers.set(input.invoiceNumber, voucher);
    if (order) order.invoiced = round(Math.min(order.netValue, order.invoiced + input.netAmount), order.currency);
    return { voucher, created: true };
  }

  /** A purchase order (an inter-company one: the supplier is a company of the group), once per external reference. */
  createPurchaseOrder(input: CreatePurchaseOrderInput): { order: PurchaseOrder; created: boolean } {
    return this.purchasing.createPurchaseOrder(input);
  }

  /** A purchase order's change or cancellation, once per change reference (purchasing.ts). */
  changePurchaseOrder(input: ChangePurchaseOrderInput): { order: PurchaseOrder; changed: boolean } {
    return this.purchasing.changePurchaseOrder(input);
  }

  /** Goods received against a purchase order, once per reference: the stock on hand grows (purchasing.ts). */
  postGoodsReceipt(input: GoodsReceiptInput): { receipt: GoodsReceipt; created: boolean } {
    return this.purchasing.postGoodsReceipt(input);
  }

  /** A supplier invoice for what was received, once per reference, booked as an AP voucher (purchasing.ts). */
  postSupplierInvoice(input: SupplierInvoiceInput): { invoice: SupplierInvoice; created: boolean } {
    return this.purchasing.postSupplierInvoice(input);
  }

  /** A consignment movement (fill-up, issue, pick-up, return) at a customer's site, once per reference (consignment.ts). */
  postConsignmentMovement(input: ConsignmentMovementInput): { movement: ConsignmentMovement; created: boolean } {
    return this.consignment.post(input);
  }

  /** A customer's goods on consignment and issued, per site and item (consignment.ts). */
  getConsignmentStock(customerNumber: string, site?: string): ConsignmentStock[] {
    return this.consignment.stock(customerNumber, site);
  }

  createSupplyRequest(kind: SupplyRequest["kind"], input: SupplyRequestInput): { request: SupplyRequest; created: boolean } {
    const existing = this.supplyRequests.get(`${kind}|${input.externalReference}`);
    if (existing) return { request: existing, created: false };
    const item = this.item(input.sku, "Sku");
    this.warehouse(input.warehouse, "Warehouse");
    if (!(input.quantity > 0)) throw new ErpFault(`Quantity: must be greater than 0 (is ${input.quantity})`);
    if (kind === "planned-order" && item.productionMode === "MTS" && input.quantity % 1 !== 0) {
      throw new ErpFault(`Quantity: ${input.quantity} ${item.unit} of ${item.sku} is not a whole number`);
    }
    if (input.startDate && input.startDate > input.date) throw new ErpFault(`StartDate: ${input.startDate} is after the FinishDate ${input.date}`);
    const number = kind === "planned-order" ? `PLO-${String(1 + this.seq.planned++).padStart(6, "0")}` : `PR-${String(1 + this.seq.requisition++).padStart(6, "0")}`;
    const request: SupplyRequest = { ...input, kind, number };
    this.supplyRequests.set(`${kind}|${input.externalReference}`, request);
    return { request, created: true };
  }

  masterData(): { customers: Customer[]; items: Item[]; priceLists: PriceList[]; warehouses: Warehouse[]; stock: StockEntry[]; openItems: OpenItem[] } {
    const skus = [...new Set([...this.onHand.keys()].map((k) => k.split("|")[0]))];
    const stock = skus.flatMap((sku) => this.warehouses.filter((w) => this.onHand.has(key(sku, w.id))).map((w) => this.stockEntry(sku, w.id)));
    return { customers: [...this.customers.values()], items: [...this.items.values()], priceLists: this.priceLists, warehouses: this.warehouses, stock, openItems: this.openItems() };
  }

  /** Adds customers or replaces them by number, as given (the ERP's own checks are not this stand-in's concern); returns how many it holds. */
  putCustomers(customers: Customer[]): number {
    for (const c of customers) this.customers.set(c.id, c);
    this.index = indexMasterData({ customers: [...this.customers.values()], items: [...this.items.values()], priceLists: this.priceLists, warehouses: this.warehouses });
    return this.customers.size;
  }

  salesOrder(number: string): SalesOrder | undefined {
    return this.orders.get(number);
  }

  snapshot(): object {
    return {
      salesOrders: [...this.orders.values()],
      arVouchers: [...this.vouchers.values()],
      purchaseRequisitions: [...this.supplyRequests.values()].filter((r) => r.kind === "purchase-requisition"),
      plannedOrders: [...this.supplyRequests.values()].filter((r) => r.kind === "planned-order"),
      ...this.purchasing.snapshot(),
      ...this.consignment.snapshot(),
      customers: this.customers.size,
      items: this.items.size,
    };
  }

  /** The seed's open items, each posted invoice, and each open sales order's value not invoiced yet. */
  private openItems(): OpenItem[] {
    const vouchers = [...this.vouchers.values()].map<OpenItem>((v) => ({ customer: v.customerNumber, type: "invoice", document: v.invoiceNumber, amount: v.grossAmount, dueDate: v.dueDate }));
    const orders = [...this.orders.values()]
      .filter((o) => o.status === "open" && o.netValue > o.invoiced)
      .map<OpenItem>((o) => ({ customer: o.customer, type: "open-order", document: o.salesOrderNumber, amount: round(o.netValue - o.invoiced, o.currency) }));
    return [...this.seededOpenItems, ...vouchers, ...orders];
  }

  private newLine(line: SalesOrderLineInput, at: string, customer: Customer, currency: string, day: string): SalesOrderLine {
    const named = `${at} (line ${line.lineNumber})`;
    if (!line.sku) throw new ErpFault(`${named}: Sku is missing`);
    const item = this.items.get(line.sku);
    if (!item) throw new ErpFault(`${named}: item ${line.sku} does not exist`);
    if (!(line.quantity > 0)) throw new ErpFault(`${named}: Quantity must be greater than 0 (is ${line.quantity})`);
    if (line.unit && line.unit !== item.unit) throw new ErpFault(`${named}: Unit ${line.unit} is not item ${item.sku}'s unit (${item.unit})`);
    if (line.unitPrice !== undefined && !(line.unitPrice >= 0)) throw new ErpFault(`${named}: UnitPrice must be 0 or more (is ${line.unitPrice})`);
    const unitPrice = line.unitPrice ?? listPrice({ sku: item.sku, quantity: line.quantity, currency, day, customer }, this.index)?.unitPrice;
    if (unitPrice === undefined) throw new ErpFault(`${named}: no price for item ${item.sku} in ${currency} on ${day}; give UnitPrice`);
    const warehouse = line.warehouse ? this.warehouse(line.warehouse, `${named}: Warehouse`).id : this.pickWarehouse(item.sku, line.quantity);
    return { lineNumber: line.lineNumber, sku: item.sku, quantity: line.quantity, unit: item.unit, unitPrice, netValue: round(line.quantity * unitPrice, currency), warehouse, deliveryDate: line.deliveryDate };
  }

  /** The first warehouse by priority that has the quantity available, else the first by priority. */
  private pickWarehouse(sku: string, quantity: number): string {
    const enough = this.warehouses.find((w) => this.stockEntry(sku, w.id).available >= quantity);
    return enough?.id ?? this.firstWarehouse();
  }

  private firstWarehouse(): string {
    if (!this.warehouses[0]) throw new ErpFault("the ERP has no warehouse", "soap:Server");
    return this.warehouses[0].id;
  }

  private stockEntry(sku: string, warehouse: string): StockEntry {
    const onHand = this.onHand.get(key(sku, warehouse)) ?? 0;
    let reserved = this.seededReserved.get(key(sku, warehouse)) ?? 0;
    for (const o of this.orders.values()) {
      if (o.status !== "open") continue;
      for (const l of o.lines) if (l.sku === sku && l.warehouse === warehouse) reserved += l.quantity;
    }
    return { sku, warehouse, onHand, reserved, available: onHand - reserved };
  }

  private findOrder(input: ChangeSalesOrderInput): SalesOrder {
    const number = input.salesOrderNumber ?? (input.externalReference ? this.orderByReference.get(input.externalReference) : undefined);
    if (!input.salesOrderNumber && !input.externalReference) throw new ErpFault("SalesOrderNumber: give SalesOrderNumber or ExternalReference");
    const order = number ? this.orders.get(number) : undefined;
    if (!order) {
      throw new ErpFault(
        input.salesOrderNumber ? `SalesOrderNumber: sales order ${input.salesOrderNumber} does not exist` : `ExternalReference: no sales order has the reference ${input.externalReference}`,
      );
    }
    return order;
  }

  private customer(id: string, field: string): Customer {
    const customer = this.customers.get(id);
    if (!customer) throw new ErpFault(`${field}: customer ${id} does not exist`);
    return customer;
  }

  private item(sku: string, field: string): Item {
    const item = this.items.get(sku);
    if (!item) throw new ErpFault(`${field}: item ${sku} does not exist`);
    return item;
  }

  private warehouse(id: string, field: string): Warehouse {
    const warehouse = this.warehouses.find((w) => w.id === id);
    if (!warehouse) throw new ErpFault(`${field}: warehouse ${id} does not exist (there are ${this.warehouses.map((w) => w.id).join(", ")})`);
    return warehouse;
  }
}

const key = (sku: string, warehouse: string) => `${sku}|${warehouse}`;

function add(map: Map<string, number>, k: string, quantity: number): void {
  map.set(k, (map.get(k) ?? 0) + quantity);
}

function total(lines: SalesOrderLine[], currency: string): number {
  return fromMinor(lines.reduce((sum, l) => sum + toMinor(l.netValue, currency), 0), currency);
}
