import { BrokerConnection, type BrokerOptions } from "../../connectors/amqp/connection";
import type { Delivery } from "../../connectors/amqp/deliveries";
import { rabbitmqctl } from "../support/rabbit";

export { until } from "../support/wait";

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
