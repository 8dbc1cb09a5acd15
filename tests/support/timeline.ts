import type { TestClient } from "./amqp";

/** Publishes an event on orderhub.events as the systems do: JSON, persistent, with its message id; waits for the confirm. */
export async function publishEvent(client: TestClient, routingKey: string, body: unknown, messageId: string): Promise<void> {
  client.ch.publish("orderhub.events", routingKey, Buffer.from(JSON.stringify(body)), { contentType: "application/json", persistent: true, messageId });
  await client.ch.waitForConfirms();
}

/** An o2c event's common body (docs/ORDER-TO-CASH.md) for an order key `<buyer>/<number>/<revision>`. */
export function o2cEvent(event: string, orderKey: string, system: string, document: string, at: string, extra: Record<string, unknown> = {}) {
  const [buyer, orderNumber, revision] = orderKey.split("/");
  return { event, orderKey, orderNumber, buyer, revision: Number(revision), system, document, at, ...extra };
}

/** An `order.released` as the decisions flow announces it, promised line by line on the given dates. */
export function releasedEvent(orderKey: string, lines: Array<{ lineNumber: string; sku: string; quantity: number; date: string }>) {
  const [buyer, orderNumber, revision] = orderKey.split("/");
  const rule = (name: string) => ({ rule: name, outcome: "ok", reasons: [] });
  return {
    event: "order.released",
    orderKey,
    orderNumber,
    revision: Number(revision),
    buyer,
    outcome: "released",
    at: lines[0]?.date ?? "2020-01-01",
    reasons: [],
    amount: { payable: 0, currency: "EUR" },
    confirmations: lines.map((l) => ({ ...l, warehouse: "WH-A", source: "supply" })),
    decisions: ["audit", "price", "credit", "atp"].map(rule),
    order: {
      orderNumber,
      revision: Number(revision),
      orderType: "standard",
      source: { system: "test", format: "json", documentId: `${orderNumber}.json` },
      issueDate: "2020-01-01",
      currency: "EUR",
      buyer: { id: buyer },
      lines: lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity })),
    },
  };
}
