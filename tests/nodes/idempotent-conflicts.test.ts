import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { completeOutbox, deriveMessageId } from "../../nodes/shared/outbox";
import { SqliteStore, setHubStore } from "../../store";
import { helper, loadFlow, whereItGoes } from "../support/node-red";

// The order desk's view of a repeated order number: a repeat of the same order is dropped once, but another order
// under a number already used (another buyer's, or a changed one sent without a new revision) must never be dropped
// as a repeat: it is refused with the difference named, for a person to look at.

let dir: string;
let store: SqliteStore;

const SCOPE = "order.accepted";
const flow = (conflictOutput = true) => [
  { id: "t", type: "tab", label: "conflicts" },
  { id: "idem", type: "idempotent", configVersion: 2, z: "t", name: "once per order", scope: SCOPE, keyProperties: "payload.orderNumber,payload.revision", ignoreProperties: "source", wires: [["first"], ["dup"], conflictOutput ? ["conflict"] : []] },
  { id: "first", type: "helper", z: "t" },
  { id: "dup", type: "helper", z: "t" },
  { id: "conflict", type: "helper", z: "t" },
];

interface Order {
  orderNumber: string;
  revision: number;
  source: { system: string; documentId: string };
  buyer: { id: string };
  lines: Array<{ sku: string; quantity: number }>;
}

interface Out {
  payload: Order;
  messageId: string;
  _outbox?: { scope: string; key: string; claim?: number };
  rejection?: { code: string; message: string };
  error?: { message: string; source?: { name?: string } };
}

const order = (over: Partial<Order> = {}): Order => ({
  orderNumber: "4500001234",
  revision: 0,
  source: { system: "EDI", documentId: "ICR-1/1" },
  buyer: { id: "C-1001" },
  lines: [
    { sku: "GH-100", quantity: 10 },
    { sku: "GH-200", quantity: 5 },
  ],
  ...over,
});

/** One inbound message (its id as amqp-in sets it) into the node: which output it left on. */
async function arrive(inboundId: string, payload: Order): Promise<{ port: string; msg: Out; error?: Error }> {
  return whereItGoes<Out>("idem", ["first", "dup", "conflict"], { payload, messageId: inboundId }, (m) => m.payload?.orderNumber === payload.orderNumber);
}

/** The first message with this order, its event confirmed. */
async function accepted(inboundId: string, payload: Order): Promise<Out> {
  const { port, msg } = await arrive(inboundId, payload);
  expect(port).toBe("first");
  await completeOutbox(msg._outbox!);
  return msg;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-conflicts-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  setHubStore(store);
  await loadFlow(flow());
});

afterEach(async () => {
  // a re-send left in flight here ends with the node that claimed it
  await helper.unload();
  setHubStore(undefined);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("after the first order was accepted and its event confirmed", () => {
  const otherBuyer = order({ buyer: { id: "C-2002" }, source: { system: "EDI", documentId: "ICR-9/1" } });
  const changedQuantity = order({ lines: [{ sku: "GH-100", quantity: 10 }, { sku: "GH-200", quantity: 8 }] });
  const oneLineMore = order({ lines: [...order().lines, { sku: "GH-300", quantity: 1 }] });

  it.each<[string, string, string, Order, string?]>([
    ["the same order sent again in a new transmission", "dup", "m-2", order({ source: { system: "EDI", documentId: "ICR-2/1" } })],
    ["the same order through another channel", "dup", "m-2", order({ source: { system: "PORTAL", documentId: "P-77" } })],
    ["its own redelivery, produced again differently (a mapping changed meanwhile)", "dup", "m-1", changedQuantity],
    ["another buyer's order under the same number", "conflict", "m-2", otherBuyer, 'buyer.id: "C-1001" before, now "C-2002"'],
    ["a changed quantity sent without a new revision", "conflict", "m-2", changedQuantity, "lines[1].quantity: 5 before, now 8"],
    ["a line added without a new revision", "conflict", "m-2", oneLineMore, 'lines[2]: none before, now {"sku":"GH-300","quantity":1}'],
    ["the change as revision 1", "first", "m-2", { ...changedQuantity, revision: 1 }],
  ])("%s → %s", async (_what, port, inboundId, payload, difference) => {
    const first = await accepted("m-1", order());
    const got = await arrive(inboundId, payload);
    expect(got.port).toBe(port);
    if (port !== "conflict") return;
    expect(got.msg.rejection?.code).toBe("conflict");
    expect(got.msg.rejection?.message).toBe(
      `key 4500001234/0 (order.accepted) was used before by message ${first.messageId} with other content (${difference}): this is not a repeat of it; a change needs a key of its own (for an order, a new revision)`,
    );
    // for a dead-letter node behind it: the reason and the node, as a catch node would give them
    expect(got.msg.error).toEqual({ message: got.msg.rejection?.message, source: expect.objectContaining({ name: "once per order" }) });
    expect(got.msg.messageId).toBe(inboundId);
  });
});

describe("while the first order's event is not confirmed (the hub died in between)", () => {
  const key = "4500001234/0";
  const stored = order();
  const pending = () => store.claim(SCOPE, key, deriveMessageId(SCOPE, key), JSON.stringify(stored), Date.now(), "m-1");

  it("re-sends the stored event for the original's redelivery, even produced again differently", async () => {
    await pending();
    const { port, msg } = await arrive("m-1", order({ buyer: { id: "C-1001-NEW" } }));
    expect(port).toBe("first");
    expect(msg.payload).toEqual(stored);
    expect(msg.messageId).toBe(deriveMessageId(SCOPE, key));
  });

  it("re-sends the stored event for another message with the same order", async () => {
    await pending();
    const { port, msg } = await arrive("m-2", order({ source: { system: "EDI", documentId: "ICR-2/1" } }));
    expect(port).toBe("first");
    expect(msg.payload).toEqual(stored);
  });

  it("refuses another message with another order, and the original still goes out on its redelivery", async () => {
    await pending();
    expect((await arrive("m-2", order({ buyer: { id: "C-2002" } }))).port).toBe("conflict");
    const original = await arrive("m-1", stored);
    expect(original.port).toBe("first");
    expect(original.msg.payload).toEqual(stored);
  });
});

describe("records that cannot tell", () => {
  it("calls a repeat a duplicate when the stored record has no payload (written before payloads were kept)", async () => {
    await store.claim(SCOPE, "4500001234/0", "old-id", "", Date.now());
    await store.markDone(SCOPE, "4500001234/0", Date.now());
    expect((await arrive("m-2", order({ buyer: { id: "C-2002" } }))).port).toBe("dup");
  });
});

describe("with output 3 not wired", () => {
  it("fails with the reason, so a catch node dead-letters the message instead of dropping it", async () => {
    await helper.unload();
    await loadFlow(flow(false));
    await accepted("m-1", order());
    const { port, error } = await arrive("m-2", order({ buyer: { id: "C-2002" } }));
    expect(port).toBe("error");
    expect(String(error)).toMatch(/was used before by message .* with other content \(buyer.id: "C-1001" before, now "C-2002"\)/);
  });
});
