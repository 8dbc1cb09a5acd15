import { describe, expect, it } from "vitest";
import type { CanonicalOrder, NormalizeOptions, OrderOutcome } from "../../mappings";
import { MappedDocuments } from "../../mappings/mapped-documents";
import { canonicalOrder } from "../support/orders";

// The REST API maps a large document before it answers and queues it; the intake flow on the same hub takes the API's
// orders instead of mapping it again, but only when it would have got exactly those orders. Each row: what the flow's
// order-normalize node finds on the queue, and whether it takes the API's orders (else it maps the document itself).

const KB = 1024;
const document = (kb: number, fill = 0x41) => Buffer.alloc(kb * KB, fill);
const outcomes: OrderOutcome[] = [{ part: { index: 1, count: 1 }, order: canonicalOrder("BIG-1") as unknown as CanonicalOrder }];
const asTheApi: NormalizeOptions = { format: "auto", contentType: "application/edifact", maxBytes: 10 * KB * KB };
/** What the node passes: the message's content type, and how it maps. */
const look = (hub: MappedDocuments, messageId: unknown, found: Buffer, node: NormalizeOptions, now?: number) => hub.take(messageId, found, node.contentType, node, now);

function apiKept(body: Buffer, now = Date.now(), hub = new MappedDocuments(60_000, 1024 * KB)): MappedDocuments {
  hub.keep("m-1", body, "application/edifact", outcomes, now);
  return hub;
}

describe("the intake takes the REST API's mapping of a large document only when it would map it alike", () => {
  const body = document(300);
  it.each<[string, unknown, Buffer, NormalizeOptions, boolean]>([
    ["the same message, the same bytes, a node that maps as the API does", "m-1", body, asTheApi, true],
    ["a node with the default format and limits", "m-1", body, { contentType: "application/edifact" }, true],
    ["another message id", "m-2", body, asTheApi, false],
    ["a message without an id", undefined, body, asTheApi, false],
    ["other bytes of the same length under the same id", "m-1", Buffer.concat([body.subarray(0, body.length - 1), Buffer.from("B")]), asTheApi, false],
    ["the same bytes and one more", "m-1", Buffer.concat([body, Buffer.from("A")]), asTheApi, false],
    ["another content type (the document would be read as another format)", "m-1", body, { ...asTheApi, contentType: "text/csv" }, false],
    ["a node set to one format", "m-1", body, { ...asTheApi, format: "edifact" }, false],
    ["a node that names the source system", "m-1", body, { ...asTheApi, sourceSystem: "EDI-GW" }, false],
    ["a node whose size limit the document exceeds (it would refuse it)", "m-1", body, { ...asTheApi, maxBytes: 256 * KB }, false],
  ])("%s: taken = %s", (_what, messageId, found, node, taken) => {
    expect(look(apiKept(body), messageId, found, node) === outcomes).toBe(taken);
  });

  it("is taken once: a redelivery of the same message is mapped again", () => {
    const hub = apiKept(body);
    expect(look(hub, "m-1", body, asTheApi)).toBe(outcomes);
    expect(look(hub, "m-1", body, asTheApi)).toBeUndefined();
  });

  it("stays for the right message after a node that maps otherwise has looked", () => {
    const hub = apiKept(body);
    expect(look(hub, "m-1", body, { ...asTheApi, format: "edifact" })).toBeUndefined();
    expect(look(hub, "m-1", body, asTheApi)).toBe(outcomes);
  });

  it("is not kept for a document small enough to map again in a millisecond", () => {
    expect(apiKept(document(200)).size).toBe(0);
  });

  it("is gone when the queue was further behind than the time it is kept", () => {
    const hub = apiKept(body, 0);
    expect(look(hub, "m-1", body, asTheApi, 60_001)).toBeUndefined();
    expect(hub.size).toBe(0);
  });

  it("is gone when the API could not queue the document after all", () => {
    const hub = apiKept(body);
    hub.forget("m-1");
    expect(look(hub, "m-1", body, asTheApi)).toBeUndefined();
  });

  it("keeps at most its bytes' worth of documents, the oldest going first", () => {
    const hub = new MappedDocuments(60_000, 1000 * KB);
    const [a, b, c] = [document(400, 0x41), document(400, 0x42), document(400, 0x43)];
    hub.keep("a", a, "application/edifact", outcomes);
    hub.keep("b", b, "application/edifact", outcomes);
    hub.keep("c", c, "application/edifact", outcomes);
    expect(hub.size).toBe(2);
    expect(look(hub, "a", a, asTheApi)).toBeUndefined();
    expect(look(hub, "b", b, asTheApi)).toBe(outcomes);
    expect(look(hub, "c", c, asTheApi)).toBe(outcomes);
  });

  it("keeps a message sent again under the same id once, with its latest bytes", () => {
    const hub = apiKept(body);
    const again = document(300, 0x42);
    hub.keep("m-1", again, "application/edifact", outcomes);
    expect(hub.size).toBe(1);
    expect(look(hub, "m-1", body, asTheApi)).toBeUndefined();
    expect(look(hub, "m-1", again, asTheApi)).toBe(outcomes);
  });
});
