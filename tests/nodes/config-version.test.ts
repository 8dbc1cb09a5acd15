import { afterEach, describe, expect, it } from "vitest";
import { NUMBER_KEY_PROPERTIES, ORDER_KEY_PROPERTIES } from "../../nodes/idempotent/keys";
import { CONFIG_VERSIONS, upgradeConfig, type ConfigMigration } from "../../nodes/shared/config-version";
import { helper, loadFlow } from "../support/node-red";

/** A node type that went through two releases: v1 had `queueName`, v2 renamed it `queue`, v3 added `prefetch`. */
const history = {
  version: 3,
  migrations: [
    { from: 2, why: "prefetch added, default 50", up: (c) => ({ ...c, prefetch: 50 }) },
    { from: 1, why: "queueName renamed queue", up: ({ queueName, ...c }) => ({ ...c, queue: queueName }) },
  ] as ConfigMigration[],
};

describe("saved node configs from older releases", () => {
  it.each([
    ["a config saved without a version (the first release)", { queueName: "q" }, { queue: "q", prefetch: 50, configVersion: 3 }, 1, 2],
    ["a v2 config", { configVersion: 2, queue: "q" }, { queue: "q", prefetch: 50, configVersion: 3 }, 2, 1],
    ["a current config", { configVersion: 3, queue: "q", prefetch: 7 }, { queue: "q", prefetch: 7, configVersion: 3 }, 3, 0],
  ])("upgrades %s step by step", (_case, saved, expected, from, steps) => {
    const result = upgradeConfig("amqp-in", saved, history);
    expect(result.config).toEqual(expected);
    expect(result.from).toBe(from);
    expect(result.steps).toHaveLength(steps);
  });

  it.each([
    [{ configVersion: 4 }, "amqp-in: this node was saved by a newer OrderHub (config version 4; this release reads up to 3): upgrade OrderHub or re-create the node"],
    [{ configVersion: "two" }, "amqp-in: configVersion two is not a version; re-create the node"],
    [{ configVersion: 0 }, "amqp-in: configVersion 0 is not a version; re-create the node"],
  ])("refuses %j, saying what to do", (saved, message) => {
    expect(() => upgradeConfig("amqp-in", saved, history)).toThrow(message);
  });

  it("says so when a step is missing", () => {
    expect(() => upgradeConfig("x", { configVersion: 1 }, { version: 2, migrations: [] })).toThrow("x: no migration from config version 1");
  });
});

describe("an idempotent node saved by a release that keyed orders on their number and revision (version 1)", () => {
  const upgraded = (saved: object) => upgradeConfig<Record<string, unknown>>("idempotent", saved, CONFIG_VERSIONS.idempotent).config;

  it.each([
    ["with the default key", { configVersion: 1, scope: "order.accepted", keyProperties: NUMBER_KEY_PROPERTIES }],
    ["with the default key written otherwise", { configVersion: 1, scope: "order.accepted", keyProperties: "msg.payload.orderNumber, payload.revision" }],
    ["with no key (the default then)", { scope: "order.accepted", keyProperties: "" }],
  ])("%s: keys on the buyer's order now, and still finds what it stored under the number", (_case, saved) => {
    expect(upgraded(saved)).toEqual({ scope: "order.accepted", keyProperties: ORDER_KEY_PROPERTIES, earlierKeyProperties: NUMBER_KEY_PROPERTIES, configVersion: 2 });
  });

  it("with a key of its own: keeps it, with no earlier key", () => {
    const saved = { configVersion: 1, scope: "invoice.issued", keyProperties: "payload.invoiceNumber" };
    expect(upgraded(saved)).toEqual({ ...saved, earlierKeyProperties: "", configVersion: 2 });
  });
});

describe("a node saved by a newer release in a deployed flow", () => {
  afterEach(async () => {
    await helper.unload();
  });

  it("does not start: red status and an error naming the node, while the rest of the flow runs", async () => {
    await loadFlow([
      { id: "t", type: "tab", label: "t" },
      { id: "future", type: "settle", z: "t", configVersion: 9, wires: [[]] },
      { id: "today", type: "settle", z: "t", configVersion: 1, wires: [["out"]] },
      { id: "out", type: "helper", z: "t" },
    ]);
    const future = helper.getNode("future");
    expect(future.error.args[0][0]).toMatch(/^settle: this node was saved by a newer OrderHub \(config version 9; this release reads up to 1\)/);
    expect(future.status.args[0][0]).toMatchObject({ fill: "red" });
    const out = new Promise((resolve) => helper.getNode("out").once("input", resolve));
    helper.getNode("today").receive({ payload: "still flowing" });
    expect(await out).toMatchObject({ payload: "still flowing" });
  });
});
