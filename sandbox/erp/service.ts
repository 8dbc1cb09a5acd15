import type { IServices } from "soap";
import type { ConsignmentLineInput, PurchasingLineInput, SalesOrderLineInput, StockEntry, SupplyRequestInput } from "./documents";
import type { DemoGroup } from "./group";
import { ErpFault, checkDate, type ErpState } from "./state";

/**
 * The ERP's SOAP operations: read the request element's fields (strings, as they arrive), check their form, ask the
 * ERP's books (state.ts), and shape the response element as the WSDL (erp.wsdl) declares it, field order included.
 */

export const OPERATIONS = [
  "CreateSalesOrder",
  "ChangeSalesOrder",
  "GetStock",
  "GetCustomerCredit",
  "PostARVoucher",
  "CreatePurchaseRequisition",
  "CreatePurchaseOrder",
  "ChangePurchaseOrder",
  "PostGoodsReceipt",
  "PostSupplierInvoice",
  "CreatePlannedOrder",
  "GetMasterData",
  "PostConsignmentMovement",
  "GetConsignmentStock",
] as const;

export type Operation = (typeof OPERATIONS)[number];

/** A fault a test or a person switches on: the operation answers this fault (for one customer, or for all) until cleared. */
export interface FaultRule {
  operation: Operation;
  customer?: string;
  faultcode: "soap:Client" | "soap:Server";
  faultstring: string;
}

type Args = Record<string, unknown> | undefined;

/** The SOAP 1.1 Fault the soap package answers when a service method throws it. */
export function soapFault(faultcode: string, faultstring: string, statusCode = 500): { Fault: object } {
  return { Fault: { faultcode, faultstring, statusCode } };
}

/** The operations whose request names a customer (`CustomerNumber`): a fault rule for one customer matches it there. */
const BY_CUSTOMER: readonly Operation[] = ["CreateSalesOrder", "GetCustomerCredit", "PostARVoucher", "PostConsignmentMovement", "GetConsignmentStock"];

/** The kinds of master data GetMasterData hands over (`Kind`; none: all). */
export const MASTER_DATA_KINDS = ["customers", "items", "prices", "warehouses", "stock", "openItems", "companies", "transferPrices"] as const;

