import type { MasterData } from "../../domain/master/types";

/**
 * The stand-in WMS's stock and the delivery notes it was sent. A delivery note is picked from the stock of its lines'
 * warehouses as far as the stock goes (a short pick when it is short), and shipped as picked. A delivery note is done
 * once: sent again, it gets the events of the first time (same bodies, same message ids), and nothing is picked twice.
 */

export interface DeliveryNoteLine {
  lineNumber: string;
  sku: string;
  quantity: number;
  warehouse: string;
}

/** A delivery to a customer's consignment stock (no sale): announced as `wms.fill-up.picked` / `wms.fill-up.shipped`. */
export const FILL_UP = "consignment-fillup";

/** A delivery to a sister company of the group (an inter-company sale): announced as `wms.intercompany.picked` / `.shipped`. */
export const INTERCOMPANY = "intercompany";

/** The event names of each delivery type (none: a sales delivery). */
const EVENTS: Readonly<Record<string, { picked: WmsEvent["event"]; shipped: WmsEvent["event"] }>> = {
  "": { picked: "wms.picked", shipped: "wms.shipped" },
  [FILL_UP]: { picked: "wms.fill-up.picked", shipped: "wms.fill-up.shipped" },
  [INTERCOMPANY]: { picked: "wms.intercompany.picked", shipped: "wms.intercompany.shipped" },
};

export interface DeliveryNote {
  deliveryNote: string;
  orderKey: string;
  orderNumber: string;
  buyer: string;
  /** The delivery's type: absent for a sales delivery; `consignment-fillup` for goods to a consignment site. */
  type?: string;
  /** Where the goods go (a consignment site), echoed in the events. */
  shipTo?: string;
  lines: DeliveryNoteLine[];
}

export interface WmsEventLine {
  lineNumber: string;
  sku: string;
  warehouse: string;
  /** What the delivery note asked for. */
  requested: number;
  /** What was really picked (wms.picked) or really left the warehouse (wms.shipped). */
  quantity: number;
}

export interface WmsEvent {
  event: "wms.picked" | "wms.shipped" | "wms.fill-up.picked" | "wms.fill-up.shipped" | "wms.intercompany.picked" | "wms.intercompany.shipped";
  system: "wms";
  document: string;
  deliveryNote: string;
  orderKey: string;
  orderNumber: string;
  buyer: string;
  type?: string;
  shipTo?: string;
  lines: WmsEventLine[];
  /** Some line got less than it asked for. */
  short: boolean;
  at: string;
}

export interface WmsEvents {
  picked: WmsEvent;
  shipped: WmsEvent;
}

export class InvalidDeliveryNote extends Error {
  override name = "InvalidDeliveryNote";
}

export class WmsState {
  private stock = new Map<string, number>();
  private warehouses = new Set<string>();
  private items = new Set<string>();
  private notes = new Map<string, WmsEvents>();
  rejected: Array<{ reason: string; at: string }> = [];

  constructor(private readonly seed: () => MasterData) {
    this.reset();
  }

  reset(): void {
    const data = this.seed();
    this.stock = new Map();
    for (const s of data.supply ?? []) if (s.type === "on-hand") this.stock.set(key(s.sku, s.warehouse), (this.stock.get(key(s.sku, s.warehouse)) ?? 0) + s.quantity);
    this.warehouses = new Set((data.warehouses ?? []).map((w) => w.id));
    this.items = new Set((data.items ?? []).map((i) => i.sku));
    this.notes.clear();
    this.rejected = [];
  }

