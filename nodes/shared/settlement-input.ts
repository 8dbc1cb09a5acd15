import type { HubMessage } from "./types";

/** The body as an object: amqp-in with output json gives one; a string or Buffer of JSON is read here. */
export function bodyObject(payload: unknown, node: string): Record<string, unknown> {
  if (Buffer.isBuffer(payload)) payload = payload.toString("utf8");
  if (typeof payload === "string") {
    try {
      payload = JSON.parse(payload);
    } catch {
      throw new Error(`${node}: msg.payload is not JSON`);
    }
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new Error(`${node}: msg.payload must be an object`);
  return payload as Record<string, unknown>;
}

/** The event's routing key: amqp-in's msg.amqp.routingKey, else msg.routingKey, else msg.topic. */
export function routingKeyOf(msg: HubMessage): string | undefined {
  const amqp = msg.amqp as { routingKey?: unknown } | undefined;
  for (const k of [amqp?.routingKey, msg.routingKey, msg.topic]) if (typeof k === "string" && k) return k;
  return undefined;
}

/** The day to run for: msg.date (YYYY-MM-DD), else `fallback`. */
export function dateOf(msg: HubMessage, fallback: string, node: string): string {
  const d = msg.date;
  if (d === undefined || d === "") return fallback;
  if (typeof d !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(d)) throw new Error(`${node}: msg.date must be a day (YYYY-MM-DD), is ${JSON.stringify(d)}`);
  return d.slice(0, 10);
}
