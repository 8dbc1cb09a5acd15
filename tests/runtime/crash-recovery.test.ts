import { rmSync } from "node:fs";
import type { ConsumeMessage } from "amqplib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEAD_LETTER_QUEUE, INBOUND_ORDERS_QUEUE, declareHubTopology } from "../../connectors/amqp/topology";
import { deriveMessageId } from "../../nodes/shared/outbox";
import { SETTLE_MS, TestClient } from "../support/amqp";
import { canonicalOrder } from "../support/orders";
import { createVhost, type TestVhost } from "../support/rabbit";
import { quietFor, until } from "../support/wait";
import { type LaunchedHub, launchHubProcess, shippedFlowFiles, sleep, tempHubDir } from "./support/hub-process";

/**
 * The hub process is killed with SIGKILL (no shutdown: as the OOM killer or a power-less container would) while orders
 * stream in, then started again on the same data dir. Nothing may be lost, and an order already accepted may at most be
 * announced again under the same message id, never under a new one.
 */
const TOTAL = 3000;
const DUPLICATES = 100;
const FLOWS = shippedFlowFiles("config.json", "order-intake.json");

let vhost: TestVhost;
let client: TestClient;
const hubs: LaunchedHub[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  vhost = createVhost("orderhub-crash");
  client = await TestClient.connect(vhost.url);
  // The topology exists before the first order is sent, as it would where a hub has run before.
  await declareHubTopology(() => client.conn.createChannel());
});

afterEach(async () => {
  await Promise.allSettled(hubs.splice(0).map((h) => h.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await Promise.allSettled(hubs.splice(0).map((h) => h.kill()));
  await client?.close();
  vhost?.drop();
});

interface Event {
  routingKey: string;
  orderNumber: string;
  messageId: string;
  /** The inbound message id the event answers (amqp-in carries it on as the correlation id). */
  correlationId: string;
}

/** Everything the hub publishes on orderhub.events (order.*) from now on, in arrival order. */
async function tapEvents(): Promise<Event[]> {
  const queue = await client.tap("order.*");
  const events: Event[] = [];
  const ch = await client.conn.createChannel();
  await ch.consume(
    queue,
    (m: ConsumeMessage | null) => {
      if (!m) return;
      const body = JSON.parse(m.content.toString("utf8")) as { orderNumber: string };
      events.push({
        routingKey: m.fields.routingKey,
        orderNumber: body.orderNumber,
        messageId: String(m.properties.messageId),
        correlationId: String(m.properties.correlationId),
      });
    },
    { noAck: true },
  );
  return events;
}

/** A hub on the shared vhost, run in `dir` so a restart finds the same SQLite store. */
function launch(dir: string): LaunchedHub {
  const hub = launchHubProcess({ dir, keepDir: true, flows: FLOWS, env: { AMQP_URL: vhost.url } });
  hubs.push(hub);
  return hub;
}

async function kill(hub: LaunchedHub): Promise<void> {
  await hub.kill();
  hubs.splice(hubs.indexOf(hub), 1);
}

async function send(orderNumber: string, messageId: string): Promise<void> {
  await client.send(INBOUND_ORDERS_QUEUE, JSON.stringify(canonicalOrder(orderNumber)), { contentType: "application/json", messageId });
}

/** A CSV export with the orders `<prefix>-<from>` … `<prefix>-<to - 1>`, two lines each, as a shop sends a batch. */
function csvExport(prefix: string, from: number, to: number): string {
  const rows = ["orderNumber,issueDate,currency,buyerId,lineNumber,sku,quantity,unitPrice"];
  for (let i = from; i < to; i++) rows.push(`${prefix}-${i},2026-11-20,EUR,C-1001,1,FG-1000,10,12.50`, `${prefix}-${i},2026-11-20,EUR,C-1001,2,FG-1001,20,13.50`);
  return `${rows.join("\n")}\n`;
}

/** Sends orders `<prefix>-<i>`, `ORDERS_PER_EXPORT` to a CSV export, instead of one JSON document each. */
const ORDERS_PER_EXPORT = 10;
async function sendExport(prefix: string, i: number): Promise<void> {
  if (i % ORDERS_PER_EXPORT !== 0) return;
  await client.send(INBOUND_ORDERS_QUEUE, csvExport(prefix, i, i + ORDERS_PER_EXPORT), { contentType: "text/csv", messageId: `${prefix}-export-${i}` });
}

/** Sends `total` distinct orders `<prefix>-<i>` in confirmed batches, paced so the stream lasts a few seconds. */
async function stream(prefix: string, total: number, perSecond: number, sendOne = (i: number) => send(`${prefix}-${i}`, `${prefix}-in-${i}`)): Promise<void> {
  const batch = 50;
  const begun = Date.now();
  for (let i = 0; i < total; i += batch) {
    for (let j = i; j < Math.min(total, i + batch); j++) await sendOne(j);
    await client.confirmed();
    const due = begun + ((i + batch) / perSecond) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
  }
}

/** Order number → the set of message ids its order.accepted events carried. */
function acceptedIds(events: Event[]): Map<string, Set<string>> {
  const ids = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.routingKey !== "order.accepted") continue;
    ids.set(e.orderNumber, (ids.get(e.orderNumber) ?? new Set()).add(e.messageId));
  }
  return ids;
}

