import { duplicatesTotal } from "../../observability/metrics";
import { getHubStore } from "../../store";
import { beginOutbox, deriveMessageId, inFlightOriginal, rememberStoredJson } from "../shared/outbox";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";

export interface IdempotentConfig extends NodeDef {
  /** Namespace of the keys, e.g. "order.accepted": the same business key in two scopes is two effects. */
  scope: string;
  /** Comma-separated message properties whose values, joined by "/", form the business key. */
  keyProperties: string;
  retentionDays: string | number;
}

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
 */
export class IdempotentController {
  private readonly rate: ThroughputStatus;

  constructor(RED: NodeAPI, node: Node, config: IdempotentConfig) {
    this.rate = new ThroughputStatus(node);
    const scope = config.scope || "default";
    const properties = keyProperties(RED, config.keyProperties || "payload.orderNumber,payload.revision");
    const retentionMs = (Number(config.retentionDays) || 30) * DAY_MS;
    const purge = () => void getHubStore().purgeBefore(Date.now() - retentionMs).catch((e) => node.warn(`idempotent: purge failed: ${e}`));
    const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
    purgeTimer.unref();
    setTimeout(purge, 5000).unref();

    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      this.handle(scope, properties, msg).then(
        (duplicate) => {
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

  /** Returns true when the message is a duplicate of a confirmed one. */
  private async handle(scope: string, properties: KeyProperty[], msg: HubMessage): Promise<boolean> {
    const key = businessKey(msg, properties);
    const payload = JSON.stringify(msg.payload ?? null) as string | undefined;
    if (payload === undefined) throw new Error(`idempotent: msg.payload (a ${typeof msg.payload}) cannot be kept as JSON for the outbox`);
    // A quick duplicate waits for the original still in flight here; a redelivery has no live original to wait for.
    const redelivered = (msg.amqp as { redelivered?: boolean } | undefined)?.redelivered === true;
    const original = redelivered ? undefined : inFlightOriginal(scope, key, IN_FLIGHT_WAIT_MS);
    if (original) await original;
    const messageId = deriveMessageId(scope, key);
    const { outcome, record } = await getHubStore().claim(scope, key, messageId, payload, Date.now());
    msg.businessKey = key;
    if (outcome === "done") {
      duplicatesTotal.inc({ scope });
      msg.duplicateOf = record.messageId;
      return true;
    }
    if (outcome === "pending") msg.payload = JSON.parse(record.payload);
    rememberStoredJson(msg.payload, record.payload);
    msg.messageId = record.messageId;
    msg._outbox = { scope, key };
    beginOutbox(scope, key);
    return false;
  }
}
