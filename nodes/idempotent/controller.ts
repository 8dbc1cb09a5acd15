import { duplicatesTotal, keyConflictsTotal } from "../../observability/metrics";
import { getHubStore, type IdempotencyRecord } from "../../store";
import { beginOutbox, deriveMessageId, inFlightOriginal, releaseOutbox, rememberStoredJson } from "../shared/outbox";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";
import { firstDifference } from "./difference";

export interface IdempotentConfig extends NodeDef {
  /** Namespace of the keys, e.g. "order.accepted": the same business key in two scopes is two effects. */
  scope: string;
  /** Comma-separated message properties whose values, joined by "/", form the business key. */
  keyProperties: string;
  retentionDays: string | number;
  /**
   * Comma-separated top-level payload properties left out when a repeat is compared with the first message (default
   * "source": the channel and transmission that brought a document do not make it another one).
   */
  ignoreProperties?: string;
}

/** What became of a message: first time (or re-send), a repeat, or another message under a key already used. */
type Outcome = { kind: "first" } | { kind: "duplicate" } | { kind: "conflict"; reason: string };
const FIRST: Outcome = { kind: "first" };
const DUPLICATE: Outcome = { kind: "duplicate" };

const DAY_MS = 86_400_000;
const IN_FLIGHT_WAIT_MS = 5000;
const PURGE_EVERY_MS = 6 * 3_600_000;

/** A message property named in the config, parsed once: its name for errors and its path for reading. */
export interface KeyProperty {
  name: string;
  path: Array<string | number>;
}

export function keyProperties(RED: NodeAPI, list: string): KeyProperty[] {
  return list
    .split(",")
    .map((p) => p.trim().replace(/^msg\./, ""))
    .filter(Boolean)
    .map((name) => ({ name, path: RED.util.normalisePropertyExpression(name) as Array<string | number> }));
}

/** The business key from the message, or an error that names the missing property. */
export function businessKey(msg: HubMessage, properties: KeyProperty[]): string {
  let key = "";
  for (const { name, path } of properties) {
    let value: unknown = msg;
    for (const step of path) value = value === undefined || value === null ? undefined : (value as Record<string | number, unknown>)[step];
    if (value === undefined || value === null || value === "") {
      throw new Error(`idempotent: the business key needs msg.${name}, which is missing`);
    }
    key = key ? `${key}/${String(value)}` : String(value);
  }
  return key;
}

/**
 * idempotent: the first message with a business key goes to output 1 with an outgoing message id derived from the
 * key, and the key and outgoing payload are written to the store together (the outbox). A redelivery whose effect was
 * not confirmed re-sends the stored payload with the same id; a key already confirmed goes to output 2 (duplicate).
 * Another message under a key already used, with other content (another buyer's order under the same number, a
 * changed order sent without a new revision), is no duplicate: it goes to output 3 with the difference named, or
 * fails when output 3 is not wired, and is never dropped as a repeat.
 */
export class IdempotentController {
  private readonly rate: ThroughputStatus;

  constructor(RED: NodeAPI, node: Node, config: IdempotentConfig) {
    this.rate = new ThroughputStatus(node);
    const scope = config.scope || "default";
    const properties = keyProperties(RED, config.keyProperties || "payload.orderNumber,payload.revision");
    const retentionMs = (Number(config.retentionDays) || 30) * DAY_MS;
    const ignored = new Set((config.ignoreProperties ?? "source").split(",").map((p) => p.trim()).filter(Boolean));
    const conflictsWired = () => ((node as unknown as { wires?: string[][] }).wires?.[2]?.length ?? 0) > 0;
    const purge = () => void getHubStore().purgeBefore(Date.now() - retentionMs).catch((e) => node.warn(`idempotent: purge failed: ${e}`));
    const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
    purgeTimer.unref();
    setTimeout(purge, 5000).unref();

    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      this.handle(scope, properties, ignored, msg).then(
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
      clearInterval(purgeTimer);
      this.rate.stop();
    });
  }

  private async handle(scope: string, properties: KeyProperty[], ignored: ReadonlySet<string>, msg: HubMessage): Promise<Outcome> {
    const key = businessKey(msg, properties);
    const payload = JSON.stringify(msg.payload ?? null) as string | undefined;
    if (payload === undefined) throw new Error(`idempotent: msg.payload (a ${typeof msg.payload}) cannot be kept as JSON for the outbox`);
    // A quick duplicate waits for the original still in flight here; a redelivery has no live original to wait for.
    const redelivered = (msg.amqp as { redelivered?: boolean } | undefined)?.redelivered === true;
    // Several waiting for the same original go one after the other: the first to wake is in flight when the next looks.
    for (let original; !redelivered && (original = inFlightOriginal(scope, key, IN_FLIGHT_WAIT_MS)); ) await original;
    // In flight from before the claim: a message with the same key in the same turn (the same order twice in one
    // batch, or a sender's quick retry) waits for this one instead of claiming beside it and re-sending it.
    beginOutbox(scope, key);
    let outcome: Outcome | undefined;
    try {
      outcome = await this.claim(scope, key, payload, ignored, msg);
      return outcome;
    } finally {
      // Only a message that goes on to its effect stays in flight (amqp-out completes it, dead-letter releases it).
      if (outcome?.kind !== "first") releaseOutbox({ scope, key });
    }
  }

  private async claim(scope: string, key: string, payload: string, ignored: ReadonlySet<string>, msg: HubMessage): Promise<Outcome> {
    const messageId = deriveMessageId(scope, key);
    const origin = typeof msg.messageId === "string" ? msg.messageId : "";
    const { outcome, record } = await getHubStore().claim(scope, key, messageId, payload, Date.now(), origin);
    msg.businessKey = key;
    const conflict = outcome === "new" ? undefined : otherContent(record, outcome, payload, origin, ignored);
    if (conflict) {
      return { kind: "conflict", reason: `key ${key} (${scope}) was used before by message ${record.messageId} with other content (${conflict}): this is not a repeat of it; a change needs a key of its own (for an order, a new revision)` };
    }
    if (outcome === "done") {
      duplicatesTotal.inc({ scope });
      msg.duplicateOf = record.messageId;
      return DUPLICATE;
    }
    if (outcome === "pending") msg.payload = JSON.parse(record.payload);
    rememberStoredJson(msg.payload, record.payload);
    msg.messageId = record.messageId;
    msg._outbox = { scope, key };
    return FIRST;
  }
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
