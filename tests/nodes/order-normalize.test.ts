import { afterEach, describe, expect, it } from "vitest";
import { helper, loadFlow } from "../support/node-red";
import { canonicalOrder } from "../support/orders";

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
    expect(out).toMatchObject({ orderKey: "N-1/3", payload: { orderNumber: "N-1", revision: 3 } });
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
