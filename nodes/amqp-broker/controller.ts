import { BrokerConnection, type TlsOptions } from "../../connectors/amqp";
import type { Node, NodeDef } from "../shared/types";

export const DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";

export interface BrokerNodeConfig extends NodeDef {
  url: string;
  heartbeat: string | number;
  settleDeadline: string | number;
  declareTopology: boolean;
  rejectUnauthorized: boolean;
}

export interface BrokerCredentials {
  user?: string;
  password?: string;
  ca?: string;
  cert?: string;
  key?: string;
}

/** The URL to connect to: the node's URL (empty means $AMQP_URL), with credentials from the node if given. */
export function brokerUrl(config: { url?: string }, creds: BrokerCredentials = {}): string {
  const raw = (config.url ?? "").trim() || process.env.AMQP_URL || DEFAULT_AMQP_URL;
  if (!creds.user) return raw;
  const url = new URL(raw);
  url.username = encodeURIComponent(creds.user);
  url.password = encodeURIComponent(creds.password ?? "");
  return url.toString();
}

function tlsOptions(config: BrokerNodeConfig, creds: BrokerCredentials): TlsOptions | undefined {
  if (!creds.ca && !creds.cert && !creds.key && config.rejectUnauthorized !== false) return undefined;
  return { ca: creds.ca || undefined, cert: creds.cert || undefined, key: creds.key || undefined, rejectUnauthorized: config.rejectUnauthorized !== false };
}

/**
 * The amqp-broker config node owns one connection; amqp-in, amqp-out and dead-letter nodes register with it.
 * Its status goes to every user node (they subscribe with connection.onState).
 */
export class BrokerNodeController {
  readonly connection: BrokerConnection;

  constructor(node: Node<BrokerCredentials>, config: BrokerNodeConfig) {
    const creds = node.credentials ?? {};
    this.connection = new BrokerConnection({
      id: node.id,
      name: config.name || new URL(brokerUrl(config)).host,
      url: brokerUrl(config, creds),
      heartbeatSeconds: Number(config.heartbeat) || 30,
      settleDeadlineMs: (Number(config.settleDeadline) || 60) * 1000,
      declareTopology: config.declareTopology !== false,
      tls: tlsOptions(config, creds),
    });
    node.on("close", (_removed: boolean, done: () => void) => {
      this.connection.shutdown(10_000).then(done, done);
    });
  }
}

/** The live connection behind an amqp-broker config node id, as user nodes look it up. */
export function connectionOf(RED: { nodes: { getNode(id: string): unknown } }, id: string): BrokerConnection | undefined {
  const node = RED.nodes.getNode(id) as { controller?: BrokerNodeController } | null;
  return node?.controller?.connection;
}