/** The SOAP port over one company's books; `group` is the group's master data every company's ERP knows alike. */
export function erpServices(state: ErpState, rules: () => readonly FaultRule[], today: () => string, group: DemoGroup): IServices {
  const guard =
    <T>(operation: Operation, run: (args: Args) => T) =>
    (args: Args): T => {
      try {
        const customer = BY_CUSTOMER.includes(operation) ? optional(args, "CustomerNumber") : undefined;
        const rule = rules().find((r) => r.operation === operation && (r.customer === undefined || r.customer === customer));
        if (rule) throw new ErpFault(rule.faultstring, rule.faultcode);
        return run(args ?? {});
      } catch (err) {
        if (err instanceof ErpFault) throw soapFault(err.faultcode, err.message);
        throw soapFault("soap:Server", `${operation}: ${(err as Error).message}`);
      }
    };

  const port: Record<Operation, (args: Args) => object> = {
    CreateSalesOrder: guard("CreateSalesOrder", (args) => {
      const { order, created } = state.createSalesOrder({
        externalReference: required(args, "ExternalReference"),
        customerNumber: required(args, "CustomerNumber"),
        customerOrderNumber: optional(args, "CustomerOrderNumber"),
        orderDate: date(args, "OrderDate") ?? today(),
        currency: optional(args, "Currency"),
        requestedDeliveryDate: date(args, "RequestedDeliveryDate"),
        lines: lines(args, true),
      });
      return {
        SalesOrderNumber: order.salesOrderNumber,
        ExternalReference: order.externalReference,
        Created: created,
        Status: order.status,
        Currency: order.currency,
        NetValue: order.netValue,
        Line: order.lines.map((l) => ({ LineNumber: l.lineNumber, Sku: l.sku, Quantity: l.quantity, UnitPrice: l.unitPrice, NetValue: l.netValue, Warehouse: l.warehouse })),
      };
    }),
    ChangeSalesOrder: guard("ChangeSalesOrder", (args) => {
      const { order, changed } = state.changeSalesOrder({
        salesOrderNumber: optional(args, "SalesOrderNumber"),
        externalReference: optional(args, "ExternalReference"),
        changeReference: optional(args, "ChangeReference"),
        cancel: bool(args, "Cancel") ?? false,
        lines: args?.Lines === undefined ? [] : lines(args, false),
      });
      return { SalesOrderNumber: order.salesOrderNumber, Changed: changed, Status: order.status, Revision: order.revision, NetValue: order.netValue };
    }),
    GetStock: guard("GetStock", (args) => ({ Stock: state.getStock(required(args, "Sku"), optional(args, "Warehouse")).map(stock) })),
    GetCustomerCredit: guard("GetCustomerCredit", (args) => {
      const c = state.getCustomerCredit(required(args, "CustomerNumber"));
      return {
        CustomerNumber: c.customerNumber,
        Currency: c.currency,
        ...(c.creditLimit === undefined ? {} : { CreditLimit: c.creditLimit }),
        Exposure: c.exposure,
        ...(c.available === undefined ? {} : { Available: c.available }),
        Blocked: c.blocked,
        OpenItems: { OpenItem: c.openItems.map(openItem) },
      };
    }),
    PostARVoucher: guard("PostARVoucher", (args) => {
      const { voucher, created } = state.postArVoucher({
        invoiceNumber: required(args, "InvoiceNumber"),
        customerNumber: required(args, "CustomerNumber"),
        invoiceDate: date(args, "InvoiceDate", true)!,
        dueDate: date(args, "DueDate", true)!,
        currency: required(args, "Currency"),
        netAmount: amount(args, "NetAmount"),
        taxAmount: amount(args, "TaxAmount"),
        grossAmount: amount(args, "GrossAmount"),
        salesOrderNumber: optional(args, "SalesOrderNumber"),
        receivableAccount: optional(args, "ReceivableAccount"),
        revenueAccount: optional(args, "RevenueAccount"),
        taxAccount: optional(args, "TaxAccount"),
      });
      return { VoucherNumber: voucher.voucherNumber, InvoiceNumber: voucher.invoiceNumber, Created: created };
    }),
    CreatePurchaseRequisition: guard("CreatePurchaseRequisition", (args) => {
      const { request, created } = state.createSupplyRequest("purchase-requisition", { ...supply(args), date: date(args, "NeedDate", true)! });
      return { RequisitionNumber: request.number, Created: created };
    }),
    CreatePurchaseOrder: guard("CreatePurchaseOrder", (args) => {
      const { order, created } = state.createPurchaseOrder({
        externalReference: required(args, "ExternalReference"),
        supplierNumber: required(args, "SupplierNumber"),
        orderDate: date(args, "OrderDate") ?? today(),
        currency: required(args, "Currency"),
        lines: lines(args, true, "a purchase order"),
      });
      return { PurchaseOrderNumber: order.purchaseOrderNumber, ExternalReference: order.externalReference, Created: created, NetValue: order.netValue };
    }),
    ChangePurchaseOrder: guard("ChangePurchaseOrder", (args) => {
      const { order, changed } = state.changePurchaseOrder({
        purchaseOrderNumber: optional(args, "PurchaseOrderNumber"),
        externalReference: optional(args, "ExternalReference"),
        changeReference: optional(args, "ChangeReference"),
        cancel: bool(args, "Cancel") ?? false,
        lines: args?.Lines === undefined ? [] : lines(args, false),
      });
      return { PurchaseOrderNumber: order.purchaseOrderNumber, Changed: changed, Status: order.status, Revision: order.revision, NetValue: order.netValue };
    }),
    PostGoodsReceipt: guard("PostGoodsReceipt", (args) => {
      const { receipt, created } = state.postGoodsReceipt({
        externalReference: required(args, "ExternalReference"),
        purchaseOrderReference: optional(args, "PurchaseOrderReference"),
        purchaseOrderNumber: optional(args, "PurchaseOrderNumber"),
        receiptDate: date(args, "ReceiptDate", true)!,
        warehouse: optional(args, "Warehouse"),
        deliveryNote: optional(args, "DeliveryNote"),
        lines: purchasingLines(args, "a goods receipt", false),
      });
      return { GoodsReceiptNumber: receipt.goodsReceiptNumber, ExternalReference: receipt.externalReference, Created: created, PurchaseOrderNumber: receipt.purchaseOrderNumber };
    }),
    PostSupplierInvoice: guard("PostSupplierInvoice", (args) => {
      const { invoice, created } = state.postSupplierInvoice({
        externalReference: required(args, "ExternalReference"),
        purchaseOrderReference: optional(args, "PurchaseOrderReference"),
        purchaseOrderNumber: optional(args, "PurchaseOrderNumber"),
        supplierInvoiceNumber: required(args, "SupplierInvoiceNumber"),
        invoiceDate: date(args, "InvoiceDate", true)!,
        dueDate: date(args, "DueDate"),
        currency: required(args, "Currency"),
        netAmount: amount(args, "NetAmount"),
        lines: purchasingLines(args, "a supplier invoice", true),
      });
      return { APVoucherNumber: invoice.apVoucherNumber, ExternalReference: invoice.externalReference, Created: created, NetAmount: invoice.netAmount };
    }),
    CreatePlannedOrder: guard("CreatePlannedOrder", (args) => {
      const { request, created } = state.createSupplyRequest("planned-order", { ...supply(args), date: date(args, "FinishDate", true)!, startDate: date(args, "StartDate") });
      return { PlannedOrderNumber: request.number, Created: created };
    }),
    GetMasterData: guard("GetMasterData", (args) => {
      const kinds = list(args?.Kind).map((k) => String(k));
      const known: readonly string[] = MASTER_DATA_KINDS;
      for (const k of kinds) if (!known.includes(k)) throw new ErpFault(`Kind: "${k}" is not a kind of master data (there are ${known.join(", ")})`);
      const want = (k: string) => kinds.length === 0 || kinds.includes(k);
      const m = state.masterData();
      return {
        Customer: want("customers")
          ? m.customers.map((c) => ({
              CustomerNumber: c.id,
              Name: c.name,
              Class: c.class,
              Currency: c.currency,
              ...(c.creditLimit === undefined ? {} : { CreditLimit: c.creditLimit }),
              PaymentTermsDays: c.paymentTermsDays,
              GraceDays: c.graceDays,
              Blocked: c.blocked,
              ...(c.region ? { Region: c.region } : {}),
            }))
          : [],
        Item: want("items")
          ? m.items.map((i) => ({ Sku: i.sku, Name: i.name, Unit: i.unit, ProductionMode: i.productionMode, LeadTimeDays: i.leadTimeDays, ...(i.basePrice === undefined ? {} : { BasePrice: i.basePrice }) }))
          : [],
        Price: want("prices")
          ? m.priceLists.flatMap((l) =>
              l.prices.map((p) => ({
                PriceList: l.id,
                ...(l.customer ? { Customer: l.customer } : {}),
                ...(l.customerClass ? { CustomerClass: l.customerClass } : {}),
                Currency: l.currency,
                ValidFrom: l.validFrom,
                ...(l.validTo ? { ValidTo: l.validTo } : {}),
                Sku: p.sku,
                MinQuantity: p.minQuantity,
                UnitPrice: p.unitPrice,
              })),
            )
          : [],
        Warehouse: want("warehouses") ? m.warehouses.map((w) => ({ WarehouseNumber: w.id, Priority: w.priority, ...(w.region ? { Region: w.region } : {}) })) : [],
        Stock: want("stock") ? m.stock.map(stock) : [],
        OpenItem: want("openItems") ? m.openItems.map(openItem) : [],
        Company: want("companies")
          ? group.companies.map((c) => ({ CompanyNumber: c.id, Name: c.name, Currency: c.currency, ErpEndpoint: c.erpEndpoint, ...(c.id === group.home ? { Home: true } : {}) }))
          : [],
        TransferPrice: want("transferPrices")
          ? group.transferPrices.map((t) => ({ Sku: t.sku, FromCompany: t.from, ...(t.to ? { ToCompany: t.to } : {}), Price: t.price, Currency: t.currency }))
          : [],
      };
    }),
    PostConsignmentMovement: guard("PostConsignmentMovement", (args) => {
      const { movement, created } = state.postConsignmentMovement({
        externalReference: required(args, "ExternalReference"),
        kind: required(args, "Kind"),
        customerNumber: required(args, "CustomerNumber"),
        site: required(args, "Site"),
        warehouse: optional(args, "Warehouse"),
        postingDate: date(args, "PostingDate") ?? today(),
        salesOrderNumber: optional(args, "SalesOrderNumber"),
        lines: consignmentLines(args),
      });
      return { MaterialDocument: movement.materialDocument, ExternalReference: movement.externalReference, Kind: movement.kind, Created: created };
    }),
    GetConsignmentStock: guard("GetConsignmentStock", (args) => ({
      Stock: state.getConsignmentStock(required(args, "CustomerNumber"), optional(args, "Site")).map((s) => ({ Site: s.site, Sku: s.sku, Consignment: s.consignment, Issued: s.issued })),
    })),
  };
  return { ErpService: { ErpPort: port } };
}

