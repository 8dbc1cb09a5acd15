import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAPPING_THREAD_FROM_BYTES } from "../../mappings/mapping-thread";
import { json } from "../support/amqp";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { helper, hubNodes, loadFlow, shippedFlows } from "../support/node-red";
import { edifactInterchange, edifactMessage, idoc, idocFile } from "../support/several-orders";
import { until } from "../support/wait";

// A partner's batch: one document, several orders. Each order becomes its own event; the document leaves the inbound
// queue only when every order in it is settled, and what failed is kept in the DLQ once, with every reason.

const intake = useIntakeFlow("orderhub-intake-batch");
const nodeRequire = createRequire(__filename);
/** How many messages the flow's node `id` has received from now on. */
function countInputs(id: string): () => number {
  let n = 0;
  (helper.getNode(id) as unknown as { on(event: "input", fn: () => void): void }).on("input", () => void n++);
  return () => n;
}

const badQuantity = (text: string) => text.replace("QTY+21:144:H87'", "QTY+21:1OO:H87'");

describe("order intake of a document with several orders", () => {
  it("acknowledges the document only when its last order is settled: stopped before that, the hub hands it back whole", async () => {
    // The first order is settled at once, the second 1.5 s later (a slow step downstream, in the flow's terms).
    const flow = [
      ...shippedFlows("config.json"),
      { id: "t", type: "tab", label: "held" },
      { id: "in", z: "t", type: "amqp-in", broker: "orderhub-broker", queue: INBOUND, prefetch: 10, output: "buffer", declare: true, wires: [["norm"]] },
      { id: "norm", z: "t", type: "order-normalize", format: "auto", maxBytes: 0, sourceSystem: "", wires: [["which"]] },
      { id: "which", z: "t", type: "switch", property: "parts.index", rules: [{ t: "eq", v: "0", vt: "num" }, { t: "else" }], checkall: "false", outputs: 2, wires: [["ack"], ["slow"]] },
      { id: "slow", z: "t", type: "delay", pauseType: "delay", timeout: "1500", timeoutUnits: "milliseconds", wires: [["ack"]] },
      { id: "ack", z: "t", type: "settle", wires: [[]] },
    ];
    const core = (file: string) => nodeRequire(join(__dirname, "../../node_modules/@node-red/nodes/core/function", file));
    const nodes = [...hubNodes(), core("10-switch.js"), core("89-delay.js")];
    await intake.start(flow, nodes);
    const { client } = intake;
    const settled = countInputs("ack");
    const held = countInputs("slow");
    await client.send(INBOUND, edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10041")]), { contentType: "application/edifact", messageId: "held-1" });
    await until("the first order settled and the second held", () => settled() === 1 && held() === 1);
    // The first order is settled, the second is not: stopping now returns the document to the queue.
    await helper.unload();
    expect(await client.countsWhenReturned(INBOUND)).toEqual({ ready: 1, unacked: 0, total: 1 });
    // Given the time, both are settled and the document is gone for good: acknowledged while the flow runs.
    await loadFlow(flow, nodes);
    await client.drained(INBOUND);
    await helper.unload();
    expect(await client.depth(INBOUND)).toBe(0);
  });

  it("turns an interchange with three ORDERS messages into three order.accepted events, each with an id of its own", async () => {
    const events = await intake.start();
    const { client } = intake;
    const body = edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10041"), edifactMessage("00622", "10042")]);
    await client.send(INBOUND, body, { contentType: "application/edifact", messageId: "batch-1" });
    const got = await client.collect(events, 3);
    expect(got.map((m) => m.fields.routingKey)).toEqual(["order.accepted", "order.accepted", "order.accepted"]);
    expect(got.map((m) => json(m).orderNumber).sort()).toEqual(["10040", "10041", "10042"]);
    expect(new Set(got.map((m) => m.properties.messageId)).size).toBe(3);
    expect(got.every((m) => m.properties.correlationId === "batch-1")).toBe(true);
    expect(await client.depth(INBOUND)).toBe(0);
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });

  it("books the good orders of a batch, rejects the bad one by its place, and keeps the document in the DLQ once", async () => {
    const events = await intake.start();
    const { client } = intake;
    const body = edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10041", badQuantity), edifactMessage("00622", "10042")]);
    await client.send(INBOUND, body, { contentType: "application/edifact", messageId: "batch-2" });
    const got = await client.collect(events, 3);
    expect(got).toHaveLength(3);
    const accepted = got.filter((m) => m.fields.routingKey === "order.accepted");
    const [rejected] = got.filter((m) => m.fields.routingKey === "order.rejected");
    expect(accepted.map((m) => json(m).orderNumber).sort()).toEqual(["10040", "10042"]);
    expect(json(rejected)).toMatchObject({
      code: "not-a-number",
      reason: 'message 2 of 3 (00621): line 124 (QTY): quantity "1OO" is not a number',
      part: { index: 2, count: 3, ref: "00621" },
      inboundMessageId: "batch-2/2",
    });
    const dead = await client.collect("orderhub.dlq", 1);
    expect(dead).toHaveLength(1);
    expect(dead[0].content.toString()).toBe(body);
    expect(dead[0].properties.messageId).toBe("batch-2");
    expect(dead[0].properties.headers?.["x-orderhub-error"]).toBe('message 2 of 3 (00621): line 124 (QTY): quantity "1OO" is not a number (the other 2 of 3 went through)');
    expect(dead[0].properties.headers?.["x-orderhub-node"]).toBe("normalize");
    expect(await client.depth(INBOUND)).toBe(0);

    // The operator replays the dead letter as it is: the two booked orders are repeats now, nothing is booked twice.
    await client.send(INBOUND, body, { contentType: "application/edifact", messageId: "batch-2" });
    const again = await client.collect(events, 1);
    expect(again.map((m) => m.fields.routingKey)).toEqual(["order.rejected"]);
    expect(await client.collect("orderhub.dlq", 1)).toHaveLength(1);
    expect(await client.depth(INBOUND)).toBe(0);
  });

  it("books an order the batch repeats once, and refuses a second order under the same number with other content", async () => {
    const events = await intake.start();
    const { client } = intake;
    const otherQuantity = (text: string) => text.replace("QTY+21:144:H87'", "QTY+21:145:H87'");
    const body = edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10040"), edifactMessage("00622", "10040", otherQuantity)]);
    await client.send(INBOUND, body, { contentType: "application/edifact", messageId: "repeats-1" });
    const got = await client.collect(events, 2);
    expect(got.map((m) => m.fields.routingKey).sort()).toEqual(["order.accepted", "order.rejected"]);
    const rejected = got.find((m) => m.fields.routingKey === "order.rejected")!;
    expect(json(rejected)).toMatchObject({ code: "conflict", orderNumber: "10040", inboundMessageId: "repeats-1/3" });
    expect(json(rejected).reason).toMatch(/lines\[0\]\.quantity: 144 before, now 145/);
    const dead = await client.collect("orderhub.dlq", 1);
    expect(dead).toHaveLength(1);
    expect(dead[0].properties.headers?.["x-orderhub-error"]).toEqual(expect.stringMatching(/\(the other 2 of 3 went through\)$/));
    expect(await client.depth(INBOUND)).toBe(0);
  });

  it("takes a CSV export of 300 orders, 100 of them bad: 200 accepted, 100 rejected, one dead letter that fits a header", async () => {
    const events = await intake.start();
    const { client } = intake;
    const rows = ["orderNumber,issueDate,currency,buyerId,lineNumber,sku,quantity,unitPrice"];
    for (let i = 0; i < 300; i++) rows.push(`BIG-${i},2026-11-20,EUR,C-1,1,K-1,${i % 3 === 2 ? "many" : "2"},9.50`);
    await client.send(INBOUND, rows.join("\n"), { contentType: "text/csv", messageId: "big-1" });
    const got = await client.collect(events, 300);
    expect(got).toHaveLength(300);
    expect(got.filter((m) => m.fields.routingKey === "order.accepted")).toHaveLength(200);
    expect(got.filter((m) => m.fields.routingKey === "order.rejected")).toHaveLength(100);
    const dead = await client.collect("orderhub.dlq", 1);
    expect(dead).toHaveLength(1);
    expect(dead[0].properties.headers?.["x-orderhub-error"]).toEqual(expect.stringMatching(/^100 of 300 failed: order 3 of 300 \(BIG-2\): line 4: quantity "many" is not a number; .*; and 80 more \(the other 200 of 300 went through\)$/));
    expect(await client.depth(INBOUND)).toBe(0);
  });

  it("maps a large interchange on the mapping thread: every order booked, the bad one rejected, the document dead-lettered once", async () => {
    const events = await intake.start();
    const { client } = intake;
    const messages = Array.from({ length: 120 }, (_, i) => edifactMessage(String(50000 + i), String(60000 + i), i === 41 ? badQuantity : undefined));
    const body = edifactInterchange(messages);
    expect(Buffer.byteLength(body)).toBeGreaterThanOrEqual(MAPPING_THREAD_FROM_BYTES);
    await client.send(INBOUND, body, { contentType: "application/edifact", messageId: "large-1" });
    const got = await client.collect(events, 120);
    expect(got).toHaveLength(120);
    expect(got.filter((m) => m.fields.routingKey === "order.accepted")).toHaveLength(119);
    expect(got.filter((m) => m.fields.routingKey === "order.rejected").map((m) => json(m).reason)).toEqual([expect.stringMatching(/^message 42 of 120 \(50041\): .*quantity "1OO" is not a number/)]);
    const dead = await client.collect("orderhub.dlq", 1);
    expect(dead).toHaveLength(1);
    expect(dead[0].properties.headers?.["x-orderhub-error"]).toEqual(expect.stringMatching(/^message 42 of 120 \(50041\): .* \(the other 119 of 120 went through\)$/));
    expect(await client.depth(INBOUND)).toBe(0);
  });

  it("gives a batch that takes longer to map than the settle deadline the time it needs, as long as it makes progress", async () => {
    // a 1 s deadline, and an interchange of 300 orders that takes about 2 s to map
    const flow = shippedFlows("config.json", "order-intake.json").map((n) => (n.type === "amqp-broker" ? { ...n, settleDeadline: 1 } : n));
    const events = await intake.start(flow);
    const { client } = intake;
    const body = edifactInterchange(Array.from({ length: 300 }, (_, i) => edifactMessage(String(70000 + i), String(30000 + i))));
    await client.send(INBOUND, body, { contentType: "application/edifact", messageId: "slow-1" });
    // Acknowledged, not dead-lettered: the dead letter would have been confirmed before the inbound ack.
    await client.drained(INBOUND);
    const got = await client.collect(events, 300);
    expect(got).toHaveLength(300);
    expect(got.filter((m) => m.fields.routingKey === "order.accepted")).toHaveLength(300);
    expect(await client.depth("orderhub.dlq")).toBe(0);
  });

  it("names every refused order of a batch in the one dead letter", async () => {
    const events = await intake.start();
    const { client } = intake;
    const body = idocFile([idoc("00000000000197", "10040", (t) => t.replace("<MESTYP>ORDERS</MESTYP>", "<MESTYP>ORDRSP</MESTYP>")), idoc("00000000000198", "10041"), idoc("00000000000199", "10042", (t) => t.replace("<MENGE>144</MENGE>", "<MENGE>lots</MENGE>"))]);
    await client.send(INBOUND, body, { contentType: "application/xml", messageId: "idocs-1" });
    const got = await client.collect(events, 3);
    expect(got).toHaveLength(3);
    expect(got.filter((m) => m.fields.routingKey === "order.accepted").map((m) => json(m).orderNumber)).toEqual(["10041"]);
    expect(got.filter((m) => m.fields.routingKey === "order.rejected").map((m) => json(m).code).sort()).toEqual(["not-a-number", "not-an-order"]);
    const dead = await client.collect("orderhub.dlq", 1);
    expect(dead).toHaveLength(1);
    expect(dead[0].properties.headers?.["x-orderhub-error"]).toEqual(expect.stringMatching(/^2 of 3 failed: IDoc 1 of 3 \(00000000000197\): EDI_DC40\/MESTYP: .* ORDRSP .*; IDoc 3 of 3 \(00000000000199\): .*quantity "lots" is not a number \(the other 1 of 3 went through\)$/));
    expect(await client.depth(INBOUND)).toBe(0);
  });
});
