import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from "amqplib";
import express from "express";
import { backoffDelay } from "../../connectors/amqp/backoff";
import { logger } from "../../observability/logger";
import { FaultSwitches } from "../faults";
import { demoManufacturer } from "../seed";
import type { SandboxContext, StandIn } from "../types";
import { InvalidDeliveryNote, WmsState, type WmsEvent } from "./state";
import { InvalidReturnNotice, WMS_RETURNS_QUEUE, WMS_RETURNS_REJECTED_QUEUE, WmsReturns, type ReturnReceivedEvent } from "./returns";

/**
 * The stand-in WMS, on the hub's broker. It takes delivery notes from the durable queue `wms.delivery-notes`, picks
 * them from its stock and announces `wms.picked`, then `wms.shipped`, on the topic exchange `orderhub.wms` (persistent,
 * confirmed, message id `<deliveryNote>/<event>`), one step delay apart; the delivery note is acknowledged once both
 * are confirmed. A delivery note it cannot read goes to `wms.delivery-notes.rejected` with the reason in the header
 * `x-wms-reason`. A delivery note of `type: "consignment-fillup"` (with `shipTo`: the consignment site) is no sale: it
 * is announced as `wms.fill-up.picked` / `wms.fill-up.shipped`, one of type `intercompany` (to a sister company) as
 * `wms.intercompany.picked` / `.shipped`, so order to cash does not take them. Fault switches: `down` stops consuming (delivery notes wait in the queue), `latencyMs`/`slow` delay
 * each note, `errorRate` hands that share of notes back to the queue. `PUT /_behaviour {stepDelayMs}`, `PUT /_stock
 * {sku, warehouse, quantity}`. Returns: a return notice on `wms.return-notices` is received after one step delay and
 * announced as `wms.return-received` (message id `<rma>/wms.return-received`, once per RMA) with what really came back,
 * as `PUT /_returns {receive, quantities}` says (sandbox/wms/returns.ts).
 */

export const WMS_QUEUE = "wms.delivery-notes";
export const WMS_REJECTED_QUEUE = "wms.delivery-notes.rejected";
export const WMS_EXCHANGE = "orderhub.wms";
export const DEFAULT_STEP_DELAY_MS = 200;
export { WMS_RETURNS_QUEUE, WMS_RETURNS_REJECTED_QUEUE } from "./returns";

const log = logger.child({ standIn: "wms" });