const stock = (s: StockEntry) => ({ Sku: s.sku, Warehouse: s.warehouse, OnHand: s.onHand, Reserved: s.reserved, Available: s.available });

const openItem = (o: { customer: string; type: string; document: string; amount: number; dueDate?: string }) => ({
  Customer: o.customer,
  Type: o.type,
  Document: o.document,
  Amount: o.amount,
  ...(o.dueDate ? { DueDate: o.dueDate } : {}),
});

function supply(args: Args): Omit<SupplyRequestInput, "date"> {
  return { externalReference: required(args, "ExternalReference"), sku: required(args, "Sku"), quantity: amount(args, "Quantity"), warehouse: required(args, "Warehouse") };
}

function lines(args: Args, create: boolean, document = "a sales order"): SalesOrderLineInput[] {
  const raw = lineList(args);
  if (create && raw.length === 0) throw new ErpFault(`Lines: ${document} needs at least one line`);
  return raw.map((entry, i) => {
    const line = (entry ?? {}) as Record<string, unknown>;
    const at = `Lines.Line[${i}]`;
    return {
      lineNumber: required(line, "LineNumber", at),
      sku: optional(line, "Sku"),
      quantity: amount(line, "Quantity", at),
      unit: optional(line, "Unit"),
      unitPrice: line.UnitPrice === undefined ? undefined : amount(line, "UnitPrice", at),
      warehouse: optional(line, "Warehouse"),
      deliveryDate: date(line, "DeliveryDate", false, at),
    };
  });
}

