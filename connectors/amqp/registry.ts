/**
 * Live broker connections by the id of their amqp-broker config node. Messages carry only a string settlement key
 * (Node-RED clones messages), so whoever settles a message finds the live channel through this registry.
 */
export type BrokerState = "idle" | "connecting" | "connected" | "retrying" | "failing" | "closed";

export interface BrokerInfo {
  id: string;
  name: string;
  state: BrokerState;
  lastError?: string;
  /** Deliveries taken off a queue and not yet settled. */
  inFlight: number;
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
