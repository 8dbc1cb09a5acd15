import type { Channel, Message } from "amqplib";
import { describe, expect, it } from "vitest";
import { AckBatcher } from "../../connectors/amqp/ack-batcher";

const msg = (tag: number) => ({ fields: { deliveryTag: tag } }) as unknown as Message;

/** Records what would go to the broker. */
function recorder() {
  const sent: string[] = [];
  const channel = { ack: (m: Message, multiple = false) => sent.push(`${m.fields.deliveryTag}${multiple ? "+" : ""}`) } as unknown as Channel;
  return { sent, channel };
}

describe("acks leave together, batch by batch", () => {
  it.each([
    // settled tags, oldest tag still in flight, what is sent ("5+" = 5 with multiple)
    [[1, 2, 3], undefined, ["3+"]],
    [[3, 1, 2], undefined, ["3+"]],
    [[1, 2, 4, 5], 3, ["2+", "4", "5"]],
    [[4, 5], 3, ["4", "5"]],
    [[1], 7, ["1+"]],
  ] as const)("settled %j with %s in flight → %j", (tags, oldest, expected) => {
    const { sent, channel } = recorder();
    const acks = new AckBatcher(channel, () => oldest);
    for (const t of tags) acks.ack(msg(t));
    acks.flush();
    expect(sent).toEqual(expected);
  });

  it("never covers a dead letter still on its way with a multiple ack", () => {
    const { sent, channel } = recorder();
    const acks = new AckBatcher(channel, () => undefined);
    acks.hold(msg(2));
    for (const t of [1, 3, 4]) acks.ack(msg(t));
    acks.flush();
    expect(sent).toEqual(["1+", "3", "4"]);
    acks.ack(msg(2));
    acks.flush();
    expect(sent).toEqual(["1+", "3", "4", "2+"]);
  });

  it("a rejected dead letter stops holding the others back", () => {
    const { sent, channel } = recorder();
    const acks = new AckBatcher(channel, () => undefined);
    acks.hold(msg(1));
    acks.release(msg(1));
    for (const t of [2, 3]) acks.ack(msg(t));
    acks.flush();
    expect(sent).toEqual(["3+"]);
  });

  it("sends nothing when nothing was settled, and survives a closed channel", () => {
    const channel = { ack: () => { throw new Error("Channel closed"); } } as unknown as Channel;
    const acks = new AckBatcher(channel, () => undefined);
    acks.flush();
    acks.ack(msg(1));
    expect(() => acks.flush()).not.toThrow();
  });

  it("gathers the acks of one callback and the promises it settles, and sends them before the turn ends", async () => {
    const { sent, channel } = recorder();
    const acks = new AckBatcher(channel, () => undefined);
    const order: string[] = [];
    // Three confirms of one socket read, each settled at the end of a promise chain of its own length.
    void Promise.resolve().then(() => acks.ack(msg(1)));
    void Promise.resolve()
      .then(() => Promise.resolve())
      .then(() => acks.ack(msg(2)));
    void Promise.resolve().then(() => acks.ack(msg(3)));
    expect(sent).toEqual([]);
    setImmediate(() => order.push(`next callback saw ${sent.join(" ")}`));
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(["3+"]);
    expect(order).toEqual(["next callback saw 3+"]);
  });
});