const accepted = (events: Event[]) => events.filter((e) => e.routingKey === "order.accepted");

/**
 * After the crashes and the stream: send duplicates, let the last hub drain and stop, and check every invariant.
 * `killedAt`: how many events had arrived when the last hub was killed (none killed: undefined).
 */
async function finish(
  prefix: string,
  events: Event[],
  last: LaunchedHub,
  killedAt?: number,
  duplicates = DUPLICATES,
): Promise<{ repeats: number; lateRepeats: number; fromDuplicates: number }> {
  await until(`all ${TOTAL} orders accepted`, () => acceptedIds(events).size >= TOTAL, 30_000);
  const before = events.length;
  for (let i = 0; i < duplicates; i++) await send(`${prefix}-${(i * 29) % TOTAL}`, `${prefix}-dup-${i}`);
  await client.confirmed();
  // Duplicates are acknowledged without an event: wait until every message was taken and acknowledged (an event is
  // confirmed before its order's ack, so all of them are on their way to the tap), and until the tap has them all.
  await client.drained(INBOUND_ORDERS_QUEUE);
  await quietFor(() => events.length, SETTLE_MS);
  expect(await last.stop()).toBe(0);
  hubs.splice(hubs.indexOf(last), 1);

  const ids = acceptedIds(events);
  expect(ids.size).toBe(TOTAL);
  for (const [order, messageIds] of ids) {
    expect([...messageIds], `order ${order}`).toEqual([deriveMessageId("order.accepted", `C-1001/${order}/0`)]);
  }
  expect(events.filter((e) => e.routingKey !== "order.accepted")).toEqual([]);
  // A duplicate causes no event unless a killed hub had acked its original but not yet recorded it done; then it
  // re-sends the stored event, under the id checked above. After a graceful stop there is no such window.
  const dupEvents = events.slice(before).filter((e) => e.correlationId.startsWith(`${prefix}-dup-`));
  const fromDuplicates = dupEvents.length;
  if (killedAt === undefined) {
    expect(fromDuplicates, "events caused by the duplicates").toBe(0);
  } else {
    const byKilledHub = new Set(events.slice(0, killedAt).map((e) => e.orderNumber));
    expect(dupEvents.filter((e) => !byKilledHub.has(e.orderNumber)), "duplicates re-announcing orders no killed hub had accepted").toEqual([]);
  }
  const lateRepeats = events.length - before - fromDuplicates;
  // A stopped hub returns whatever it had not settled: an empty queue (nothing ready, nothing unacknowledged) now
  // means every order was settled.
  expect(await client.depth(INBOUND_ORDERS_QUEUE)).toBe(0);
  expect(await client.depth(DEAD_LETTER_QUEUE)).toBe(0);
  return { repeats: accepted(events).length - ids.size - fromDuplicates, lateRepeats, fromDuplicates };
}

