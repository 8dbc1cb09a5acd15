import { describe, expect, it } from "vitest";
import { BatchProgress } from "../../nodes/order-normalize/batch-progress";
import type { ThroughputStatus } from "../../nodes/shared/status";
import { batchOrdersPending } from "../../observability/metrics";

// What an operator sees while one order-normalize node maps documents with several orders: the node's status line in
// the editor, and orderhub_batch_orders_pending in /metrics.

async function pending(format: string): Promise<number> {
  return (await batchOrdersPending.get()).values.find((v) => v.labels.format === format)?.value ?? 0;
}

function watch() {
  const shown: Array<string | undefined> = [];
  const status = { busyWith: (text: string | undefined) => shown.push(text) } as unknown as ThroughputStatus;
  return { progress: new BatchProgress(status), shown };
}

describe("the progress of batches being mapped", () => {
  it("shows one document's orders, then two documents together, then clears", async () => {
    const { progress, shown } = watch();
    const before = await pending("csv");
    const a = progress.begin();
    const b = progress.begin();
    a.onProgress({ done: 1200, count: 4000, format: "csv" });
    expect(shown.at(-1)).toBe("mapped 1,200 of 4,000 orders");
    expect((await pending("csv")) - before).toBe(2800);
    b.onProgress({ done: 300, count: 1000, format: "csv" });
    expect(shown.at(-1)).toBe("2 documents: mapped 1,500 of 5,000 orders");
    expect((await pending("csv")) - before).toBe(3500);
    a.onProgress({ done: 4000, count: 4000, format: "csv" });
    expect(shown.at(-1)).toBe("mapped 300 of 1,000 orders");
    a.end();
    expect((await pending("csv")) - before).toBe(700);
    b.end(); // refused half-way (say, the node was stopped): its orders are no longer pending
    expect(shown.at(-1)).toBeUndefined();
    expect(await pending("csv")).toBe(before);
  });

  it("shows nothing for a document that never reported (one order, or a quick batch), and ends it harmlessly", async () => {
    const { progress, shown } = watch();
    const before = await pending("json");
    progress.begin().end();
    expect(shown).toEqual([]);
    expect(await pending("json")).toBe(before);
  });
});
