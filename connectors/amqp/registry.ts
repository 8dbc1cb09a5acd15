/**
 * Live broker connections by the id of their amqp-broker config node. Messages carry only a string settlement key
 * (Node-RED clones messages), so whoever settles a message finds the live channel through this registry.
 */
import type { ConsumerInfo } from "./consumer";

/** "blocked": connected, but the broker holds every publish back (a memory or disk alarm). */
export type BrokerState = "idle" | "connecting" | "connected" | "blocked" | "retrying" | "failing" | "closed";

export interface BrokerInfo {
  id: string;
  name: string;
  state: BrokerState;
  lastError?: string;
  /** Deliveries taken off a queue and not yet settled. */
  inFlight: number;
  /** The broker's reason while it blocks this connection's publishes. */
  blocked?: string;
  /** The consumers on this connection: each that should run and does not makes the hub unhealthy. */
  consumers: ConsumerInfo[];
  /** Dead letters no queue could take yet; their originals stay unacknowledged on their queues until one does. */
  deadLettersWaiting: number;
  /** Hub queues that exist with other arguments than the hub declares, and what that means. */
  topologyDrift: Array<{ queue: string; drift: string }>;
}

export interface RegisteredBroker {
  info(): BrokerInfo;
}

const brokers = new Map<string, RegisteredBroker>();

export function registerBroker(id: string, broker: RegisteredBroker): void {
  brokers.set(id, broker);
}

export function unregisterBroker(id: string, broker: RegisteredBroker): void {
  if (brokers.get(id) === broker) brokers.delete(id);
}

export function getBroker<T extends RegisteredBroker>(id: string): T | undefined {
  return brokers.get(id) as T | undefined;
}

export function listBrokers(): BrokerInfo[] {
  return [...brokers.values()].map((b) => b.info());
}
