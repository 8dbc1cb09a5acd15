import type { Channel } from "amqplib";

/** Names every flow and tool agrees on. */
export const EVENTS_EXCHANGE = "orderhub.events";
export const DEAD_LETTER_EXCHANGE = "orderhub.dlx";
export const DEAD_LETTER_QUEUE = "orderhub.dlq";
export const INBOUND_ORDERS_QUEUE = "orderhub.orders.inbound";

/** A message redelivered this often (the hub crashed on it each time) is dead-lettered by the broker itself. */
export const DELIVERY_LIMIT = 20;

export interface QueueOptions {
  /** quorum where the broker has them; classic otherwise (or where the queue already exists as classic). */
  type?: "quorum" | "classic";
  deadLetter?: boolean;
  /**
   * The broker dead-letters a quorum queue's messages at least once (it keeps a message until the dead-letter queue
   * confirms it) instead of at most once: RabbitMQ 3.10 and later (the hub's requirement). On unless told otherwise.
   */
  atLeastOnceDeadLettering?: boolean;
}

/** What the hub declared for a queue, and where the queue as it exists differs from that. */
export interface QueueDeclaration {
  queue: string;
  /** The queue's type as declared, or "existing" when it was found with other arguments and is used as it is. */
  type: "quorum" | "classic" | "existing";
  /** Where it differs from what the hub needs, in the broker's words and the consequence; undefined when it does not. */
  drift?: string;
}

function queueArguments(type: "quorum" | "classic", deadLetter: boolean, atLeastOnce: boolean): Record<string, unknown> {
  const args: Record<string, unknown> = { "x-queue-type": type };
  if (deadLetter) args["x-dead-letter-exchange"] = DEAD_LETTER_EXCHANGE;
  if (deadLetter && type === "quorum") {
    args["x-delivery-limit"] = DELIVERY_LIMIT;
    if (atLeastOnce) {
      // at-least-once dead-lettering needs reject-publish: with drop-head the broker could drop what it must keep
      args["x-dead-letter-strategy"] = "at-least-once";
      args["x-overflow"] = "reject-publish";
    }
  }
  return args;
}

/** RabbitMQ 3.10 brought at-least-once dead-lettering for quorum queues. */
export function supportsAtLeastOnceDeadLettering(serverVersion: string | undefined): boolean {
  if (!serverVersion) return true;
  const [major, minor] = serverVersion.split(".").map(Number);
  return !(major < 3 || (major === 3 && minor < 10));
}

/** The broker's reason for refusing a declaration, without amqplib's preamble. */
function brokerWords(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return /PRECONDITION_FAILED - (.*?)"?$/.exec(text)?.[1] ?? text;
}

/**
 * Declares a hub queue: durable, quorum, dead-lettering to orderhub.dlx. A declaration that disagrees with an
 * existing queue closes the channel (PRECONDITION_FAILED), so each attempt uses a throwaway channel from `open`.
 * An existing queue with other arguments (declared by an operator or an earlier release) is used as it is, and the
 * answer says how it differs, so that the log and /health can tell the operator.
 */
