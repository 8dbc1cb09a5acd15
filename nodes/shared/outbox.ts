import { hash } from "node:crypto";
import { getHubStore } from "../../store";

/** The idempotency record a message carries to its effect: the store key to mark done, and its claim on the key. */
export interface Outbox {
  scope: string;
  /** The key as stored (for an order recorded by an earlier release, its key of then). */
  key: string;
  /** The message's claim on the key in flight here; absent when another message holds it (a redelivery beside it). */
  claim?: number;
}

/**
 * A key in flight here: claimed by one message (`claim`), whose event is on its way. Whoever hands the effect on durably
 * (amqp-out after the publish confirm) completes it; a message that fails on the way releases it. Only the message that
 * made the claim can end it: a repeat that ends otherwise (a conflict, a duplicate, a failed store) or gives up waiting
 * leaves it alone, so a repeat arriving later still waits for the original instead of sending its event again.
 */
interface InFlight {
  claim: number;
  /** Who made the claim (the node): a node that closes takes its claims with it (its flow dropped their messages). */
  holder: object;
  since: number;
  waiters: Array<() => void>;
}

/**
 * A claim older than this is taken for abandoned and may be taken over: past the broker node's settle deadline (60 s
 * unless set otherwise) nobody settled the original, its delivery was dead-lettered, and only a user's node that dropped
 * the message between this node and its publish keeps a claim so long.
 */
export const IN_FLIGHT_ABANDONED_MS = 60_000;

const inFlight = new Map<string, InFlight>();
/** The key in flight of each claim. */
const claimed = new Map<number, string>();
let lastClaim = 0;

const token = (scope: string, key: string) => `${scope}\u0000${key}`;

/**
 * Claims the key in flight for one message: its claim number, or undefined when another message holds it (only a
 * redelivery, which does not wait, comes here while the original is in flight).
 */
export function beginOutbox(scope: string, key: string, holder: object): number | undefined {
  const t = token(scope, key);
  if (inFlight.has(t)) return undefined;
  const claim = ++lastClaim;
  inFlight.set(t, { claim, holder, since: Date.now(), waiters: [] });
  claimed.set(claim, t);
  return claim;
}

/** Ends a claim: wake whoever waits for its key and forget it. Nothing when the claim is not the key's any more. */
function finish(claim: number | undefined): void {
  if (claim === undefined) return;
  const t = claimed.get(claim);
  claimed.delete(claim);
  const entry = t === undefined ? undefined : inFlight.get(t);
  if (!entry || entry.claim !== claim) return;
  inFlight.delete(t!);
  for (const wake of entry.waiters) wake();
}

/**
 * When another message holds this key in flight here: a promise that resolves with true once its claim ended (its
 * event confirmed, or it failed), or with false after `timeoutMs` while it still holds it. Undefined when there is
 * nothing to wait for, so the common case costs no promise; also when the claim is abandoned (it is ended here).
 */
export function inFlightOriginal(scope: string, key: string, timeoutMs: number, now = Date.now()): Promise<boolean> | undefined {
  const entry = inFlight.get(token(scope, key));
  if (!entry) return undefined;
  if (now - entry.since >= IN_FLIGHT_ABANDONED_MS) {
    finish(entry.claim);
    return undefined;
  }
  return new Promise<boolean>((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      const i = entry.waiters.indexOf(wake);
      if (i >= 0) entry.waiters.splice(i, 1);
      resolve(false);
    }, Math.min(timeoutMs, entry.since + IN_FLIGHT_ABANDONED_MS - now));
    entry.waiters.push(wake);
  });
}

/** The node closed: its flow stopped and dropped the messages in it, so their claims end with it. */
export function releaseClaimsOf(holder: object): void {
  for (const entry of [...inFlight.values()]) if (entry.holder === holder) finish(entry.claim);
}

/**
 * The effect of the key is confirmed: mark it done in the store and, once that is committed, end the message's claim,
 * waking the duplicates waiting for it. The caller need not wait: the message was handed on already, and only a
 * duplicate depends on the mark. The promise settles when the mark is committed; `onError` hears of a mark that failed
 * (the key stays pending).
 */
export function completeOutbox(outbox: Outbox, onError?: (err: Error) => void): Promise<void> {
  return getHubStore()
    .markDone(outbox.scope, outbox.key, Date.now())
    .then(
      () => finish(outbox.claim),
      (err: Error) => {
        finish(outbox.claim);
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

/** The message carrying this record failed before its effect was confirmed: end its claim, let waiting duplicates go ahead. */
export function releaseOutbox(outbox: Outbox): void {
  finish(outbox.claim);
}

/** A stable message id for an outgoing message: the same scope and key always give the same UUID-shaped id. */
export function deriveMessageId(scope: string, key: string): string {
  const h = hash("sha256", `${scope}\u0000${key}`, "hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
