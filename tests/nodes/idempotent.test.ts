import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { orderKey } from "../../domain/order/canonical-order";
import { ORDER_KEY_PROPERTIES } from "../../nodes/idempotent/keys";
import { completeOutbox, deriveMessageId } from "../../nodes/shared/outbox";
import { SqliteStore, setHubStore } from "../../store";
import nodeRedUtil from "@node-red/util";
import { helper, loadFlow, whereItGoes } from "../support/node-red";

let dir: string;
let store: SqliteStore;

const flow = [
  { id: "t", type: "tab", label: "idempotency" },
  { id: "idem", type: "idempotent", configVersion: 2, z: "t", scope: "order.accepted", keyProperties: "payload.orderNumber,payload.revision", retentionDays: 30, wires: [["first"], ["dup"]] },
  { id: "first", type: "helper", z: "t" },
  { id: "dup", type: "helper", z: "t" },
];

interface Out {
  payload: { orderNumber: string; revision: number; note?: string };
  messageId: string;
  businessKey: string;
  duplicateOf?: string;
  _outbox?: { scope: string; key: string; claim?: number };
}

/** Send one message and say which output it left on. */
async function send(payload: Record<string, unknown>): Promise<{ port: "first" | "dup" | "error"; msg: Out }> {
  const mine = (m: Out) => m.payload === payload || (m.payload as unknown as { orderNumber: string })?.orderNumber === payload.orderNumber;
  const { port, msg, error } = await whereItGoes<Out>("idem", ["first", "dup"], { payload }, mine);
  return { port: port as "first" | "dup" | "error", msg: error ? ({ ...msg, error } as Out) : msg };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-idem-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  setHubStore(store);
  await loadFlow(flow);
});

