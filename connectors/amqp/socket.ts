import type { ChannelModel } from "amqplib";

/** A broker that went silent never answers a close: give it this long, then drop the socket. */
export const CLOSE_TIMEOUT_MS = 2000;

export async function closeWithin(model: ChannelModel, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
  const outcome = await Promise.race([model.close().catch(() => "closed" as const), gaveUp]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    (model as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
  }
}

/**
 * amqplib takes the heartbeat only from the URL (`?heartbeat=`), not from the socket options: put the configured
 * interval there unless the URL names one itself.
 */
export function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has("heartbeat")) parsed.searchParams.set("heartbeat", String(seconds));
  return parsed.toString();
}

