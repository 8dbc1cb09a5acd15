import { afterEach, describe, expect, it } from "vitest";
import type { Reservation } from "../../domain/master/types";
import type { OrderDecidedEvent } from "../../domain/order/decided";
import type { ApprovalDesk } from "../../runtime/approval-desk";
import { getMasterData } from "../../runtime/master-data";
import { getOrderBook } from "../../runtime/order-book";
import { getHubStore } from "../../store";
import { approvalIdOf } from "../../store/approvals";
import { json } from "../support/amqp";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { useStandInOa } from "../support/order-decisions";
import { day, decisionFlows, jsonOrder, routingKeys, scarceMaster, startDesk } from "../support/decision-desk";
import { until } from "../support/wait";

// A rush order through the shipped intake and decisions flows on RabbitMQ, approved at the hub's approval desk: its
// promise takes the supply its proposal frees, the pushed-back order's reservation moves in the same transaction, and
// order.rescheduled says so. GH-100: 50 on hand in WH-A, 100 more on a purchase order due in 20 days.
const hub = useIntakeFlow("orderhub-rush-approval");
const oa = useStandInOa();
let desk: ApprovalDesk | undefined;

afterEach(async () => {
  await desk?.stop();
  desk = undefined;
});

async function start(): Promise<string> {
  const { flow, nodes } = decisionFlows();
  const tap = await hub.start(flow, nodes);
  await getMasterData().applyBundle(scarceMaster(50), "replace", "test");
  for (const queue of ["orderhub.orders.decisions", "orderhub.orders.changes", "orderhub.approvals"]) await hub.client.consumed(queue);
  desk = startDesk(hub.client);
  return tap;
}

let sent = 0;
async function send(body: unknown): Promise<void> {
  await hub.client.send(INBOUND, JSON.stringify(body), { contentType: "application/json", messageId: `rush-${++sent}` });
  await hub.client.confirmed();
}

async function decided(tap: string, body: ReturnType<typeof jsonOrder>, outcome: string): Promise<OrderDecidedEvent> {
  await send(body);
  const got = await hub.client.collect(tap, 2);
  expect(routingKeys(got)).toEqual(["order.accepted", outcome].sort());
  return json(got.find((m) => m.fields.routingKey === outcome)!) as OrderDecidedEvent;
}

/** GH-100's reservations as the rules read them, and as the store holds them, by order, date and quantity. */
async function reservations(): Promise<{ view: string[]; stored: string[] }> {
  const show = (rs: readonly Reservation[]) => rs.map((r) => `${r.order} ${r.date.slice(0, 10)} ${r.quantity}`).sort();
  const view = [...(getOrderBook().view().reservations.get("GH-100")?.values() ?? [])].flat();
  const stored = (await getHubStore().readMaster()).records.reservations as Reservation[];
  return { view: show(view), stored: show(stored) };
}

