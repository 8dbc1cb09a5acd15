import { duplicatesTotal, keyConflictsTotal } from "../../observability/metrics";
import { getHubStore, type ClaimOutcome, type IdempotencyRecord } from "../../store";
import { beginOutbox, deriveMessageId, inFlightOriginal, releaseClaimsOf, releaseOutbox, rememberStoredJson } from "../shared/outbox";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";
import { firstDifference } from "./difference";
import { businessKey, businessKeyIfAny, keyProperties, ORDER_KEY_PROPERTIES, type KeyProperty } from "./keys";

export { businessKey, keyProperties, type KeyProperty } from "./keys";

export interface IdempotentConfig extends NodeDef {
  /** Namespace of the keys, e.g. "order.accepted": the same business key in two scopes is two effects. */
  scope: string;
  /**
   * Comma-separated message properties whose values, joined by "/", form the business key; `a|b` takes the first of
   * them that is present. Default: the order's identity, buyer + order number + revision.
   */
  keyProperties: string;
  /**
   * The key an earlier release made for the same thing, in the same form (after an upgrade that changed the key: the
   * order number + revision of config version 1). A key not stored yet is looked for under it too, so that what was
   * accepted before the key changed is still recognised. Empty: none.
   */
  earlierKeyProperties?: string;
  retentionDays: string | number;
  /**
   * Comma-separated top-level payload properties left out when a repeat is compared with the first message (default
   * "source": the channel and transmission that brought a document do not make it another one).
   */
  ignoreProperties?: string;
}

/** The node's rules for keys, read from its config once. */
interface KeyRules {
  scope: string;
  properties: KeyProperty[];
  earlier: KeyProperty[];
  ignored: ReadonlySet<string>;
}

/** What became of a message: first time (or re-send), a repeat, or another message under a key already used. */
type Outcome = { kind: "first" } | { kind: "duplicate" } | { kind: "conflict"; reason: string };
const FIRST: Outcome = { kind: "first" };
const DUPLICATE: Outcome = { kind: "duplicate" };

/** What the store holds under a message's key, and where the message differs from it (a conflict). */
interface Decision {
  stored: ClaimOutcome;
  record: IdempotencyRecord;
  conflict?: string;
}

const DAY_MS = 86_400_000;
const IN_FLIGHT_WAIT_MS = 5000;
const PURGE_EVERY_MS = 6 * 3_600_000;

/**
 * idempotent: the first message with a business key goes to output 1 with an outgoing message id derived from the
 * key, and the key and outgoing payload are written to the store together (the outbox). A redelivery whose effect was
 * not confirmed re-sends the stored payload with the same id; a key already confirmed goes to output 2 (duplicate).
 * Another message under a key already used, with other content (a changed order sent without a new revision), is no
 * duplicate: it goes to output 3 with the difference named, or fails when output 3 is not wired, and is never dropped
 * as a repeat. A message whose key is in flight here (its original's event not yet confirmed) waits for it; only the
 * message that claimed the key ends that claim (nodes/shared/outbox.ts).
 */
export class IdempotentController {
  private readonly rate: ThroughputStatus;

