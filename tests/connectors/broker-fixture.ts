import { BrokerConnection, type BrokerOptions } from "../../connectors/amqp/connection";
import type { Delivery } from "../../connectors/amqp/deliveries";
import { allQueueCounts, rabbitmqctl, type QueueCounts } from "../support/rabbit";

export { until } from "../support/wait";

export type { QueueCounts } from "../support/rabbit";

/** The queue's own count of its messages this moment (undefined when there is no such queue). */
export async function queueCounts(vhost: string, queue: string): Promise<QueueCounts | undefined> {
  return (await allQueueCounts(vhost)).get(queue);
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