describe("an approved rush order", () => {
  it("is promised its requested date from the supply it takes, moves the pushed-back order's reservation and announces it", async () => {
    const tap = await start();
    const a = await decided(tap, jsonOrder("RA-1", "C-GOOD", 40, { requested: day(10) }), "order.released");
    expect(a.confirmations).toEqual([expect.objectContaining({ quantity: 40, date: day(10), warehouse: "WH-A" })]);
    await decided(tap, jsonOrder("RA-2", "C-GOOD", 10, { requested: day(5) }), "order.released");

    // nothing free on day 3: the rush order takes 30 of RA-1's 40, which waits for the receipt on day 20
    const rush = await decided(tap, jsonOrder("RA-R", "C-GOOD", 30, { requested: day(3), orderType: "rush" }), "order.needs-approval");
    const atp = rush.decisions.find((d) => d.rule === "atp")!;
    expect(atp).toMatchObject({ rushProposal: { feasible: true, pushedBack: [{ order: "C-GOOD/RA-1/0", quantity: 30, from: day(10), to: day(20) }] } });
    expect(rush.reasons).toContain(`atp-check: rush: take 30 × GH-100 from order C-GOOD/RA-1/0 at WH-A, its delivery moves from ${day(10)} to ${day(20)}`);
    await until("OA asked about the rush order", () => oa.requested.includes("C-GOOD/RA-R/0"));

    const id = approvalIdOf("C-GOOD/RA-R/0");
    expect(await desk!.decide(id, "approve", "dave", "trade fair")).toMatchObject({ kind: "decided", published: true });
    const got = await hub.client.collect(tap, 2);
    expect(routingKeys(got)).toEqual(["order.released", "order.rescheduled"]);
    const released = json(got.find((m) => m.fields.routingKey === "order.released")!) as OrderDecidedEvent;
    expect(released.confirmations).toEqual([{ lineNumber: "1", sku: "GH-100", quantity: 30, date: day(3), warehouse: "WH-A", source: "supply" }]);
    expect(json(got.find((m) => m.fields.routingKey === "order.rescheduled")!)).toMatchObject({ orderKey: "C-GOOD/RA-1/0", sku: "GH-100", warehouse: "WH-A", quantity: 30, from: day(10), to: day(20), rushOrder: "C-GOOD/RA-R/0" });

    // the rush order's reservation, RA-1's 10 left on day 10 and its 30 on day 20; no more than 50 before the receipt
    const expected = [`C-GOOD/RA-1/0 ${day(10)} 10`, `C-GOOD/RA-1/0@${day(20)} ${day(20)} 30`, `C-GOOD/RA-2/0 ${day(5)} 10`, `C-GOOD/RA-R/0 ${day(3)} 30`];
    await until("the order book's pending entries applied", () => getOrderBook().pending.size === 0);
    expect(await reservations()).toEqual({ view: expected, stored: expected });
    const history = await getOrderBook().history({ orderKey: "C-GOOD/RA-R/0" });
    expect(history.find((e) => e.rule === "approval" && e.outcome === "ok")).toMatchObject({ by: "dave", detail: { rescheduled: [expect.objectContaining({ order: "C-GOOD/RA-1/0", to: day(20) })] } });

    // the desk records the same event again after a crash: nothing moves twice, and it answers what it recorded
    const again = await getOrderBook().recordApproval({ ...released, outcome: "released" }, `order.released:${id}`);
    expect(again).toMatchObject({ confirmations: released.confirmations, rescheduled: [expect.objectContaining({ order: "C-GOOD/RA-1/0", quantity: 30 })] });
    expect(await reservations()).toEqual({ view: expected, stored: expected });

    // the next order on day 3 finds nothing free: RA-1's moved part counts where it went
    const late = await decided(tap, jsonOrder("RA-3", "C-GOOD", 5, { requested: day(3) }), "order.released");
    expect(late.confirmations).toEqual([expect.objectContaining({ quantity: 5, date: day(20) })]);
  });

  it("pushes nobody back when the proposal no longer holds at approval, and promises from what is free then", async () => {
    const tap = await start();
    await decided(tap, jsonOrder("RB-1", "C-GOOD", 40, { requested: day(10) }), "order.released");
    await decided(tap, jsonOrder("RB-2", "C-GOOD", 10, { requested: day(5) }), "order.released");
    await decided(tap, jsonOrder("RB-R", "C-GOOD", 30, { requested: day(3), orderType: "rush" }), "order.needs-approval");
    await until("OA asked about the rush order", () => oa.requested.includes("C-GOOD/RB-R/0"));
    // RB-1 is cancelled before the approval: its stock is free, there is nothing of it to push back
    await send(jsonOrder("RB-1", "C-GOOD", 40, { purpose: "cancel" }));
    expect(routingKeys(await hub.client.collect(tap, 2))).toEqual(["order.cancellation-confirmed", "order.cancelled"]);

    expect(await desk!.decide(approvalIdOf("C-GOOD/RB-R/0"), "approve", "dave", null)).toMatchObject({ kind: "decided", published: true });
    const got = await hub.client.collect(tap, 1);
    expect(routingKeys(got)).toEqual(["order.released"]);
    const released = json(got[0]) as OrderDecidedEvent;
    expect(released.reasons[0]).toMatch(/^rush: the proposal no longer holds \(order C-GOOD\/RB-1\/0 holds nothing of GH-100 at WH-A now/);
    // promised again from what is free now: the 40 RB-1 left serve it on time
    expect(released.confirmations).toEqual([expect.objectContaining({ quantity: 30, date: day(3), source: "supply" })]);
    await until("the order book's pending entries applied", () => getOrderBook().pending.size === 0);
    expect((await reservations()).stored).toEqual([`C-GOOD/RB-2/0 ${day(5)} 10`, `C-GOOD/RB-R/0 ${day(3)} 30`]);
  });
});
