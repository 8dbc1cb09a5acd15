import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IN_FLIGHT_ABANDONED_MS, beginOutbox, completeOutbox, inFlightOriginal, releaseClaimsOf, releaseOutbox } from "../../nodes/shared/outbox";
import { SqliteStore, setHubStore, type HubStore } from "../../store";
import { helper, loadFlow, whereItGoes } from "../support/node-red";

// An order's event must leave once. The message that claimed a key owns its place "in flight" until its event is
// confirmed or it failed; whatever becomes of the repeats that meanwhile arrive, none of them may end that claim for it.

let dir: string;
let store: SqliteStore;
/** Inbound message ids whose claim the store fails, as a store that lost its disk would. */
let failClaimsOf: Set<string>;

/** The real store, but failing the claims of the messages named in `failClaimsOf`. */
function failingFor(inner: SqliteStore): HubStore {
  return {
    kind: inner.kind,
    claim: (...args: Parameters<HubStore["claim"]>) => (failClaimsOf.has(args[5] ?? "") ? Promise.reject(new Error("store: disk I/O error")) : inner.claim(...args)),
    markDone: (...args: Parameters<HubStore["markDone"]>) => inner.markDone(...args),
    purgeBefore: (olderThan: number) => inner.purgeBefore(olderThan),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}

const SCOPE = "order.accepted";
const flow = [
  { id: "t", type: "tab", label: "in flight" },
  { id: "idem", type: "idempotent", configVersion: 2, z: "t", name: "once per order", scope: SCOPE, keyProperties: "payload.orderNumber,payload.revision", ignoreProperties: "source", wires: [["first"], ["dup"], ["conflict"]] },
  { id: "first", type: "helper", z: "t" },
  { id: "dup", type: "helper", z: "t" },
  { id: "conflict", type: "helper", z: "t" },
];

interface Order {
  orderNumber: string;
  revision: number;
  lines: Array<{ sku: string; quantity: number }>;
}

interface Out {
  payload: Order;
  messageId: string;
  _outbox?: { scope: string; key: string };
}

const order = (quantity = 10): Order => ({ orderNumber: "4500007001", revision: 0, lines: [{ sku: "GH-100", quantity }] });

/** Every message that left on output 1: each would become a published event behind an amqp-out. */
let events: Out[];

function arrive(inboundId: string, payload: Order, extra: Record<string, unknown> = {}) {
  return whereItGoes<Out>("idem", ["first", "dup", "conflict"], { payload, messageId: inboundId, ...extra }, () => true);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-in-flight-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  failClaimsOf = new Set();
  setHubStore(failingFor(store));
  await loadFlow(flow);
  events = [];
  helper.getNode("first").on("input", (m: Out) => events.push(m));
});

afterEach(async () => {
  await helper.unload();
  setHubStore(undefined);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a claim in flight belongs to the message that made it", () => {
  it("a redelivered repeat with other content (a conflict) leaves the original in flight: a quick retry of the original waits for it and is a duplicate", async () => {
    const original = await arrive("m-1", order());
    expect(original.port).toBe("first");

    // another message under the same key, redelivered (so it does not wait), with another quantity
    const conflict = await arrive("m-2", order(12), { amqp: { redelivered: true } });
    expect(conflict.port).toBe("conflict");

    // the sender's quick retry of the original, while the original's event is still unconfirmed
    const retry = arrive("m-3", order());
    await completeOutbox(original.msg._outbox!);
    expect((await retry).port).toBe("dup");
    expect(events.map((e) => e.messageId)).toEqual([original.msg.messageId]);
  });

  it("a repeat whose store claim fails leaves the original in flight", async () => {
    const original = await arrive("m-1", order());
    expect(original.port).toBe("first");
    failClaimsOf.add("m-2");
    const failed = await arrive("m-2", order(), { amqp: { redelivered: true } });
    expect(failed.port).toBe("error");
    expect(String(failed.error)).toMatch(/disk I\/O error/);

    const retry = arrive("m-3", order());
    await completeOutbox(original.msg._outbox!);
    expect((await retry).port).toBe("dup");
    expect(events).toHaveLength(1);
  });
});

describe("a claim in flight ends", () => {
  it("with the node that made it: a flow that stops dropped its messages, so whoever waits for them goes ahead", async () => {
    const node = {};
    beginOutbox(SCOPE, "stopped/0", node);
    const waiting = inFlightOriginal(SCOPE, "stopped/0", 5000)!;
    releaseClaimsOf(node);
    expect(await waiting).toBe(true);
    expect(inFlightOriginal(SCOPE, "stopped/0", 5000)).toBeUndefined();
  });

  it("when nobody ended it within the settle deadline: it counts as abandoned, and the next message takes the key over for good", () => {
    const claim = beginOutbox(SCOPE, "dropped/0", {});
    expect(beginOutbox(SCOPE, "dropped/0", {})).toBeUndefined();
    expect(inFlightOriginal(SCOPE, "dropped/0", 5000, Date.now() + IN_FLIGHT_ABANDONED_MS)).toBeUndefined();
    const next = beginOutbox(SCOPE, "dropped/0", {});
    expect(next).toBeDefined();
    // the abandoned message turning up after all ends nothing of the new claim
    releaseOutbox({ scope: SCOPE, key: "dropped/0", claim });
    expect(beginOutbox(SCOPE, "dropped/0", {})).toBeUndefined();
    releaseOutbox({ scope: SCOPE, key: "dropped/0", claim: next });
  });
});
