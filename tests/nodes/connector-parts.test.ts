import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../connectors/amqp/backoff";
import { brokerUrl } from "../../nodes/amqp-broker/controller";
import { decodeBody } from "../../nodes/amqp-in/controller";
import { encodeBody } from "../../nodes/amqp-out/controller";

describe("reconnect backoff", () => {
  it.each([
    [0, 250, 500],
    [1, 500, 1000],
    [3, 2000, 4000],
    [10, 15_000, 30_000],
  ])("attempt %i waits between %i and %i ms (half fixed, half jitter, capped at 30 s)", (attempt, low, high) => {
    expect(backoffDelay(attempt, 500, 30_000, () => 0)).toBe(low);
    expect(backoffDelay(attempt, 500, 30_000, () => 1)).toBe(high);
  });
});

describe("broker URL", () => {
  it("uses AMQP_URL when the node leaves the URL empty", () => {
    process.env.AMQP_URL = "amqp://u:p@mq.plant.local:5672/orders";
    expect(brokerUrl({ url: "" })).toBe("amqp://u:p@mq.plant.local:5672/orders");
    delete process.env.AMQP_URL;
    expect(brokerUrl({ url: " " })).toBe("amqp://guest:guest@127.0.0.1:5672");
  });
  it("puts the node's credentials into the URL, escaped", () => {
    expect(brokerUrl({ url: "amqps://mq:5671/%2F" }, { user: "hub", password: "p@ss/word" })).toBe("amqps://hub:p%40ss%2Fword@mq:5671/%2F");
  });
});

describe("bodies", () => {
  it.each([
    ["application/json", "auto", '{"a":1}', { a: 1 }],
    ["text/csv", "auto", "a,b", "a,b"],
    ["application/xml", "auto", "<x/>", "<x/>"],
    ["application/json", "buffer", '{"a":1}', Buffer.from('{"a":1}')],
    [undefined, "string", "plain", "plain"],
  ] as const)("content type %s in %s mode", (contentType, mode, raw, expected) => {
    expect(decodeBody(Buffer.from(raw), contentType, mode)).toEqual(expected);
  });
  it("keeps unknown binary content as a Buffer in auto mode", () => {
    expect(Buffer.isBuffer(decodeBody(Buffer.from([0xff, 0x00]), "application/octet-stream", "auto"))).toBe(true);
  });
  it.each([
    [{ a: 1 }, "application/json", '{"a":1}'],
    ["text", "text/plain", "text"],
    [Buffer.from("raw"), "application/octet-stream", "raw"],
  ])("encodes %j as %s", (payload, contentType, body) => {
    const encoded = encodeBody(payload);
    expect(encoded.contentType).toBe(contentType);
    expect(encoded.content.toString()).toBe(body);
  });
});
