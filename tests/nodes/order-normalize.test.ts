import { afterEach, describe, expect, it, vi } from "vitest";
import { batchOrdersPending, ordersReadTotal } from "../../observability/metrics";
import { helper, loadFlow } from "../support/node-red";
import { canonicalOrder } from "../support/orders";
import { edifactInterchange, edifactMessage, idoc, idocFile } from "../support/several-orders";

afterEach(async () => {
  await helper.unload();
});

async function normalize(msg: Record<string, unknown>): Promise<{ out?: Record<string, unknown>; error?: string; rejection?: Record<string, unknown> }> {
  await loadFlow([
    { id: "t", type: "tab", label: "t" },
    { id: "n", type: "order-normalize", z: "t", name: "normalize", format: "auto", wires: [["out"]] },
    { id: "out", type: "helper", z: "t" },
  ]);
  const node = helper.getNode("n");
  return new Promise((resolve) => {
    helper.getNode("out").once("input", (out: Record<string, unknown>) => resolve({ out }));
    node.once("call:error", (call: { args: [Error, Record<string, unknown>] }) =>
      resolve({ error: String(call.args[0]), rejection: call.args[1].rejection as Record<string, unknown> }),
    );
    node.receive(msg);
  });
}

describe("order-normalize node", () => {
  it("takes a parsed object as well as bytes, and sets the order key", async () => {
    const { out } = await normalize({ payload: canonicalOrder("N-1", 3) });
    expect(out).toMatchObject({ orderKey: "C-1001/N-1/3", payload: { orderNumber: "N-1", revision: 3 } });
  });

  it.each([
    ["no payload at all", {}],
    ["a null payload", { payload: null }],
  ])("rejects %s as an empty document, not a crash", async (_case, msg) => {
    const { error, rejection } = await normalize(msg);
    expect(error).toMatch(/document is empty/);
    expect(rejection).toMatchObject({ code: "unknown-format" });
  });
});

/** orderhub_orders_read_total for EDIFACT, read and refused. */
async function countsOfOrdersRead(): Promise<{ read: number; refused: number }> {
  const { values } = await ordersReadTotal.get();
  const of = (outcome: string) => values.find((v) => v.labels.format === "edifact" && v.labels.outcome === outcome)?.value ?? 0;
  return { read: of("read"), refused: of("refused") };
}

describe("order-normalize node, a document with several orders", () => {
  /** Everything the node sends and every error it reports for one input, once `expected` of them have come. */
  async function normalizeAll(msg: Record<string, unknown>, expected: number) {
    await loadFlow([
      { id: "t", type: "tab", label: "t" },
      { id: "n", type: "order-normalize", z: "t", name: "normalize", format: "auto", wires: [["out"]] },
      { id: "out", type: "helper", z: "t" },
    ]);
    const sent: Array<Record<string, unknown>> = [];
    const failed: Array<{ error: string; msg: Record<string, unknown> }> = [];
    return new Promise<{ sent: typeof sent; failed: typeof failed }>((resolve) => {
      const check = () => sent.length + failed.length === expected && resolve({ sent, failed });
      helper.getNode("out").on("input", (out: Record<string, unknown>) => (sent.push(out), check()));
      helper.getNode("n").on("call:error", (call: { args: [Error, Record<string, unknown>] }) => (failed.push({ error: String(call.args[0]), msg: call.args[1] }), check()));
      helper.getNode("n").receive(msg);
    });
  }

  it("sends one message per order, as Node-RED's split node numbers a sequence, each with a message id of its own", async () => {
    const { sent } = await normalizeAll({ _msgid: "doc", messageId: "in-7", payload: edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10041")]) }, 2);
    expect(sent.map((m) => [m.orderKey, m.messageId, m.parts])).toEqual([
      ["IN260-UserXX/10040/0", "in-7/1", { id: "doc", index: 0, count: 2, type: "array", len: 1, ref: "00620" }],
      ["IN260-UserXX/10041/0", "in-7/2", { id: "doc", index: 1, count: 2, type: "array", len: 1, ref: "00621" }],
    ]);
  });

  it("keeps a sequence the document was part of inside the new one", async () => {
    const outer = { id: "upstream", index: 4, count: 9 };
    const { sent } = await normalizeAll({ _msgid: "doc", parts: outer, payload: idocFile([idoc("1", "10040"), idoc("2", "10041")]) }, 2);
    expect(sent[1].parts).toMatchObject({ id: "doc", index: 1, count: 2, parts: outer });
  });

  it("reports a refused order alone, with the document as payload and its place in msg.rejection", async () => {
    const body = edifactInterchange([edifactMessage("00620", "10040", (t) => t.replace(/QTY\+21:(\d+)/, "QTY+21:1O$1")), edifactMessage("00621", "10041")]);
    const before = await countsOfOrdersRead();
    const input = { messageId: "in-8", payload: Buffer.from(body) };
    const { sent, failed } = await normalizeAll(input, 2);
    const after = await countsOfOrdersRead();
    expect([after.read - before.read, after.refused - before.refused]).toEqual([1, 1]);
    expect(sent.map((m) => m.orderKey)).toEqual(["IN260-UserXX/10041/0"]);
    expect(failed).toHaveLength(1);
    expect(failed[0].error).toMatch(/message 1 of 2 \(00620\): line \d+ \(QTY\): quantity "1O\d+" is not a number/);
    expect(failed[0].msg).toMatchObject({ messageId: "in-8/1", rejection: { code: "not-a-number", part: { index: 1, count: 2, ref: "00620" } } });
    // the document itself, not a copy per order: a large batch must not be copied once for each of its orders
    expect(failed[0].msg.payload).toBe(input.payload);
  });

  it("shows how far a long batch has come in its status, and counts the orders still to map in /metrics", async () => {
    const body = edifactInterchange(Array.from({ length: 100 }, (_, i) => edifactMessage(String(20000 + i), String(70000 + i))));
    const pendingEdifact = async () => (await batchOrdersPending.get()).values.find((v) => v.labels.format === "edifact")?.value ?? 0;
    const pending: number[] = [];
    const poll = setInterval(() => void pendingEdifact().then((n) => pending.push(n)), 5);
    const { sent } = await normalizeAll({ payload: body }, 100);
    clearInterval(poll);
    expect(sent).toHaveLength(100);
    const node = helper.getNode("n");
    const statuses = node.status.args.map((args: [{ fill: string; shape: string; text: string }]) => args[0]);
    const mapping = statuses.filter((s: { fill: string }) => s.fill === "blue");
    expect(mapping.length).toBeGreaterThan(0);
    expect(mapping[0]).toEqual({ fill: "blue", shape: "ring", text: expect.stringMatching(/^mapped \d+ of 100 orders$/) });
    expect(Math.max(...pending)).toBeGreaterThan(0);
    expect(await pendingEdifact()).toBe(0);
    // once the batch is through, the rate is back
    await vi.waitFor(() => expect(node.status.lastCall.args[0]).toMatchObject({ fill: "green", text: expect.stringMatching(/\/s|idle/) }), { timeout: 2500 });
  });
});
