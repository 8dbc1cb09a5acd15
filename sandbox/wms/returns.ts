/**
 * The stand-in WMS's returns: a return notice (`wms.return-notices`) announces what a customer sends back under an RMA;
 * the WMS receives it and reports `wms.return-received` with what really came back. How much comes back is a switch
 * (`PUT /sandbox/wms/_returns`): a share of each line (`receive`, 0..1, rounded down; default 1: all) or per-item
 * quantities (`quantities: {sku: n}`, at most what was announced). An RMA is received once: sent again, it gets the
 * event of the first time (same body, same message id).
 */

export const WMS_RETURNS_QUEUE = "wms.return-notices";
export const WMS_RETURNS_REJECTED_QUEUE = "wms.return-notices.rejected";

export interface ReturnNoticeLine {
  lineNumber: string;
  sku: string;
  quantity: number;
  warehouse?: string;
}

export interface ReturnNotice {
  rma: string;
  orderKey: string;
  lines: ReturnNoticeLine[];
}

export interface ReturnReceivedEvent {
  event: "wms.return-received";
  system: "wms";
  /** The goods receipt: `GR-<rma>`. */
  document: string;
  rma: string;
  orderKey: string;
  warehouse?: string;
  /** announced: what the notice said; quantity: what really came back. */
  lines: Array<{ lineNumber: string; sku: string; warehouse?: string; announced: number; quantity: number }>;
  short: boolean;
  at: string;
}

export class InvalidReturnNotice extends Error {
  override name = "InvalidReturnNotice";
}

export interface ReturnBehaviour {
  receive: number;
  quantities: Record<string, number>;
}

export class WmsReturns {
  private received = new Map<string, ReturnReceivedEvent>();
  behaviour: ReturnBehaviour = { receive: 1, quantities: {} };
  rejected: Array<{ reason: string; at: string }> = [];

  reset(): void {
    this.received.clear();
    this.behaviour = { receive: 1, quantities: {} };
    this.rejected = [];
  }

  /** Sets how much of a return comes back, or throws naming the field and the value. */
  setBehaviour(body: Record<string, unknown>): ReturnBehaviour {
    const receive = body.receive ?? 1;
    if (typeof receive !== "number" || !(receive >= 0 && receive <= 1)) throw new Error(`receive: must be a share from 0 to 1 (is ${JSON.stringify(receive)})`);
    const quantities = body.quantities ?? {};
    if (typeof quantities !== "object" || quantities === null || Array.isArray(quantities)) throw new Error(`quantities: must be an object of item → quantity (is ${JSON.stringify(quantities)})`);
    for (const [sku, q] of Object.entries(quantities)) if (typeof q !== "number" || !(q >= 0)) throw new Error(`quantities.${sku}: must be a number, 0 or more (is ${JSON.stringify(q)})`);
    this.behaviour = { receive, quantities: { ...(quantities as Record<string, number>) } };
    return this.behaviour;
  }

  /** The return notice in a message body, or InvalidReturnNotice naming the field and the value. */
  read(body: Buffer): ReturnNotice {
    let raw: unknown;
    try {
      raw = JSON.parse(body.toString("utf8"));
    } catch (err) {
      throw new InvalidReturnNotice(`not JSON: ${(err as Error).message}`);
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new InvalidReturnNotice("a return notice is a JSON object");
    const n = raw as Record<string, unknown>;
    const str = (value: unknown, field: string): string => {
      if (typeof value !== "string" || value.trim() === "") throw new InvalidReturnNotice(`${field}: must be a non-empty string (is ${JSON.stringify(value)})`);
      return value;
    };
    const rma = str(n.rma, "rma");
    const orderKey = str(n.orderKey, "orderKey");
    if (!Array.isArray(n.lines) || n.lines.length === 0) throw new InvalidReturnNotice(`return notice ${rma}: lines must list at least one line`);
    const lines = n.lines.map((entry, i): ReturnNoticeLine => {
      const l = (entry ?? {}) as Record<string, unknown>;
      const at = `return notice ${rma}: lines[${i}]`;
      if (typeof l.quantity !== "number" || !(l.quantity > 0)) throw new InvalidReturnNotice(`${at}.quantity: must be a number greater than 0 (is ${JSON.stringify(l.quantity)})`);
      const warehouse = l.warehouse === undefined ? undefined : str(l.warehouse, `${at}.warehouse`);
      return { lineNumber: str(l.lineNumber, `${at}.lineNumber`), sku: str(l.sku, `${at}.sku`), quantity: l.quantity, ...(warehouse ? { warehouse } : {}) };
    });
    return { rma, orderKey, lines };
  }

  /** The event of an RMA received before, if it was. */
  done(rma: string): ReturnReceivedEvent | undefined {
    return this.received.get(rma);
  }

  /** Receives the return as the switch says, once per RMA: an RMA received before gets its first event. */
  receive(notice: ReturnNotice, at: Date): ReturnReceivedEvent {
    const before = this.received.get(notice.rma);
    if (before) return before;
    const left = { ...this.behaviour.quantities };
    const lines = notice.lines.map((l) => {
      let quantity = Math.floor(l.quantity * this.behaviour.receive);
      if (left[l.sku] !== undefined) {
        quantity = Math.min(l.quantity, left[l.sku]);
        left[l.sku] -= quantity;
      }
      return { lineNumber: l.lineNumber, sku: l.sku, ...(l.warehouse ? { warehouse: l.warehouse } : {}), announced: l.quantity, quantity };
    });
    const warehouse = notice.lines.find((l) => l.warehouse)?.warehouse;
    const event: ReturnReceivedEvent = {
      event: "wms.return-received", system: "wms", document: `GR-${notice.rma}`, rma: notice.rma, orderKey: notice.orderKey, ...(warehouse ? { warehouse } : {}),
      lines, short: lines.some((l) => l.quantity < l.announced), at: at.toISOString(),
    };
    this.received.set(notice.rma, event);
    return event;
  }

  snapshot(): object {
    return { returns: [...this.received.values()], returnBehaviour: this.behaviour, returnsRejected: this.rejected };
  }
}