  constructor(RED: NodeAPI, node: Node, config: IdempotentConfig) {
    this.rate = new ThroughputStatus(node);
    const scope = config.scope || "default";
    const rules: KeyRules = {
      scope,
      properties: keyProperties(RED, config.keyProperties || ORDER_KEY_PROPERTIES),
      earlier: keyProperties(RED, config.earlierKeyProperties ?? ""),
      ignored: new Set((config.ignoreProperties ?? "source").split(",").map((p) => p.trim()).filter(Boolean)),
    };
    const retentionMs = (Number(config.retentionDays) || 30) * DAY_MS;
    const conflictsWired = () => ((node as unknown as { wires?: string[][] }).wires?.[2]?.length ?? 0) > 0;
    const purge = () => void getHubStore().purgeBefore(Date.now() - retentionMs).catch((e) => node.warn(`idempotent: purge failed: ${e}`));
    const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
    purgeTimer.unref();
    setTimeout(purge, 5000).unref();

    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      this.handle(rules, msg).then(
        (outcome) => {
          if (outcome.kind === "conflict") {
            keyConflictsTotal.inc({ scope });
            this.rate.hit("conflicts");
            msg.rejection = { code: "conflict", message: outcome.reason };
            msg.error = { message: outcome.reason, source: { id: node.id, type: node.type, name: node.name || "idempotent" } };
            if (!conflictsWired()) return done(new Error(outcome.reason));
            send([null, null, msg]);
            return done();
          }
          const duplicate = outcome.kind === "duplicate";
          send(duplicate ? [null, msg] : [msg, null]);
          this.rate.hit(duplicate ? "duplicates" : undefined);
          done();
        },
        (err: Error) => {
          failing(node, err.message);
          done(err);
        },
      );
    });
    node.on("close", () => {
      releaseClaimsOf(this);
      clearInterval(purgeTimer);
      this.rate.stop();
    });
  }

  private async handle(rules: KeyRules, msg: HubMessage): Promise<Outcome> {
    const { scope } = rules;
    const key = businessKey(msg, rules.properties);
    const payload = JSON.stringify(msg.payload ?? null) as string | undefined;
    if (payload === undefined) throw new Error(`idempotent: msg.payload (a ${typeof msg.payload}) cannot be kept as JSON for the outbox`);
    // A quick duplicate waits for the original still in flight here; a redelivery has no live original to wait for.
    const redelivered = (msg.amqp as { redelivered?: boolean } | undefined)?.redelivered === true;
    for (;;) {
      const original = redelivered ? undefined : inFlightOriginal(scope, key, IN_FLIGHT_WAIT_MS);
      if (!original) return this.claimInFlight(rules, key, payload, msg);
      // Its claim ended: look again, as one of several waiting for it may hold the key by now.
      if (await original) continue;
      // Still in flight after a while: the store tells a conflict, or a repeat of a key confirmed meanwhile, already.
      // A key still pending is the original's event on its way: sending it beside it would announce the order twice.
      const decision = await this.decide(rules, key, payload, msg);
      if (decision.stored !== "pending" || decision.conflict) return this.apply(rules, key, decision, msg, undefined);
    }
  }

  /** Nothing in flight with this key here (or a redelivery): claim it, in flight until its effect is confirmed. */
  private async claimInFlight(rules: KeyRules, key: string, payload: string, msg: HubMessage): Promise<Outcome> {
    const { scope } = rules;
    // In flight from before the claim: a message with the same key in the same turn (the same order twice in one
    // batch, or a sender's quick retry) waits for this one instead of claiming beside it and re-sending it.
    const claim = beginOutbox(scope, key, this);
    let outcome: Outcome | undefined;
    try {
      outcome = this.apply(rules, key, await this.decide(rules, key, payload, msg), msg, claim);
      return outcome;
    } finally {
      // Only a message that goes on to its effect keeps its claim (amqp-out completes it, dead-letter releases it).
      if (outcome?.kind !== "first") releaseOutbox({ scope, key, claim });
    }
  }

  /**
   * What the store holds under the key (or, for a key not stored yet, under its earlier form), claimed for this message
   * if nothing was, and how this message differs from it.
   */
  private async decide(rules: KeyRules, key: string, payload: string, msg: HubMessage): Promise<Decision> {
    const { scope } = rules;
    const origin = typeof msg.messageId === "string" ? msg.messageId : "";
    const earlierKey = businessKeyIfAny(msg, rules.earlier);
    const looksBack = earlierKey !== undefined && earlierKey !== key;
    const store = getHubStore();
    let { outcome, record } = await store.claim(scope, key, deriveMessageId(scope, key), payload, Date.now(), origin, looksBack ? earlierKey : undefined);
    // Under the earlier key, which told fewer things apart, may lie another's record (the other buyer's order under the
    // same number): that is no record of this key, which is then claimed itself.
    if (looksBack && record.key === earlierKey && !isRecordOf(key, record, msg, origin, rules.properties)) {
      ({ outcome, record } = await store.claim(scope, key, deriveMessageId(scope, key), payload, Date.now(), origin));
    }
    const conflict = outcome === "new" ? undefined : otherContent(record, outcome, payload, origin, rules.ignored);
    return { stored: outcome, record, conflict };
  }

  private apply({ scope }: KeyRules, key: string, { stored, record, conflict }: Decision, msg: HubMessage, claim: number | undefined): Outcome {
    msg.businessKey = key;
    if (conflict) {
      const where = record.key === key ? scope : `${scope}; stored as ${record.key} by an earlier release`;
      return { kind: "conflict", reason: `key ${key} (${where}) was used before by message ${record.messageId} with other content (${conflict}): this is not a repeat of it; a change needs a key of its own (for an order, a new revision)` };
    }
    if (stored === "done") {
      duplicatesTotal.inc({ scope });
      msg.duplicateOf = record.messageId;
      return DUPLICATE;
    }
    if (stored === "pending") msg.payload = JSON.parse(record.payload);
    rememberStoredJson(msg.payload, record.payload);
    // An event an earlier release stored goes out under its message id of then, and is marked done under its key.
    msg.messageId = record.messageId;
    msg._outbox = claim === undefined ? { scope, key: record.key } : { scope, key: record.key, claim };
    return FIRST;
  }
}

/**
 * Whether a record found under the earlier key belongs to `key`: the original's own redelivery always does, and so
 * does a record whose stored payload gives `key` now (the same buyer's order). A record that cannot tell (no payload
 * kept, or a payload that lacks a part of the key) counts as the key's, to be compared: a repeat is then recognised
 * and another order refused, never accepted a second time.
 */
function isRecordOf(key: string, record: IdempotencyRecord, msg: HubMessage, origin: string, properties: KeyProperty[]): boolean {
  if (origin && record.origin === origin) return true;
  if (!record.payload) return true;
  const storedKey = businessKeyIfAny({ ...msg, payload: JSON.parse(record.payload) as unknown }, properties);
  return storedKey === undefined || storedKey === key;
}

/**
 * Where a message under a key already stored differs from the stored one, or undefined when it is a repeat: its own
 * redelivery (the same inbound message id) always is, and so is anything compared with a record that cannot tell
 * (written before payloads were kept, or pending without a known origin, which is re-sent as before).
 */
function otherContent(record: IdempotencyRecord, outcome: "pending" | "done", payload: string, origin: string, ignored: ReadonlySet<string>): string | undefined {
  if (origin && record.origin === origin) return undefined;
  if (!record.payload || (outcome === "pending" && !record.origin)) return undefined;
  if (record.payload === payload) return undefined;
  return firstDifference(JSON.parse(record.payload), JSON.parse(payload), ignored);
}