export async function declareQueue(
  open: () => Promise<Channel>,
  name: string,
  opts: QueueOptions = {},
): Promise<QueueDeclaration> {
  const deadLetter = opts.deadLetter ?? name !== DEAD_LETTER_QUEUE;
  const atLeastOnce = opts.atLeastOnceDeadLettering ?? true;
  const attempt = async (type: "quorum" | "classic", withAtLeastOnce: boolean): Promise<unknown> => {
    const ch = await open();
    ch.on("error", () => undefined);
    try {
      await ch.assertQueue(name, { durable: true, arguments: queueArguments(type, deadLetter, withAtLeastOnce) });
      await ch.close();
      return undefined;
    } catch (err) {
      return err;
    }
  };
  const wanted = opts.type ?? "quorum";
  const refused = await attempt(wanted, atLeastOnce);
  if (refused === undefined) return { queue: name, type: wanted };
  const why = brokerWords(refused);
  // What an earlier release declared: a quorum queue without at-least-once dead-lettering.
  if (wanted === "quorum" && deadLetter && atLeastOnce && (await attempt("quorum", false)) === undefined) {
    return {
      queue: name,
      type: "existing",
      drift: `${why}: the queue was declared without at-least-once dead-lettering, so a message the broker dead-letters (past the delivery limit, or rejected) can be lost when ${DEAD_LETTER_QUEUE} cannot take it; see docs/OPERATIONS.md, "Topology drift"`,
    };
  }
  if (!opts.type && (await attempt("classic", false)) === undefined) {
    return {
      queue: name,
      type: "existing",
      drift: `${why}: it is a classic queue, so it has no delivery limit (a message that crashes the hub comes back for ever) and no at-least-once dead-lettering; see docs/OPERATIONS.md, "Topology drift"`,
    };
  }
  // The queue exists with other arguments still: use it as it is, and say so.
  const ch = await open();
  ch.on("error", () => undefined);
  try {
    await ch.checkQueue(name);
    await ch.close();
  } catch {
    throw refused;
  }
  return {
    queue: name,
    type: "existing",
    drift: `${why}: the hub uses the queue as it is${deadLetter ? `; without dead-lettering to ${DEAD_LETTER_EXCHANGE} a message the broker rejects is lost` : ""}; see docs/OPERATIONS.md, "Topology drift"`,
  };
}

/**
 * Binds a queue to an exchange with each routing pattern (`master.#`). Binding again is harmless: a binding that exists
 * stays as it is. A missing exchange is declared (topic, durable) and bound; a missing queue fails with the broker's
 * reason (NOT_FOUND).
 */
export async function bindQueue(open: () => Promise<Channel>, queue: string, exchange: string, patterns: readonly string[]): Promise<void> {
  try {
    await bindOn(await open(), queue, exchange, patterns);
  } catch (err) {
    // The exchange of another system (the WMS's `orderhub.wms`, the PLM's `orderhub.plm`) need not exist yet when the
    // hub starts first: declared here as those systems declare it (topic, durable), the messages they publish later
    // are kept in the hub's queue instead of being dropped. An exchange that exists with another type still fails.
    if (!/NOT.FOUND - no exchange/i.test(brokerWords(err))) throw new Error(`cannot bind "${queue}" to exchange "${exchange}": ${brokerWords(err)}`);
    try {
      const ch = await open();
      ch.on("error", () => undefined);
      await ch.assertExchange(exchange, "topic", { durable: true });
      await bindOn(ch, queue, exchange, patterns);
    } catch (again) {
      throw new Error(`cannot bind "${queue}" to exchange "${exchange}": ${brokerWords(again)}`);
    }
  }
}

async function bindOn(ch: Channel, queue: string, exchange: string, patterns: readonly string[]): Promise<void> {
  ch.on("error", () => undefined);
  for (const pattern of patterns) await ch.bindQueue(queue, exchange, pattern);
  await ch.close();
}

export interface TopologyOptions {
  /** The broker's version (from the connection's server properties): decides at-least-once dead-lettering. */
  serverVersion?: string;
}

/**
 * The hub's fixed topology: the events exchange, the dead-letter exchange and queue, the inbound orders queue.
 * Returns each queue's declaration, drift included.
 */
export async function declareHubTopology(open: () => Promise<Channel>, opts: TopologyOptions = {}): Promise<QueueDeclaration[]> {
  const ch = await open();
  await ch.assertExchange(EVENTS_EXCHANGE, "topic", { durable: true });
  await ch.assertExchange(DEAD_LETTER_EXCHANGE, "topic", { durable: true });
  await ch.close();
  const dlq = await declareQueue(open, DEAD_LETTER_QUEUE, { deadLetter: false });
  const bind = await open();
  await bind.bindQueue(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, "#");
  await bind.close();
  const inbound = await declareQueue(open, INBOUND_ORDERS_QUEUE, { atLeastOnceDeadLettering: supportsAtLeastOnceDeadLettering(opts.serverVersion) });
  return [dlq, inbound];
}
