import { fromMinor, toMinor } from "../../domain/order/money";
import type { Item, Warehouse } from "../../domain/master/types";
import type { PurchaseOrder, SalesOrderLineInput } from "./documents";
import { ErpFault } from "./fault";

const round = (amount: number, currency: string) => fromMinor(toMinor(amount, currency), currency);

/**
 * A purchase order's lines after a change (ChangePurchaseOrder): a line's quantity 0 removes it, a line number the
 * order lacks adds it (its Sku and UnitPrice then given), a line keeps its price unless the change gives one. Throws
 * ErpFault naming the line and the field; the order itself is not touched.
 */
export function changedLines(
  order: PurchaseOrder,
  changes: readonly SalesOrderLineInput[],
  item: (sku: string, field: string) => Item,
  warehouse: (id: string, field: string) => Warehouse,
): PurchaseOrder["lines"] {
  const lines = order.lines.map((l) => ({ ...l }));
  const seen = new Set<string>();
  changes.forEach((change, i) => {
    const at = `Lines.Line[${i}] (line ${change.lineNumber})`;
    if (seen.has(change.lineNumber)) throw new ErpFault(`Lines.Line[${i}]: line number ${change.lineNumber} appears twice`);
    seen.add(change.lineNumber);
    if (!(change.quantity >= 0)) throw new ErpFault(`${at}: Quantity must be 0 or more (is ${change.quantity})`);
    if (change.unitPrice !== undefined && !(change.unitPrice >= 0)) throw new ErpFault(`${at}: UnitPrice must be 0 or more (is ${change.unitPrice})`);
    const index = lines.findIndex((l) => l.lineNumber === change.lineNumber);
    if (index < 0) {
      if (change.quantity === 0) throw new ErpFault(`Lines.Line[${i}]: purchase order ${order.purchaseOrderNumber} has no line ${change.lineNumber} to remove`);
      if (!change.sku) throw new ErpFault(`${at}: Sku is missing (purchase order ${order.purchaseOrderNumber} has no line ${change.lineNumber}; a new line names its item)`);
      const known = item(change.sku, `${at}: Sku`);
      if (change.unitPrice === undefined) throw new ErpFault(`${at}: UnitPrice is missing (a purchase order states the agreed price)`);
      if (change.warehouse) warehouse(change.warehouse, `${at}: Warehouse`);
      lines.push({ lineNumber: change.lineNumber, sku: known.sku, quantity: change.quantity, unitPrice: change.unitPrice, netValue: round(change.quantity * change.unitPrice, order.currency), warehouse: change.warehouse, deliveryDate: change.deliveryDate });
      return;
    }
    const line = lines[index];
    if (change.sku && change.sku !== line.sku) throw new ErpFault(`${at}: Sku ${change.sku} differs from the line's ${line.sku}; remove the line and add a new one`);
    if (change.quantity === 0) {
      lines.splice(index, 1);
      return;
    }
    const unitPrice = change.unitPrice ?? line.unitPrice;
    lines[index] = { ...line, quantity: change.quantity, unitPrice, netValue: round(change.quantity * unitPrice, order.currency), deliveryDate: change.deliveryDate ?? line.deliveryDate };
  });
  if (lines.length === 0) throw new ErpFault(`purchase order ${order.purchaseOrderNumber}: the change removes every line; cancel the order instead`);
  return lines;
}
