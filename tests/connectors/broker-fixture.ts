import { BrokerConnection, type BrokerOptions } from "../../connectors/amqp/connection";
import type { Delivery } from "../../connectors/amqp/deliveries";
import { rabbitmqctl } from "../support/rabbit";

/** Polls `check` until it holds; fails naming `what` (and the last value seen) when it does not within `timeoutMs`. */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > end) throw new Error(`waited ${timeoutMs} ms for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A queue's messages as the broker counts them: ready, taken and not yet acknowledged, and both. */
export interface QueueCounts {
  ready: number;
  unacked: number;
  total: number;
}

/** The broker's own count of a queue (undefined when there is no such queue). */
export function queueCounts(vhost: string, queue: string): QueueCounts | undefined {
  const rows = rabbitmqctl("list_queues", "-p", vhost, "--no-table-headers", "name", "messages_ready", "messages_unacknowledged", "messages").trim().split("\n");
  for (const row of rows) {
    const [name, ready, unacked, total] = row.split("\t");
    if (name === queue) return { ready: Number(ready), unacked: Number(unacked), total: Number(total) };
  }
  return undefined;
}

/** How many consumers the broker counts on a queue (undefined when there is no such queue). */
export function consumerCount(vhost: string, queue: string): number | undefined {
  const rows = rabbitmqctl("list_queues", "-p", vhost, "--no-table-headers", "name", "consumers").trim().split("\n");
  const row = rows.find((r) => r.split("\t")[0] === queue);
  return row === undefined ? undefined : Number(row.split("\t")[1]);
}

/** A queue's arguments as the broker holds them, raw (`[{"x-queue-type","quorum"},…]`). */
export function queueArguments(vhost: string, queue: string): string | undefined {
  const rows = rabbitmqctl("list_queues", "-p", vhost, "--no-table-headers", "name", "arguments").trim().split("\n");
  const row = rows.find((r) => r.split("\t")[0] === queue);
  return row?.split("\t").slice(1).join("\t");
}

/** A BrokerConnection on `url`, started, plus what its consumers took, in order. */
export async function openBroker(url: string, opts: Partial<BrokerOptions> = {}) {
  const broker = new BrokerConnection({ id: opts.id ?? `test-broker-${Math.random().toString(16).slice(2, 10)}`, name: opts.name ?? "test", url, ...opts });
  const user = {};
  broker.register(user);
  await broker.whenConnected(20_000);
  return { broker, stop: () => broker.stop() };
}

/** Collects what a consumer takes, for a test to settle as it likes. */
export function taken(): { deliveries: Delivery[]; onMessage: (d: Delivery) => void } {
  const deliveries: Delivery[] = [];
  return { deliveries, onMessage: (d) => deliveries.push(d) };
}
