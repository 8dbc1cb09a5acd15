import { createRequire } from "node:module";
import { afterEach, describe, expect, it, vi } from "vitest";
import { skipDisabledNodeMetrics } from "../../runtime/node-red-metrics";

const fromNodeRed = createRequire(require.resolve("node-red"));
const fromRuntime = createRequire(fromNodeRed.resolve("@node-red/runtime"));
const Node = fromRuntime("./nodes/Node.js") as { prototype: { metric(this: unknown, ...args: unknown[]): unknown } };
const log = fromRuntime("@node-red/util").log as { metric(): boolean; log(record: unknown): void };

const aNode = { id: "n1", type: "order-validate" };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Node-RED's per-node metric records", () => {
  it("are not built while metrics logging is off", () => {
    expect(skipDisabledNodeMetrics()).toBe(true);
    const written = vi.spyOn(log, "log");
    Node.prototype.metric.call(aNode, "receive", { _msgid: "m1" });
    expect(written).not.toHaveBeenCalled();
  });

  it("are logged as before once metrics logging is on", () => {
    skipDisabledNodeMetrics();
    vi.spyOn(log, "metric").mockReturnValue(true);
    const written = vi.spyOn(log, "log").mockImplementation(() => undefined);
    Node.prototype.metric.call(aNode, "receive", { _msgid: "m1" });
    expect(written).toHaveBeenCalledWith(expect.objectContaining({ event: "node.order-validate.receive", msgid: "m1", nodeid: "n1" }));
    expect(Node.prototype.metric.call(aNode)).toBe(true);
  });

  it("is patched once, however often the hub starts", () => {
    skipDisabledNodeMetrics();
    const once = Node.prototype.metric;
    skipDisabledNodeMetrics();
    expect(Node.prototype.metric).toBe(once);
  });

  it("leaves Node-RED as it is, with a warning, when its internals are not where 4.1 keeps them", () => {
    expect(
      skipDisabledNodeMetrics(() => {
        throw new Error("Cannot find module './nodes/Node.js'");
      }),
    ).toBe(false);
  });
});
