import { hash } from "node:crypto";
import { getHubStore } from "../../store";

/**
 * The idempotency record travels on msg._outbox; whoever hands the effect on durably (amqp-out after the publish
 * confirm) completes it. A second message with the same key that arrives while the first is still in flight in this
 * process waits for the first to finish, so a quick duplicate is recognised rather than re-sent.
 */
const inFlight = new Map<string, Array<() => void>>();

const token = (scope: string, key: string) => `${scope}\u0000${key}`;

export function beginOutbox(scope: string, key: string): void {
  const t = token(scope, key);
  if (!inFlight.has(t)) inFlight.set(t, []);
}

/** Wake whoever waits for this key and forget it. */
function finish(t: string): void {
  const waiters = inFlight.get(t);
  inFlight.delete(t);
  if (waiters) for (const wake of waiters) wake();
}

/**
 * When a message with this key is in flight here: a promise that settles once it is confirmed, or after `timeoutMs`
 * (it may have failed). Undefined when there is nothing to wait for, so the common case costs no promise.
 */
export function inFlightOriginal(scope: string, key: string, timeoutMs: number): Promise<void> | undefined {
  const t = token(scope, key);
  const waiters = inFlight.get(t);
  if (!waiters) return undefined;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      if (inFlight.get(t) === waiters) inFlight.delete(t);
      resolve();
    }, timeoutMs);
    waiters.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The effect of the key is confirmed: mark it done in the store and, once that is committed, wake the duplicates
 * waiting for it. The caller need not wait: the message was handed on already, and only a duplicate depends on the
 * mark. The promise settles when the mark is committed; `onError` hears of a mark that failed (the key stays pending).
 */
export function completeOutbox(outbox: { scope: string; key: string }, onError?: (err: Error) => void): Promise<void> {
  const t = token(outbox.scope, outbox.key);
  return getHubStore()
    .markDone(outbox.scope, outbox.key, Date.now())
    .then(
      () => finish(t),
      (err: Error) => {
        finish(t);
        if (!onError) throw err;
        onError(err);
      },
    );
}

/**
 * The outbox copy of an outgoing payload, by payload identity: amqp-out publishes exactly the JSON the store holds
 * (the event a redelivery would re-send) without serialising the order a second time.
 */
const storedJson = new WeakMap<object, string>();

export function rememberStoredJson(payload: unknown, json: string): void {
  if (typeof payload === "object" && payload !== null) storedJson.set(payload, json);
}

export function storedJsonOf(payload: unknown): string | undefined {
  return typeof payload === "object" && payload !== null ? storedJson.get(payload) : undefined;
}

/** The message carrying this key failed before its effect was confirmed: let waiting duplicates go ahead. */
export function releaseOutbox(outbox: { scope: string; key: string }): void {
  finish(token(outbox.scope, outbox.key));
}

/** A stable message id for an outgoing message: the same scope and key always give the same UUID-shaped id. */
export function deriveMessageId(scope: string, key: string): string {
  const h = hash("sha256", `${scope}\u0000${key}`, "hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
