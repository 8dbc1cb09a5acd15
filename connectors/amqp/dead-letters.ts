import amqp, { type Channel, type ChannelModel, type GetMessage } from "amqplib";
import { DEAD_LETTER_HEADERS } from "./settlement";
import { DEAD_LETTER_QUEUE, declareHubTopology } from "./topology";

/** A message in orderhub.dlq as an operator looks at it. */
export interface DeadLetter {
  /** 1-based position in the queue at the time it was read. */
  position: number;
  messageId: string | undefined;
  error: string;
  node: string;
  failedAt: string | undefined;
  /** Where it came from, and where a replay sends it. */
  queue: string | undefined;
  contentType: string | undefined;
  /** How many times its queue had delivered it when it failed, when known. */
  deliveries: number | undefined;
  headers: Record<string, unknown>;
  body: Buffer;
}

const text = (v: unknown) => (v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v.toString() : String(v));

function originQueue(headers: Record<string, unknown>): string | undefined {
  const ours = text(headers[DEAD_LETTER_HEADERS.queue]);
  if (ours) return ours;
  const death = headers["x-death"] as Array<{ queue?: unknown }> | undefined;
  return text(death?.[0]?.queue);
}

function toDeadLetter(m: GetMessage, position: number): DeadLetter {
  const headers = (m.properties.headers ?? {}) as Record<string, unknown>;
  const death = headers["x-death"] as Array<{ reason?: unknown }> | undefined;
  return {
    position,
    messageId: m.properties.messageId as string | undefined,
    error: text(headers[DEAD_LETTER_HEADERS.error]) ?? `dead-lettered by the broker (${text(death?.[0]?.reason) ?? "no reason given"})`,
    node: text(headers[DEAD_LETTER_HEADERS.node]) ?? "broker",
    failedAt: text(headers[DEAD_LETTER_HEADERS.failedAt]),
    queue: originQueue(headers),
    contentType: m.properties.contentType as string | undefined,
    deliveries: headers[DEAD_LETTER_HEADERS.deliveries] === undefined ? undefined : Number(headers[DEAD_LETTER_HEADERS.deliveries]),
    headers,
    body: m.content,
  };
}

/**
 * Reads the DLQ without removing anything: messages are fetched unacknowledged and, unless `settle` acks them, go
 * back to the queue when the channel closes. `select` picks the ones to hand to `settle`.
 */
async function withDeadLetters<T>(
  url: string,
  limit: number,
  visit: (letters: DeadLetter[], ack: (position: number) => void, ch: Channel) => Promise<T>,
): Promise<T> {
  let conn: ChannelModel | undefined;
  try {
    conn = await amqp.connect(url, { clientProperties: { connection_name: "orderhub dlq tool" } });
    await declareHubTopology(() => conn!.createChannel());
    const ch = await conn.createConfirmChannel();
    const raw: GetMessage[] = [];
    for (;;) {
      if (raw.length >= limit) break;
      const m = await ch.get(DEAD_LETTER_QUEUE, { noAck: false });
      if (!m) break;
      raw.push(m);
    }
    const letters = raw.map((m, i) => toDeadLetter(m, i + 1));
    const result = await visit(letters, (position) => ch.ack(raw[position - 1]), ch);
    await ch.close();
    return result;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

export function listDeadLetters(url: string, limit = 1000): Promise<DeadLetter[]> {
  return withDeadLetters(url, limit, async (letters) => letters);
}

/** Which dead letters a replay takes: by message id or position, or all of them. */
export type Selection = { all: true } | { ids: string[] };

export function selects(selection: Selection, d: DeadLetter): boolean {
  if ("all" in selection) return true;
  return selection.ids.some((id) => id === d.messageId || id === String(d.position));
}

export interface ReplayResult {
  replayed: DeadLetter[];
  /** Selected but not replayed, and why (no origin queue known, or that queue is gone): they stay in the DLQ. */
  skipped: Array<DeadLetter & { why: string }>;
}

/**
 * Sends the selected dead letters back to the queue they came from, with their original body, properties and headers
 * (our failure headers removed, a replay count added), and removes them from the DLQ once the broker confirmed.
 */
export function replayDeadLetters(url: string, selection: Selection, limit = 100_000): Promise<ReplayResult> {
  return withDeadLetters(url, limit, async (letters, ack, ch) => {
    const result: ReplayResult = { replayed: [], skipped: [] };
    // Sent `mandatory` and one at a time: a return before the confirm means no queue took it (the queue it came from
    // was deleted), and then it stays in the DLQ.
    let returned: string | undefined;
    ch.on("return", (m: GetMessage) => {
      const fields = m.fields as unknown as { replyText?: string };
      returned = fields.replyText ?? "NO_ROUTE";
    });
    for (const d of letters.filter((l) => selects(selection, l))) {
      if (!d.queue) {
        result.skipped.push({ ...d, why: "it does not say which queue it came from" });
        continue;
      }
      const headers = Object.fromEntries(
        Object.entries(d.headers).filter(([k]) => !k.startsWith("x-orderhub-") && k !== "x-death"),
      );
      headers["x-orderhub-replays"] = Number(d.headers["x-orderhub-replays"] ?? 0) + 1;
      returned = undefined;
      ch.sendToQueue(d.queue, d.body, { persistent: true, mandatory: true, messageId: d.messageId, contentType: d.contentType, headers });
      await (ch as amqp.ConfirmChannel).waitForConfirms();
      if (returned !== undefined) {
        result.skipped.push({ ...d, why: `no queue "${d.queue}" took it (${returned}): it stays in the DLQ` });
        continue;
      }
      ack(d.position);
      result.replayed.push(d);
    }
    return result;
  });
}
