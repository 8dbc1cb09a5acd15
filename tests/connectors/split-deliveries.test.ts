import type { Channel, ConsumeMessage } from "amqplib";
import { describe, expect, it } from "vitest";
import type { AckBatcher } from "../../connectors/amqp/ack-batcher";
import { DeliveryRegistry, partOf, type Delivery } from "../../connectors/amqp/deliveries";
import { splitFailureReason } from "../../connectors/amqp/settlement";

const KEY = "broker1:3:17";

function registryWithDelivery(): DeliveryRegistry {
  const registry = new DeliveryRegistry();
  registry.channelOpened(3);
  const message = { fields: { deliveryTag: 17 } } as unknown as ConsumeMessage;
  const delivery: Delivery = { key: KEY, queue: "q", consumer: "c", channel: {} as Channel, channelSeq: 3, acks: {} as AckBatcher, message, takenAt: 0, deadline: 1 };
  registry.add(delivery);
  return registry;
}

// One delivery, three orders: the delivery is settled when, and only when, the last of its parts is.
describe("a delivery split into parts", () => {
  it("gives each part a key of its own that names the delivery", () => {
    const keys = registryWithDelivery().split(KEY, 3);
    expect(keys).toEqual([`${KEY}#1`, `${KEY}#2`, `${KEY}#3`]);
    expect(partOf(keys[1])).toEqual({ parent: KEY, part: 2 });
    expect(partOf(KEY)).toBeUndefined();
  });

  it("hands the delivery on only with its last part, with the failures of the others", () => {
    const registry = registryWithDelivery();
    const [one, two, three] = registry.split(KEY, 3);
    expect(registry.settlePart(two, { error: "message 2 of 3: bad", node: "normalize" })).toBe("open");
    expect(registry.state(two)).toBe("settled");
    expect(registry.state(one)).toBe("live");
    expect(registry.settlePart(one)).toBe("open");
    const last = registry.settlePart(three);
    expect(last).toMatchObject({ parent: KEY, split: { count: 3, failures: [{ part: 2, error: "message 2 of 3: bad", node: "normalize" }] } });
    expect(registry.state(KEY)).toBe("live");
  });

  it("gives a delivery still being worked on a later deadline, never an earlier one, and nothing to one that is gone", () => {
    const registry = registryWithDelivery();
    registry.extend(KEY, 5_000);
    expect(registry.expired(4_999)).toEqual([]);
    registry.extend(KEY, 2_000);
    expect(registry.expired(4_999)).toEqual([]);
    expect(registry.expired(5_000).map((d) => d.key)).toEqual([KEY]);
    registry.take(KEY);
    registry.extend(KEY, 9_000);
    expect(registry.state(KEY)).not.toBe("live");
  });

  it("gives the parts a deadline of their own: a later one replaces the delivery's, an earlier one does not", () => {
    const registry = registryWithDelivery();
    registry.split(KEY, 2, 5000);
    expect(registry.expired(4999)).toEqual([]);
    expect(registry.expired(5000).map((d) => d.key)).toEqual([KEY]);
    const other = registryWithDelivery();
    other.split(KEY, 2, 0);
    expect(other.expired(1).map((d) => d.key)).toEqual([KEY]);
  });

  it("settles a part once: a second settlement of it is a no-op", () => {
    const registry = registryWithDelivery();
    const [one] = registry.split(KEY, 2);
    expect(registry.settlePart(one)).toBe("open");
    expect(registry.settlePart(one)).toBeUndefined();
  });

  it("leaves the parts nothing to settle once the delivery was taken whole (its deadline passed)", () => {
    const registry = registryWithDelivery();
    const [one, two] = registry.split(KEY, 2);
    registry.settlePart(one);
    expect(registry.take(KEY)?.key).toBe(KEY);
    expect(registry.settlePart(two)).toBeUndefined();
    expect(registry.state(two)).toBe("settled");
  });

  it("forgets the parts with their channel: the broker sends the whole document again", () => {
    const registry = registryWithDelivery();
    const [one] = registry.split(KEY, 2);
    registry.dropChannel(3);
    expect(registry.state(one)).toBe("gone");
    expect(registry.settlePart(one)).toBeUndefined();
  });

  it("numbers a second split of the same delivery (a fan-out before two nodes that split) after the first, and waits for both", () => {
    const registry = registryWithDelivery();
    const first = registry.split(KEY, 2);
    const second = registry.split(KEY, 3);
    expect(first).toEqual([`${KEY}#1`, `${KEY}#2`]);
    expect(second).toEqual([`${KEY}#3`, `${KEY}#4`, `${KEY}#5`]);
    for (const key of first) expect(registry.settlePart(key)).toBe("open");
    // the first branch is done; the second branch's orders are still on their way, and one of them fails
    expect(registry.state(KEY)).toBe("live");
    expect(registry.settlePart(second[0])).toBe("open");
    expect(registry.settlePart(second[1], { error: "order 2 of 3: no price", node: "validate" })).toBe("open");
    expect(registry.settlePart(second[2])).toMatchObject({ parent: KEY, split: { count: 5, failures: [{ part: 4, error: "order 2 of 3: no price" }] } });
  });

  it("deadlines stand still while paused, as a whole and for one delivery, and run on by the time they stood", () => {
    const registry = registryWithDelivery();
    registry.extend(KEY, 1_000);
    registry.pauseDeadlines(500);
    expect(registry.expired(5_000)).toEqual([]);
    registry.resumeDeadlines(2_500);
    expect(registry.expired(2_999)).toEqual([]);
    expect(registry.expired(3_000).map((d) => d.key)).toEqual([KEY]);
    registry.pauseDeadline(KEY);
    expect(registry.expired(60_000)).toEqual([]);
    registry.extend(KEY, 61_000);
    expect(registry.expired(61_000).map((d) => d.key)).toEqual([KEY]);
  });

  it("gives parts of a delivery that is no longer live keys that settle nothing", () => {
    const registry = new DeliveryRegistry();
    registry.channelOpened(3);
    const [one] = registry.split(KEY, 2);
    expect(registry.state(one)).toBe("settled");
    expect(registry.settlePart(one)).toBeUndefined();
  });
});

