// The order book on its way to and from the writer thread (store/sqlite-orders.cjs): an operation and its arguments go,
// plain records come back. The master data a write carries is packed as master data writes are (sqlite-master.ts).
import { packMasterWrites } from "./sqlite-master";
import type { DecisionEntry, HeldOrderState, OrderBookWrite, OrderBookWriteResult, OrderQuery, OrderRevisionState, OrderStore, PaymentRecord } from "./order-types";

/** Sends one operation to the writer thread and resolves with its answer. */
export type SendToWriter = (message: Record<string, unknown>) => Promise<unknown>;

export class SqliteOrderStore implements OrderStore {
  constructor(private readonly send: SendToWriter) {}

  async writeOrderBook(write: OrderBookWrite): Promise<OrderBookWriteResult> {
    const packed = { ...write, master: packMasterWrites(write.master ?? []) };
    return (await this.send({ orders: "write", write: packed })) as OrderBookWriteResult;
  }

  async orderHistory(query: Pick<OrderQuery, "orderKey" | "orderNumber" | "buyer">): Promise<DecisionEntry[]> {
    return (await this.send({ orders: "history", query })) as DecisionEntry[];
  }

  async heldOrders(query: OrderQuery): Promise<HeldOrderState[]> {
    return (await this.send({ orders: "held", query })) as HeldOrderState[];
  }

  async assignRevision(orderRef: string, document: string, purpose: "change" | "cancel", now: number): Promise<number> {
    return (await this.send({ orders: "assign", orderRef, document, purpose, now })) as number;
  }

  async orderState(orderRef: string): Promise<OrderRevisionState | undefined> {
    return ((await this.send({ orders: "state", orderRef })) as OrderRevisionState | null) ?? undefined;
  }

  async decisionInForce(orderKey: string): Promise<string | undefined> {
    const cut = orderKey.lastIndexOf("/");
    const state = await this.orderState(orderKey.slice(0, cut));
    const own = state?.revisions.find((r) => r.revision === Number(orderKey.slice(cut + 1)))?.event;
    if (!own || (JSON.parse(own) as { outcome?: string }).outcome !== "held") return own;
    const [released] = await this.heldOrders({ orderKey, status: "released" });
    return released?.releaseEvent ?? own;
  }

  async markPicked(orderRef: string, now: number): Promise<boolean> {
    return (await this.send({ orders: "picked", orderRef, now })) as boolean;
  }

  async paymentRecord(payment: string): Promise<PaymentRecord | undefined> {
    return ((await this.send({ orders: "payment", payment })) as PaymentRecord | null) ?? undefined;
  }
}
