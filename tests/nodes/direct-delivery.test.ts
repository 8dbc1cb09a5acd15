import { afterEach, describe, expect, it } from "vitest";
import { helper, loadFlow } from "../support/node-red";
import { canonicalOrder } from "../support/orders";

type Listener = { on(event: string, fn: (msg: unknown) => void): void; receive(msg: object): void };

afterEach(async () => {
  await helper.unload();
});

/** validate → validate → a helper node (not ours): who has the message right after the first node was given it? */
async function handOver(directDelivery: boolean): Promise<{ secondNow: boolean; otherNow: boolean; otherLater: boolean }> {
  const flow = [
    { id: "tab", type: "tab", label: "hand-over" },
    { id: "v1", type: "order-validate", z: "tab", name: "first check", wires: [["v2"]] },
    { id: "v2", type: "order-validate", z: "tab", name: "second check", wires: [["other"]] },
    { id: "other", type: "helper", z: "tab" },
  ];
  await loadFlow(flow, undefined, { directDelivery });
  let second = false;
  let other = false;
  (helper.getNode("v2") as Listener).on("input", () => (second = true));
  const reached = new Promise<void>((resolve) => (helper.getNode("other") as Listener).on("input", () => ((other = true), resolve())));
  (helper.getNode("v1") as Listener).receive({ payload: canonicalOrder("DIRECT-1") });
  const now = { secondNow: second, otherNow: other };
  await reached;
  return { ...now, otherLater: other };
}

describe("hand-over between OrderHub's nodes", () => {
  it("is immediate from one hub node to the next, while other nodes still get messages the way Node-RED delivers them", async () => {
    expect(await handOver(true)).toEqual({ secondNow: true, otherNow: false, otherLater: true });
  });

  it("is Node-RED's own (a later turn of the event loop) when turned off", async () => {
    expect(await handOver(false)).toEqual({ secondNow: false, otherNow: false, otherLater: true });
  });
});
