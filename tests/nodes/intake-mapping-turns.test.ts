import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { shippedFlows } from "../support/node-red";
import { edifactInterchange, edifactMessage } from "../support/several-orders";

// Large documents take turns on the mapping thread. With a short settle deadline, a document that waited behind the
// others used to be dead-lettered while it was still to be mapped, and its orders were then published all the same:
// published and dead-lettered at once. Waiting its turn now stops its deadline.

beforeAll(() => ensureBuilt("dist/mappings/mapping-thread-worker.js", "dist/mappings/edifact-d96a-orders.jsonata"), 180_000);

const intake = useIntakeFlow("orderhub-mapping-turns");

/** The shipped intake flow with a settle deadline of `seconds`. */
function intakeWithDeadline(seconds: number) {
  return shippedFlows("config.json", "order-intake.json").map((n) => (n.type === "amqp-broker" ? { ...n, settleDeadline: seconds } : n));
}

const interchange = (count: number, first: number) =>
  edifactInterchange(Array.from({ length: count }, (_, i) => edifactMessage(String(first + i), `T${first + i}`)));

describe("large documents waiting their turn on the mapping thread", () => {
  it("are not dead-lettered for the time they waited: four batches of 150 orders, a 2 s deadline, 600 orders accepted", async () => {
    const events = await intake.start(intakeWithDeadline(2));
    const batches = [10000, 20000, 30000, 40000].map((first) => interchange(150, first));
    for (const [i, body] of batches.entries()) await intake.client.send(INBOUND, body, { contentType: "application/edifact", messageId: `batch-${i}` });
    await intake.client.confirmed();

    const accepted = await intake.client.collect(events, 600, 20_000);
    expect(accepted.filter((m) => m.fields.routingKey === "order.accepted").length).toBe(600);
    expect(accepted.length).toBe(600);
    expect(await intake.client.collect("orderhub.dlq", 0, 500)).toEqual([]);
    expect(await intake.client.counts(INBOUND)).toMatchObject({ ready: 0, unacked: 0 });
  });
});