/** A goods receipt's or a supplier invoice's lines: LineNumber, Sku, Quantity, and for an invoice UnitPrice. */
function purchasingLines(args: Args, document: string, priced: boolean): PurchasingLineInput[] {
  const raw = lineList(args);
  if (raw.length === 0) throw new ErpFault(`Lines: ${document} needs at least one line`);
  return raw.map((entry, i) => {
    const line = (entry ?? {}) as Record<string, unknown>;
    const at = `Lines.Line[${i}]`;
    return {
      lineNumber: required(line, "LineNumber", at),
      sku: required(line, "Sku", at),
      quantity: amount(line, "Quantity", at),
      ...(priced ? { unitPrice: amount(line, "UnitPrice", at) } : {}),
    };
  });
}

/** A consignment movement's lines: LineNumber (optional), Sku, Quantity. */
function consignmentLines(args: Args): ConsignmentLineInput[] {
  const raw = lineList(args);
  if (raw.length === 0) throw new ErpFault("Lines: a consignment movement needs at least one line");
  return raw.map((entry, i) => {
    const line = (entry ?? {}) as Record<string, unknown>;
    const at = `Lines.Line[${i}]`;
    return { lineNumber: optional(line, "LineNumber"), sku: required(line, "Sku", at), quantity: amount(line, "Quantity", at) };
  });
}

function lineList(args: Args): unknown[] {
  const container = args?.Lines;
  return container && typeof container === "object" ? list((container as Record<string, unknown>).Line) : [];
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  // the soap package reads xsd:date and xsd:dateTime into Dates
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "invalid date" : value.toISOString();
  if (typeof value === "object") {
    // an element with attributes arrives as {attributes, $value}
    const inner = (value as { $value?: unknown }).$value;
    return inner === undefined ? undefined : String(inner).trim();
  }
  const s = String(value).trim();
  return s === "" ? undefined : s;
}

function optional(args: Args, field: string): string | undefined {
  return text(args?.[field]);
}

function required(args: Args, field: string, at?: string): string {
  const value = text(args?.[field]);
  if (value === undefined) throw new ErpFault(`${at ? `${at}.` : ""}${field} is missing`);
  return value;
}

function amount(args: Args, field: string, at?: string): number {
  const given = args?.[field];
  // the soap package reads xsd:decimal into a number already: text that is none arrives as NaN
  if (typeof given === "number") {
    if (!Number.isFinite(given)) throw new ErpFault(`${at ? `${at}.` : ""}${field}: is not a decimal number`);
    return given;
  }
  const raw = required(args, field, at);
  const value = Number(raw);
  if (!/^-?\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) throw new ErpFault(`${at ? `${at}.` : ""}${field}: "${raw}" is not a number`);
  return value;
}

function date(args: Args, field: string, mandatory = false, at?: string): string | undefined {
  const raw = mandatory ? required(args, field, at) : optional(args, field);
  return raw === undefined ? undefined : checkDate(raw.slice(0, 10), `${at ? `${at}.` : ""}${field}`);
}

function bool(args: Args, field: string): boolean | undefined {
  const raw = optional(args, field);
  if (raw === undefined) return undefined;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new ErpFault(`${field}: "${raw}" is not true or false`);
}