describe("the dead letter of a document some of whose orders failed", () => {
  it.each([
    ["one of three failed", [{ part: 2, error: "message 2 of 3 (00621): bad quantity", node: "normalize" }], 3,
      { error: "message 2 of 3 (00621): bad quantity (the other 2 of 3 went through)", node: "normalize" }],
    ["two of three failed, in two nodes, reported out of order", [{ part: 3, error: "IDoc 3 of 3: duplicate key", node: "once per order" }, { part: 1, error: "IDoc 1 of 3: not an order", node: "normalize" }], 3,
      { error: "2 of 3 failed: IDoc 1 of 3: not an order; IDoc 3 of 3: duplicate key (the other 1 of 3 went through)", node: "normalize, once per order" }],
    ["all failed", [{ part: 1, error: "a", node: "n" }, { part: 2, error: "b", node: "n" }], 2, { error: "2 of 2 failed: a; b", node: "n" }],
  ])("%s", (_what, failures, count, expected) => {
    expect(splitFailureReason({ count, open: new Set(), failures })).toMatchObject(expected);
  });

  it("names the first 20 of thousands of failed orders and counts the rest, so the reason fits in a header", () => {
    const failures = Array.from({ length: 4000 }, (_, i) => ({ part: i + 1, error: `order ${i + 1} of 4000 (SO-${i + 1}): quantity "x" is not a number`, node: "normalize" }));
    const { error } = splitFailureReason({ count: 4000, open: new Set(), failures });
    expect(error).toMatch(/^4000 of 4000 failed: order 1 of 4000 \(SO-1\): .*; order 20 of 4000 \(SO-20\): quantity "x" is not a number; and 3980 more$/);
    expect(error.length).toBeLessThan(4000);
  });
});
