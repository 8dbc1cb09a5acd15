import { connect as netConnect, createServer as createNetServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { BrokerConnection } from "../../connectors/amqp";

export interface RelayPair {
  client: Socket;
  broker: Socket;
}

export interface BrokerRelay {
  port: number;
  /** The connections open now, client side and broker side. */
  pairs: Set<RelayPair>;
  close(): Promise<void>;
}

/**
 * A listener on loopback that passes every connection to the real broker on 127.0.0.1:5672: plain TCP, or TLS with
 * the given key and certificate (what a RabbitMQ TLS listener does, without reconfiguring the shared broker).
 */
export async function relayToBroker(tls?: { key: string | Buffer; cert: string | Buffer }): Promise<BrokerRelay> {
  const pairs = new Set<RelayPair>();
  const relay = (client: Socket) => {
    const broker = netConnect(5672, "127.0.0.1");
    const pair = { client, broker };
    pairs.add(pair);
    client.pipe(broker).pipe(client);
    const end = () => (client.destroy(), broker.destroy(), pairs.delete(pair));
    client.on("error", end);
    broker.on("error", end);
    client.on("close", end);
  };
  const server: Server = tls ? createTlsServer(tls, relay) : createNetServer(relay);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as { port: number }).port,
    pairs,
    close: async () => {
      for (const { client, broker } of pairs) client.destroy(), broker.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Wait until the broker connection is in one of `states`, or `ms` passed; returns the state it is in. */
export async function waitForState(broker: BrokerConnection, states: string[], ms: number): Promise<string> {
  const until = Date.now() + ms;
  while (!states.includes(broker.info().state) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return broker.info().state;
}