afterEach(async () => {
  await helper.unload();
  setHubStore(undefined);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("idempotent node", () => {
  it("lets the first order through with a message id derived from scope and key", async () => {
    const { port, msg } = await send({ orderNumber: "4711", revision: 0 });
    expect(port).toBe("first");
    expect(msg.messageId).toBe(deriveMessageId("order.accepted", "4711/0"));
    expect(msg.businessKey).toBe("4711/0");
    expect(msg._outbox).toEqual({ scope: "order.accepted", key: "4711/0", claim: expect.any(Number) });
  });

  it("re-sends the stored payload under the same id when the first send was never confirmed (crash in between)", async () => {
    // What a process killed between the store write and the publish confirm leaves behind:
    const id = deriveMessageId("order.accepted", "4712/0");
    await store.claim("order.accepted", "4712/0", id, JSON.stringify({ orderNumber: "4712", revision: 0, note: "as first produced" }), Date.now());
    const { port, msg } = await send({ orderNumber: "4712", revision: 0, note: "produced again" });
    expect(port).toBe("first");
    expect(msg.payload.note).toBe("as first produced");
    expect(msg.messageId).toBe(id);
  });

  it("sends a confirmed order's repeat to the duplicate output", async () => {
    const first = await send({ orderNumber: "4713", revision: 0 });
    await completeOutbox(first.msg._outbox!);
    const { port, msg } = await send({ orderNumber: "4713", revision: 0 });
    expect(port).toBe("dup");
    expect(msg.duplicateOf).toBe(first.msg.messageId);
  });

  it("treats a new revision of the same order as a new order", async () => {
    const first = await send({ orderNumber: "4714", revision: 0 });
    await completeOutbox(first.msg._outbox!);
    const { port, msg } = await send({ orderNumber: "4714", revision: 1 });
    expect(port).toBe("first");
    expect(msg.messageId).not.toBe(deriveMessageId("order.accepted", "4714/0"));
  });

  it("fails with the missing property named when the business key is incomplete", async () => {
    const { port, msg } = await send({ orderNumber: "4711" });
    expect(port).toBe("error");
    expect(String((msg as unknown as { error: Error }).error)).toMatch(/needs msg.payload.revision, which is missing/);
  });

  it("fails with a reason, and the hub goes on, when the payload cannot be kept as JSON", async () => {
    const unstorable = Object.assign(() => undefined, { orderNumber: "4799", revision: 0 });
    const { port, msg } = await send(unstorable as unknown as Record<string, unknown>);
    expect(port).toBe("error");
    expect(String((msg as unknown as { error: Error }).error)).toMatch(/msg.payload \(a function\) cannot be kept as JSON/);
    expect((await send({ orderNumber: "4800", revision: 0 })).port).toBe("first");
  });

  it("holds a quick duplicate until the original is confirmed, then calls it a duplicate", async () => {
    const first = await send({ orderNumber: "4715", revision: 0 });
    const second = send({ orderNumber: "4715", revision: 0 });
    await new Promise((r) => setTimeout(r, 100));
    await completeOutbox(first.msg._outbox!);
    const { port, msg } = await second;
    expect(port).toBe("dup");
    expect(msg.duplicateOf).toBe(first.msg.messageId);
  });

  it("a revision 0 counts as present (zero is a value, not a gap)", async () => {
    const { port } = await send({ orderNumber: "0", revision: 0 });
    expect(port).toBe("first");
  });
});

describe("business keys from message properties", () => {
  // Node-RED's own property-path parser, as the runtime hands it to the node.
  const RED = { util: nodeRedUtil.util };
  it.each([
    ["payload.orderNumber,payload.revision", { payload: { orderNumber: "4711", revision: 2 } }, "4711/2"],
    ["msg.payload.invoiceNumber", { payload: { invoiceNumber: "RE-1" } }, "RE-1"],
    ["payload.lines[0].sku, payload.orderNumber", { payload: { orderNumber: "9", lines: [{ sku: "GH-1" }] } }, "GH-1/9"],
    ["payload.revision", { payload: { revision: 0 } }, "0"],
    [ORDER_KEY_PROPERTIES, { payload: { orderNumber: "PO-1001", revision: 0, buyer: { id: "C-NORTH", gln: "4012345000009", name: "Nordwerk" } } }, "C-NORTH/PO-1001/0"],
    [ORDER_KEY_PROPERTIES, { payload: { orderNumber: "PO-1001", revision: 0, buyer: { gln: "4012345000009", name: "Nordwerk" } } }, "4012345000009/PO-1001/0"],
    [ORDER_KEY_PROPERTIES, { payload: { orderNumber: "PO-1001", revision: 2, buyer: { id: "", name: "Nordwerk" } } }, "Nordwerk/PO-1001/2"],
  ])("%s of %j is %s", async (list, msg, key) => {
    const { businessKey, keyProperties } = await import("../../nodes/idempotent/controller");
    expect(businessKey(msg as never, keyProperties(RED as never, list))).toBe(key);
  });
  it("names the missing property", async () => {
    const { businessKey, keyProperties } = await import("../../nodes/idempotent/controller");
    expect(() => businessKey({ payload: {} } as never, keyProperties(RED as never, "payload.lines[0].sku"))).toThrow("idempotent: the business key needs msg.payload.lines[0].sku, which is missing");
  });
  it("names every alternative of a part when none is present", async () => {
    const { businessKey, keyProperties } = await import("../../nodes/idempotent/controller");
    expect(() => businessKey({ payload: { orderNumber: "PO-1", revision: 0, buyer: {} } } as never, keyProperties(RED as never, ORDER_KEY_PROPERTIES))).toThrow(
      "idempotent: the business key needs msg.payload.buyer.id, msg.payload.buyer.gln or msg.payload.buyer.name, which are all missing",
    );
  });
  it("is the order's identity as the domain names it", async () => {
    const { businessKey, keyProperties } = await import("../../nodes/idempotent/controller");
    for (const buyer of [{ id: "C-1" }, { gln: "4012345000009" }, { name: "Nordwerk" }, { id: "C-1", name: "Nordwerk" }]) {
      const order = { orderNumber: "PO-1001", revision: 1, buyer };
      expect(businessKey({ payload: order } as never, keyProperties(RED as never, ORDER_KEY_PROPERTIES))).toBe(orderKey(order));
    }
  });
});