  /** The delivery note in a message body, or InvalidDeliveryNote naming the field and the value. */
  read(body: Buffer): DeliveryNote {
    let raw: unknown;
    try {
      raw = JSON.parse(body.toString("utf8"));
    } catch (err) {
      throw new InvalidDeliveryNote(`not JSON: ${(err as Error).message}`);
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new InvalidDeliveryNote("a delivery note is a JSON object");
    const n = raw as Record<string, unknown>;
    const str = (value: unknown, field: string): string => {
      if (typeof value === "number" && Number.isFinite(value)) return String(value);
      if (typeof value !== "string" || value.trim() === "") throw new InvalidDeliveryNote(`${field}: must be a non-empty string (is ${JSON.stringify(value)})`);
      return value;
    };
    const deliveryNote = str(n.deliveryNote, "deliveryNote");
    const note = { deliveryNote, orderKey: str(n.orderKey, "orderKey"), orderNumber: str(n.orderNumber, "orderNumber"), buyer: str(n.buyer, "buyer") };
    const type = n.type === undefined ? undefined : str(n.type, "type");
    if (type !== undefined && type !== FILL_UP && type !== INTERCOMPANY) {
      throw new InvalidDeliveryNote(`type: "${type}" is no delivery type of this WMS (a sales delivery has none; ${FILL_UP} fills a consignment site; ${INTERCOMPANY} goes to a sister company)`);
    }
    const shipTo = n.shipTo === undefined ? undefined : str(n.shipTo, "shipTo");
    if (type === FILL_UP && shipTo === undefined) throw new InvalidDeliveryNote(`delivery note ${deliveryNote}: a ${FILL_UP} names the consignment site in shipTo`);
    if (type === INTERCOMPANY && shipTo === undefined) throw new InvalidDeliveryNote(`delivery note ${deliveryNote}: an ${INTERCOMPANY} delivery names the buying company in shipTo`);
    if (!Array.isArray(n.lines) || n.lines.length === 0) throw new InvalidDeliveryNote(`delivery note ${deliveryNote}: lines must list at least one line`);
    const seen = new Set<string>();
    const lines = n.lines.map((entry, i): DeliveryNoteLine => {
      const l = (entry ?? {}) as Record<string, unknown>;
      const at = `delivery note ${deliveryNote}: lines[${i}]`;
      const lineNumber = str(l.lineNumber, `${at}.lineNumber`);
      if (seen.has(lineNumber)) throw new InvalidDeliveryNote(`${at}.lineNumber: line ${lineNumber} appears twice`);
      seen.add(lineNumber);
      const sku = str(l.sku, `${at}.sku`);
      if (!this.items.has(sku)) throw new InvalidDeliveryNote(`${at}.sku: item ${sku} is not kept in this WMS`);
      if (typeof l.quantity !== "number" || !(l.quantity > 0)) throw new InvalidDeliveryNote(`${at}.quantity: must be a number greater than 0 (is ${JSON.stringify(l.quantity)})`);
      const warehouse = str(l.warehouse, `${at}.warehouse`);
      if (!this.warehouses.has(warehouse)) throw new InvalidDeliveryNote(`${at}.warehouse: warehouse ${warehouse} is not run by this WMS (there are ${[...this.warehouses].join(", ")})`);
      return { lineNumber, sku, quantity: l.quantity, warehouse };
    });
    return { ...note, ...(type ? { type } : {}), ...(shipTo ? { shipTo } : {}), lines };
  }

  /** The events of a delivery note done before, if it was. */
  done(deliveryNote: string): WmsEvents | undefined {
    return this.notes.get(deliveryNote);
  }

  /** Picks the note from stock (as far as it goes) and records its events; a note done before gets its first events. */
  ship(note: DeliveryNote, pickedAt: Date, shippedAt: Date): WmsEvents {
    const before = this.notes.get(note.deliveryNote);
    if (before) return before;
    const lines = note.lines.map((l): WmsEventLine => {
      const onHand = this.stock.get(key(l.sku, l.warehouse)) ?? 0;
      const quantity = Math.max(0, Math.min(onHand, l.quantity));
      this.stock.set(key(l.sku, l.warehouse), onHand - quantity);
      return { lineNumber: l.lineNumber, sku: l.sku, warehouse: l.warehouse, requested: l.quantity, quantity };
    });
    const short = lines.some((l) => l.quantity < l.requested);
    const extra = { ...(note.type ? { type: note.type } : {}), ...(note.shipTo ? { shipTo: note.shipTo } : {}) };
    const common = { system: "wms" as const, document: note.deliveryNote, deliveryNote: note.deliveryNote, orderKey: note.orderKey, orderNumber: note.orderNumber, buyer: note.buyer, ...extra, lines, short };
    const names = EVENTS[note.type ?? ""];
    const events: WmsEvents = {
      picked: { event: names.picked, ...common, at: pickedAt.toISOString() },
      shipped: { event: names.shipped, ...common, at: shippedAt.toISOString() },
    };
    this.notes.set(note.deliveryNote, events);
    return events;
  }

  /**
   * Goods a customer sent back, on stock again where they were received (a line's warehouse, else the WMS's first):
   * a return restocks what really came back, not what was announced.
   */
  restock(lines: ReadonlyArray<{ sku: string; warehouse?: string; quantity: number }>): void {
    const first = [...this.warehouses][0];
    for (const l of lines) {
      const warehouse = l.warehouse && this.warehouses.has(l.warehouse) ? l.warehouse : first;
      if (!warehouse || !(l.quantity > 0)) continue;
      this.stock.set(key(l.sku, warehouse), (this.stock.get(key(l.sku, warehouse)) ?? 0) + l.quantity);
    }
  }

  /** Sets a stock quantity (tests, a person preparing a short shipment: `PUT /sandbox/wms/_stock`). */
  setStock(sku: string, warehouse: string, quantity: number): void {
    if (!this.warehouses.has(warehouse)) throw new Error(`warehouse: ${warehouse} is not run by this WMS`);
    if (!this.items.has(sku)) throw new Error(`sku: item ${sku} is not kept in this WMS`);
    if (!(quantity >= 0)) throw new Error(`quantity: must be 0 or more (is ${quantity})`);
    this.stock.set(key(sku, warehouse), quantity);
  }

  snapshot(): object {
    const stock = [...this.stock.entries()].map(([k, quantity]) => ({ sku: k.split("|")[0], warehouse: k.split("|")[1], quantity }));
    return { stock, deliveryNotes: [...this.notes.values()].map((e) => e.shipped), rejected: this.rejected };
  }
}

const key = (sku: string, warehouse: string) => `${sku}|${warehouse}`;
