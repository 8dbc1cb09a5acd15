import type { CanonicalOrder, Party } from "../order/canonical-order";
import type { ConfirmedLine, OrderDecidedEvent } from "../order/decided";
import { dayOf } from "../order/dates";
import { documentId } from "./ids";

/**
 * delivery-note: what each warehouse is to ship for a released order. ATP confirmed every line's quantity from one or
 * more warehouses; each warehouse gets one delivery note with its lines and their quantities, whatever the dates (the
 * schedule says which part can go when). The note's id comes from the order key and the warehouse, so the same
 * `order.released` read again makes the same notes, which the warehouse recognises.
 */

/** One quantity of a line, and the day ATP promised it for. */
export interface ScheduledQuantity {
  quantity: number;
  date: string;
}

export interface DeliveryNoteLine {
  lineNumber: string;
  sku: string;
  /** Everything this warehouse ships of the line. */
  quantity: number;
  warehouse: string;
  unit?: string;
  description?: string;
  /** The day the whole quantity is there: the latest of the schedule's. */
  date: string;
  /** The quantities by day, earliest first, where ATP promised part of it for a later day. */
  schedule: ScheduledQuantity[];
}

export interface DeliveryNote {
  /** `DN-…`: the same for the same order key and warehouse. */
  deliveryNote: string;
  orderKey: string;
  orderNumber: string;
  revision: number;
  buyer: string;
  warehouse: string;
  /** The earliest day anything on the note can leave, and the day the note is complete. */
  firstDate: string;
  completeDate: string;
  shipTo?: Party;
  lines: DeliveryNoteLine[];
}

/** What an `order.released` gives the delivery notes (the event body as domain/order/decided.ts makes it). */
export type ReleasedOrder = Pick<OrderDecidedEvent, "orderKey" | "orderNumber" | "revision" | "buyer" | "confirmations"> & { order: CanonicalOrder };

export function deliveryNoteId(orderKey: string, warehouse: string): string {
  return documentId("DN", orderKey, warehouse);
}

const round = (q: number) => Math.round(q * 1e6) / 1e6;

/** One note per warehouse with something to ship, in the order the warehouses first appear among the confirmations. */
export function deliveryNotes(released: ReleasedOrder): DeliveryNote[] {
  const byWarehouse = new Map<string, Map<string, ConfirmedLine[]>>();
  for (const c of released.confirmations ?? []) {
    if (!(c.quantity > 0)) continue;
    let lines = byWarehouse.get(c.warehouse);
    if (!lines) byWarehouse.set(c.warehouse, (lines = new Map()));
    const parts = lines.get(c.lineNumber);
    if (parts) parts.push(c);
    else lines.set(c.lineNumber, [c]);
  }
  const orderLines = new Map(released.order.lines.map((l) => [l.lineNumber, l]));
  return [...byWarehouse].map(([warehouse, lines]) => {
    const noteLines = [...lines.values()].map((parts): DeliveryNoteLine => {
      const days = new Map<string, number>();
      for (const p of parts) days.set(dayOf(p.date), round((days.get(dayOf(p.date)) ?? 0) + p.quantity));
      const schedule = [...days].sort(([a], [b]) => a.localeCompare(b)).map(([date, quantity]) => ({ quantity, date }));
      const line = orderLines.get(parts[0].lineNumber);
      return {
        lineNumber: parts[0].lineNumber,
        sku: parts[0].sku,
        quantity: round(schedule.reduce((sum, s) => sum + s.quantity, 0)),
        warehouse,
        ...(line?.unit ? { unit: line.unit } : {}),
        ...(line?.description ? { description: line.description } : {}),
        date: schedule[schedule.length - 1].date,
        schedule,
      };
    });
    const dates = noteLines.flatMap((l) => l.schedule.map((s) => s.date)).sort();
    return {
      deliveryNote: deliveryNoteId(released.orderKey, warehouse),
      orderKey: released.orderKey,
      orderNumber: released.orderNumber,
      revision: released.revision,
      buyer: released.buyer,
      warehouse,
      firstDate: dates[0],
      completeDate: dates[dates.length - 1],
      ...(released.order.shipTo ? { shipTo: released.order.shipTo } : {}),
      lines: noteLines,
    };
  });
}
