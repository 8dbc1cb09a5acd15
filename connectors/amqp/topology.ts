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
}

function queueArguments(type: "quorum" | "classic", deadLetter: boolean): Record<string, unknown> {
  const args: Record<string, unknown> = { "x-queue-type": type };
  if (deadLetter) args["x-dead-letter-exchange"] = DEAD_LETTER_EXCHANGE;
  if (deadLetter && type === "quorum") args["x-delivery-limit"] = DELIVERY_LIMIT;
  return args;
}

/**
 * Declares a hub queue: durable, quorum, dead-lettering to orderhub.dlx. A declaration that disagrees with an
 * existing queue closes the channel (PRECONDITION_FAILED), so each attempt uses a throwaway channel from `open`.
 * Returns the type the queue ended up with.
 */
export async function declareQueue(
  open: () => Promise<Channel>,
  name: string,
  opts: QueueOptions = {},
): Promise<string> {
  const deadLetter = opts.deadLetter ?? name !== DEAD_LETTER_QUEUE;
  const attempts: Array<"quorum" | "classic"> = opts.type ? [opts.type] : ["quorum", "classic"];
  let lastError: unknown;
  for (const type of attempts) {
    const ch = await open();
    ch.on("error", () => undefined);
    try {
      await ch.assertQueue(name, { durable: true, arguments: queueArguments(type, deadLetter) });
      await ch.close();
      return type;
    } catch (err) {
      lastError = err;
    }
  }
  // The queue exists with other arguments (declared by an operator or an older release): use it as it is.
  const ch = await open();
  ch.on("error", () => undefined);
  try {
    await ch.checkQueue(name);
    await ch.close();
    return "existing";
  } catch {
    throw lastError;
  }
}

/** The hub's fixed topology: the events exchange, the dead-letter exchange and queue, the inbound orders queue. */
export async function declareHubTopology(open: () => Promise<Channel>): Promise<void> {
  const ch = await open();
  await ch.assertExchange(EVENTS_EXCHANGE, "topic", { durable: true });
  await ch.assertExchange(DEAD_LETTER_EXCHANGE, "topic", { durable: true });
  await ch.close();
  await declareQueue(open, DEAD_LETTER_QUEUE, { deadLetter: false });
  const bind = await open();
  await bind.bindQueue(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, "#");
  await bind.close();
  await declareQueue(open, INBOUND_ORDERS_QUEUE);
}
