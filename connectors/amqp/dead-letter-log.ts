import type { Options } from "amqplib";
import { DEAD_LETTER_HEADERS } from "./settlement";

/**
 * The newest dead letters this process kept (published to orderhub.dlx and confirmed by a queue), with their reasons,
 * in memory: the ops page shows them without reading orderhub.dlq. Reading the DLQ would mean taking its messages and
 * handing them back, which counts as a delivery on a quorum queue (and a page that refreshes every few seconds would
 * soon reach the broker's delivery limit); `orderhub dlq list` is the tool for the whole queue. What the broker
 * dead-letters on its own (a message past the delivery limit) and what other hub processes dead-lettered is not here.
 */
export interface KeptDeadLetter {
  /** When it failed (ISO 8601), as its header says. */
  at: string;
  /** The queue it came from (a replay sends it back there), or the routing key it was kept under. */
  queue: string;
  /** The node that failed. */
  node: string;
  /** The flow (tab) of that node, when known. */
  flow?: string;
  /** The reason, as the dead letter carries it. */
  error: string;
  messageId?: string;
}

/** How many are kept: enough for the newest few on a page, never a growing list. */
export const KEPT_DEAD_LETTERS = 20;

const kept: KeptDeadLetter[] = [];

const text = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v.toString() : String(v));

/** Notes a dead letter a queue took (BrokerConnection.keepDeadLetter); never throws. */
export function noteDeadLetter(routingKey: string, options: Options.Publish): void {
  try {
    const headers = (options.headers ?? {}) as Record<string, unknown>;
    const flow = text(headers[DEAD_LETTER_HEADERS.flow]);
    kept.unshift({
      at: text(headers[DEAD_LETTER_HEADERS.failedAt]) ?? new Date().toISOString(),
      queue: text(headers[DEAD_LETTER_HEADERS.queue]) ?? routingKey,
      node: text(headers[DEAD_LETTER_HEADERS.node]) ?? "unknown",
      ...(flow ? { flow } : {}),
      error: text(headers[DEAD_LETTER_HEADERS.error]) ?? "no reason given",
      ...(options.messageId ? { messageId: String(options.messageId) } : {}),
    });
    kept.length = Math.min(kept.length, KEPT_DEAD_LETTERS);
  } catch {
    // noting is for the page: it must never disturb keeping the dead letter
  }
}

/** The newest dead letters this process kept, newest first. */
export function recentDeadLetters(): KeptDeadLetter[] {
  return kept.map((d) => ({ ...d }));
}
