import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MappingThread } from "../../mappings/mapping-thread";
import { ensureBuilt } from "../support/build";
import { edifactInterchange, edifactMessage } from "../support/several-orders";

// Large documents take turns on the mapping thread. One that waits its turn is not late: the order-normalize node
// stops its delivery's settle deadline while it waits (onTurn "waiting") and starts it again when its turn comes.

beforeAll(() => ensureBuilt("dist/mappings/mapping-thread-worker.js", "dist/mappings/edifact-d96a-orders.jsonata"), 180_000);

const thread = new MappingThread();
afterAll(() => thread.close());

const interchange = (count: number, first: number) =>
  Buffer.from(edifactInterchange(Array.from({ length: count }, (_, i) => edifactMessage(String(first + i), String(first + i)))));

describe("documents taking turns on the mapping thread", () => {
  it("tells a document that must wait, and tells it again when its turn comes; the first one waits for nothing", async () => {
    const turns: string[] = [];
    const first = thread.normalize(interchange(120, 50000), { onTurn: (t) => turns.push(`first ${t}`), onProgress: () => turns.push("first progress") });
    const second = thread.normalize(interchange(120, 60000), { onTurn: (t) => turns.push(`second ${t}`) });
    const third = thread.normalize(interchange(120, 70000), { onTurn: (t) => turns.push(`third ${t}`) });
    const [a, b, c] = await Promise.all([first, second, third]);
    expect([a.length, b.length, c.length]).toEqual([120, 120, 120]);
    const turnsOnly = turns.filter((t) => !t.endsWith("progress"));
    expect(turnsOnly).toEqual(["second waiting", "third waiting", "second mapping", "third mapping"]);
    // the second's turn comes only after the first was mapped
    expect(turns).toContain("first progress");
    expect(turns.lastIndexOf("first progress")).toBeLessThan(turns.indexOf("second mapping"));
  });
});