/** A hub on a fresh dir takes a stream of orders and is SIGKILLed once 500 events are out; the stream goes on. */
async function killMidStream(prefix: string, sendOne?: (i: number) => Promise<void>) {
  const { dir } = tempHubDir();
  dirs.push(dir);
  const events = await tapEvents();
  const first = launch(dir);
  await first.started;
  const sending = stream(prefix, TOTAL, 600, sendOne);
  await until("500 events before the kill", () => events.length >= 500, 20_000);
  await kill(first);
  return { dir, events, sending, atKill: events.length };
}

describe("the hub killed with SIGKILL while orders stream in", () => {
  it(`restarted on the same data: all ${TOTAL} orders accepted, each under one message id, duplicates add no new id`, async () => {
    const { dir, events, sending, atKill } = await killMidStream("KILL1");
    const second = launch(dir);
    await second.started;
    await sending;
    const { repeats, lateRepeats, fromDuplicates } = await finish("KILL1", events, second, atKill);
    console.info(
      `crash once: ${TOTAL} orders, ${accepted(events).length} order.accepted events (${atKill} before the kill), ` +
        `${repeats} repeated under the same id (${lateRepeats} late), ${DUPLICATES} duplicates → ${fromDuplicates} events, same id`,
    );
  });

  it("killed again as soon as the restarted hub takes orders: still nothing lost, no new message id", async () => {
    const { dir, events, sending, atKill: atFirstKill } = await killMidStream("KILL2");
    // The second hub dies while it recovers: as soon as its first event is out (or 8 s after spawn, still starting up).
    const second = launch(dir);
    const spawned = Date.now();
    await until("the restarted hub taking orders (or 8 s)", () => events.length > atFirstKill || Date.now() - spawned >= 8000, 10_000);
    const killedAfter = Date.now() - spawned;
    await kill(second);
    const atSecondKill = events.length;
    const third = launch(dir);
    await third.started;
    await sending;
    const { repeats, fromDuplicates } = await finish("KILL2", events, third, atSecondKill);
    console.info(
      `crash twice: ${TOTAL} orders, ${accepted(events).length} order.accepted events (${atFirstKill} before the first kill, ` +
        `${atSecondKill - atFirstKill} from the hub killed ${killedAfter} ms after spawn), ${repeats} repeated under the same id, ${DUPLICATES} duplicates → ${fromDuplicates} events, same id`,
    );
  });
});

describe("the hub killed with SIGKILL while batches of orders stream in", () => {
  it(`restarted: every order of every CSV export accepted once, under one message id; no export left or dead-lettered`, async () => {
    const { dir, events, sending, atKill } = await killMidStream("BATCH", (i) => sendExport("BATCH", i));
    const second = launch(dir);
    await second.started;
    await sending;
    // An export the killed hub had partly published comes back whole: its published orders are found in the store.
    const { repeats } = await finish("BATCH", events, second, atKill, 0);
    console.info(`crash with batches: ${TOTAL} orders in ${TOTAL / ORDERS_PER_EXPORT} exports, ${accepted(events).length} order.accepted events (${atKill} before the kill), ${repeats} repeated under the same id`);
  });
});

describe("the hub stopped with SIGTERM while orders stream in", () => {
  it("finishes or returns what it holds, exits 0, and the next hub accepts the rest: none lost, no new message id", async () => {
    const { dir } = tempHubDir();
    dirs.push(dir);
    const events = await tapEvents();
    const first = launch(dir);
    await first.started;
    const sending = stream("TERM", TOTAL, 600);
    await until("500 events before the stop", () => events.length >= 500, 20_000);
    expect(await first.stop()).toBe(0);
    hubs.splice(hubs.indexOf(first), 1);
    const atStop = events.length;
    const second = launch(dir);
    await second.started;
    await sending;
    const { repeats } = await finish("TERM", events, second);
    console.info(`graceful stop: ${TOTAL} orders, ${accepted(events).length} order.accepted events (${atStop} before the stop), ${repeats} repeated under the same id`);
  });
});
