import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentError, normalizeOrders, type MappingProgress } from "../../mappings";
import { MAPPING_THREAD_FROM_BYTES, MappingThread, normalizeDocument } from "../../mappings/mapping-thread";
import { mappingThreadDocuments } from "../../observability/metrics";
import { ensureBuilt } from "../support/build";
import { edifactInterchange, edifactMessage } from "../support/several-orders";

// A partner's large batch is mapped on a thread of its own: the hub's event loop goes on moving other messages, and a
// document that would need absurd amounts of memory is refused instead of taking the hub down.

beforeAll(() => ensureBuilt("dist/mappings/mapping-thread-worker.js", "dist/mappings/edifact-d96a-orders.jsonata"), 180_000);

/** An interchange of `count` ORDERS messages; the 7th has a quantity nobody can read. */
function interchange(count: number): string {
  return edifactInterchange(
    Array.from({ length: count }, (_, i) => edifactMessage(String(40000 + i), String(90000 + i), i === 6 ? (t) => t.replace(/QTY\+21:(\d+)/, "QTY+21:1O$1") : undefined)),
  );
}

// 20 MB: room for a small interchange beside the mapping code (it maps within 12 MB), none for one of 3,800 orders
// (9.5 MB of text, which with its parsed segments fills the heap before the first order is mapped: a document that
// only just does not fit, as one of 2,000 orders, is collected for half a minute before it runs out)
const thread = new MappingThread({ memoryMb: 20 });
afterAll(() => thread.close());

describe("a large document", () => {
  it("is normalized to exactly what the event loop would have made of it, refusals and all", async () => {
    const body = Buffer.from(interchange(150));
    expect(body.length).toBeGreaterThanOrEqual(MAPPING_THREAD_FROM_BYTES);
    const here = await normalizeOrders(body);
    const there = await normalizeDocument(body);
    expect(there).toEqual(here);
    const refused = there.find((o) => o.error)!;
    expect(refused.error).toBeInstanceOf(DocumentError);
    expect(refused.error).toMatchObject({ code: "not-a-number", format: "edifact", message: expect.stringMatching(/^message 7 of 150 \(40006\): line \d+ \(QTY\): /) });
  });

  it("leaves the event loop free while it is parsed and mapped, and reports progress", async () => {
    const body = Buffer.from(interchange(150));
    const progress: MappingProgress[] = [];
    const before = performance.eventLoopUtilization();
    await normalizeDocument(body, { onProgress: (p) => progress.push(p) });
    const busy = performance.eventLoopUtilization(before).utilization;
    // mapped here, the loop is busy nearly all the time (about 0.95); waiting for the thread, it mostly idles
    expect(busy).toBeLessThan(0.5);
    expect(progress.at(-1)).toEqual({ done: 150, count: 150, format: "edifact" });
  });

  it("shows on /metrics how many large documents are being mapped and how many wait their turn", async () => {
    const documents = async (state: string) => (await mappingThreadDocuments.get()).values.find((v) => v.labels.state === state)?.value ?? 0;
    const body = Buffer.from(interchange(150));
    const both = Promise.all([normalizeDocument(body), normalizeDocument(body)]);
    expect([await documents("mapping"), await documents("waiting")]).toEqual([1, 1]);
    await both;
    expect([await documents("mapping"), await documents("waiting")]).toEqual([0, 0]);
  });

  it("is refused whole when it is not a document at all, as it would be here", async () => {
    const body = Buffer.from(interchange(150).replace(/UNZ\+\d+\+[^']*'\s*$/, ""));
    await expect(normalizeDocument(body)).rejects.toMatchObject({ name: "DocumentError", code: "truncated" });
  });

  it("is refused as too large when mapping it needs more memory than the thread may use; the one queued behind it is mapped", async () => {
    const hungry = thread.normalize(Buffer.from(interchange(3800)));
    const behind = thread.normalize(Buffer.from(interchange(3)));
    await expect(hungry).rejects.toMatchObject({ name: "DocumentError", code: "too-large", message: expect.stringMatching(/needed more than the 20 MB the mapping thread may use/) });
    expect((await behind).map((o) => o.order?.orderNumber)).toEqual(["90000", "90001", "90002"]);
    const next = await thread.normalize(Buffer.from(interchange(3)));
    expect(next).toHaveLength(3);
  });
});

describe("a mapping thread that cannot run", () => {
  it("fails each document with the reason instead of holding it, and takes the next", async () => {
    const broken = new MappingThread({ memoryMb: 64, file: "/nonexistent/mapping-thread-worker.js" });
    const body = Buffer.from(interchange(3));
    const [first, second] = await Promise.allSettled([broken.normalize(body), broken.normalize(body)]);
    expect(first).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/^the mapping thread (failed|could not start): .*nonexistent/) } });
    expect(second).toMatchObject({ status: "rejected" });
    await broken.close();
  });
});

describe("a small document", () => {
  it("is refused for its size before it is copied anywhere", async () => {
    await expect(normalizeDocument("x".repeat(2000), { maxBytes: 1000 })).rejects.toMatchObject({ code: "too-large", message: "document is 2000 bytes, over the limit of 1000 bytes" });
  });
});