export function createWms(ctx: SandboxContext, options: { seed?: string; stepDelayMs?: number } = {}): StandIn {
  const books = new WmsState(() => demoManufacturer(options.seed));
  const faults = new FaultSwitches();
  let stepDelayMs = options.stepDelayMs ?? DEFAULT_STEP_DELAY_MS;
  let connection: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;
  let consumerTag: string | undefined;
  let returnsTag: string | undefined;
  const returns = new WmsReturns();
  let stopped = true;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;
  let watch: NodeJS.Timeout | undefined;
  let lastError: string | undefined;
  /** One delivery note at a time: stock and repeats stay simple and in order. */
  let turn: Promise<void> = Promise.resolve();
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const publish = (ch: ConfirmChannel, event: WmsEvent) =>
    new Promise<void>((resolve, reject) => {
      ch.publish(WMS_EXCHANGE, event.event, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        contentType: "application/json",
        messageId: `${event.deliveryNote}/${event.event}`,
        appId: "wms-sandbox",
        timestamp: Math.floor(Date.parse(event.at) / 1000),
      }, (err) => (err ? reject(err) : resolve()));
    });

  const handle = async (ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> => {
    const f = faults.get();
    if (f.down || (f.errorRate > 0 && Math.random() < f.errorRate)) {
      ch.nack(msg, false, true);
      return;
    }
    await wait(f.slow ? 30_000 : f.latencyMs);
    let note;
    try {
      note = books.read(msg.content);
    } catch (err) {
      if (!(err instanceof InvalidDeliveryNote)) throw err;
      books.rejected.push({ reason: err.message, at: new Date().toISOString() });
      await new Promise<void>((resolve, reject) =>
        ch.sendToQueue(WMS_REJECTED_QUEUE, msg.content, { persistent: true, headers: { ...msg.properties.headers, "x-wms-reason": err.message }, messageId: msg.properties.messageId, contentType: msg.properties.contentType }, (e) =>
          e ? reject(e) : resolve(),
        ),
      );
      ch.ack(msg);
      return;
    }
    const before = books.done(note.deliveryNote);
    const now = Date.now();
    const events = before ?? books.ship(note, new Date(now + stepDelayMs), new Date(now + 2 * stepDelayMs));
    if (!before) await wait(stepDelayMs);
    await publish(ch, events.picked);
    if (!before) await wait(stepDelayMs);
    await publish(ch, events.shipped);
    ch.ack(msg);
  };

  const publishReturn = (ch: ConfirmChannel, event: ReturnReceivedEvent) =>
    new Promise<void>((resolve, reject) => {
      ch.publish(WMS_EXCHANGE, event.event, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        contentType: "application/json",
        messageId: `${event.rma}/${event.event}`,
        appId: "wms-sandbox",
        timestamp: Math.floor(Date.parse(event.at) / 1000),
      }, (err) => (err ? reject(err) : resolve()));
    });

  const handleReturn = async (ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> => {
    const f = faults.get();
    if (f.down || (f.errorRate > 0 && Math.random() < f.errorRate)) {
      ch.nack(msg, false, true);
      return;
    }
    await wait(f.slow ? 30_000 : f.latencyMs);
    let notice;
    try {
      notice = returns.read(msg.content);
    } catch (err) {
      if (!(err instanceof InvalidReturnNotice)) throw err;
      returns.rejected.push({ reason: err.message, at: new Date().toISOString() });
      await new Promise<void>((resolve, reject) =>
        ch.sendToQueue(WMS_RETURNS_REJECTED_QUEUE, msg.content, { persistent: true, headers: { ...msg.properties.headers, "x-wms-reason": err.message }, messageId: msg.properties.messageId, contentType: msg.properties.contentType }, (e) =>
          e ? reject(e) : resolve(),
        ),
      );
      ch.ack(msg);
      return;
    }
    const before = returns.done(notice.rma);
    if (!before) await wait(stepDelayMs);
    const received = before ?? returns.receive(notice, new Date());
    // what came back is on the WMS's stock again, once per RMA
    if (!before) books.restock(received.lines);
    await publishReturn(ch, received);
    ch.ack(msg);
  };

  const consume = async (ch: ConfirmChannel) => {
    const { consumerTag: tag } = await ch.consume(WMS_QUEUE, (msg) => {
      if (!msg) return; // the broker cancelled the consumer (queue deleted): the channel closes, and we connect again
      turn = turn.then(() => handle(ch, msg)).catch((err: Error) => {
        lastError = err.message;
        log.warn({ err: err.message }, "WMS sandbox: a delivery note failed; it goes back to its queue when the channel closes");
      });
    });
    consumerTag = tag;
    const { consumerTag: rtag } = await ch.consume(WMS_RETURNS_QUEUE, (msg) => {
      if (!msg) return;
      turn = turn.then(() => handleReturn(ch, msg)).catch((err: Error) => {
        lastError = err.message;
        log.warn({ err: err.message }, "WMS sandbox: a return notice failed; it goes back to its queue when the channel closes");
      });
    });
    returnsTag = rtag;
  };

  /** Keeps consuming in step with the `down` switch. */
  const follow = async () => {
    const ch = channel;
    if (!ch) return;
    const down = faults.get().down;
    try {
      if (down && consumerTag) {
        const tag = consumerTag;
        const rtag = returnsTag;
        consumerTag = undefined;
        returnsTag = undefined;
        await ch.cancel(tag);
        if (rtag) await ch.cancel(rtag);
      } else if (!down && !consumerTag) {
        consumerTag = "pending";
        await consume(ch);
      }
    } catch (err) {
      lastError = (err as Error).message;
    }
  };

  const connect = async (): Promise<void> => {
    retry = undefined;
    if (stopped) return;
    try {
      const conn = await amqp.connect(ctx.amqpUrl, { clientProperties: { connection_name: "orderhub sandbox wms" } });
      if (stopped) {
        await conn.close().catch(() => undefined);
        return;
      }
      connection = conn;
      conn.on("error", (err: Error) => (lastError = err.message));
      conn.on("close", () => {
        connection = undefined;
        channel = undefined;
        consumerTag = undefined;
        returnsTag = undefined;
        schedule();
      });
      const ch = await conn.createConfirmChannel();
      ch.on("error", (err: Error) => (lastError = err.message));
      ch.on("close", () => {
        if (channel === ch) {
          channel = undefined;
          consumerTag = undefined;
          returnsTag = undefined;
          void conn.close().catch(() => undefined);
        }
      });
      await ch.assertQueue(WMS_QUEUE, { durable: true });
      await ch.assertQueue(WMS_REJECTED_QUEUE, { durable: true });
      await ch.assertQueue(WMS_RETURNS_QUEUE, { durable: true });
      await ch.assertQueue(WMS_RETURNS_REJECTED_QUEUE, { durable: true });
      await ch.assertExchange(WMS_EXCHANGE, "topic", { durable: true });
      await ch.prefetch(10);
      channel = ch;
      attempt = 0;
      lastError = undefined;
      if (!faults.get().down) await consume(ch);
      log.info(`WMS sandbox: consuming ${WMS_QUEUE}, announcing on ${WMS_EXCHANGE}`);
    } catch (err) {
      lastError = (err as Error).message;
      if (attempt === 0) log.warn({ err: lastError }, "WMS sandbox: cannot reach the broker; trying again");
      await connection?.close().catch(() => undefined);
      schedule();
    }
  };

  const schedule = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => void connect(), backoffDelay(attempt++, 500, 10_000));
    retry.unref();
  };

  const router = express.Router();
  router.put("/_behaviour", express.json(), (req, res) => {
    const value = (req.body ?? {}).stepDelayMs;
    if (typeof value !== "number" || !(value >= 0)) {
      res.status(400).json({ error: `stepDelayMs: must be a number of milliseconds, 0 or more (is ${JSON.stringify(value)})` });
      return;
    }
    stepDelayMs = value;
    res.json({ stepDelayMs });
  });
  router.get("/_behaviour", (_req, res) => res.json({ stepDelayMs }));
  router.put("/_stock", express.json(), (req, res) => {
    const { sku, warehouse, quantity } = (req.body ?? {}) as { sku?: string; warehouse?: string; quantity?: number };
    try {
      books.setStock(String(sku), String(warehouse), Number(quantity));
      res.json({ sku, warehouse, quantity });
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });
  router.put("/_returns", express.json(), (req, res) => {
    try {
      res.json(returns.setBehaviour((req.body ?? {}) as Record<string, unknown>));
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });
  router.get("/_returns", (_req, res) => res.json(returns.behaviour));
  // the stock snapshot the hub's master data sync reads: on-hand per item and warehouse
  router.get("/stock", (_req, res) => {
    const { stock } = books.snapshot() as { stock: Array<{ sku: string; warehouse: string; quantity: number }> };
    res.json({ count: stock.length, at: new Date().toISOString(), stock });
  });
  router.get("/", (_req, res) => res.json({ system: "wms", queue: WMS_QUEUE, rejected: WMS_REJECTED_QUEUE, exchange: WMS_EXCHANGE, returns: WMS_RETURNS_QUEUE, events: ["wms.picked", "wms.shipped", "wms.fill-up.picked", "wms.fill-up.shipped", "wms.intercompany.picked", "wms.intercompany.shipped", "wms.return-received"] }));

  return {
    name: "wms",
    router,
    faults,
    async start() {
      if (!stopped) return;
      stopped = false;
      watch = setInterval(() => void follow(), 250);
      watch.unref();
      // in the background: a broker that is down must not keep the hub (or the demo) from starting
      void connect();
    },
    async stop() {
      stopped = true;
      clearInterval(watch);
      clearTimeout(retry);
      retry = undefined;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const conn = connection;
      connection = undefined;
      channel = undefined;
      consumerTag = undefined;
      returnsTag = undefined;
      await conn?.close().catch(() => undefined);
    },
    state: () => ({ connected: channel !== undefined, consuming: consumerTag !== undefined, lastError, stepDelayMs, ...books.snapshot(), ...returns.snapshot() }),
    reset() {
      books.reset();
      returns.reset();
    },
  };
}
