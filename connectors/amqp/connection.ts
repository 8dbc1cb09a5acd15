import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type Options } from "amqplib";
import { backoffDelay, sleep } from "./backoff";
import { Consumer, type ConsumerOptions } from "./consumer";
import { DeliveryRegistry } from "./deliveries";
import { settleAck, settleDeadLetter, type DeadLetterReason, type SettleResult } from "./settlement";
import { registerBroker, unregisterBroker, type BrokerInfo, type BrokerState, type RegisteredBroker } from "./registry";
import { declareHubTopology } from "./topology";
import { brokerConnected, brokerReconnectsTotal } from "../../observability/metrics";
import { logger } from "../../observability/logger";

export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface BrokerOptions {
  id: string;
  name: string;
  url: string;
  heartbeatSeconds?: number;
  tls?: TlsOptions;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Consecutive failed attempts after which the state reads "failing" instead of "retrying". */
  failingAfter?: number;
  /** A delivery nobody settles within this time is dead-lettered. */
  settleDeadlineMs?: number;
  /** How long a publish may wait for a connection before it fails. */
  publishTimeoutMs?: number;
  declareTopology?: boolean;
}

export type StateListener = (state: BrokerState, detail: string | undefined) => void;

/** A publish the broker refused (nack) or could not route to an exchange that exists. */
export class PublishError extends Error {}

/**
 * One AMQP connection shared by every node that uses the same amqp-broker config node. Connects on the first user,
 * closes after the last, reconnects with backoff and jitter, and owns the live channels that message keys refer to.
 */
export class BrokerConnection implements RegisteredBroker {
  readonly deliveries = new DeliveryRegistry();
  private state: BrokerState = "idle";
  private lastError: string | undefined;
  private attempt = 0;
  private model: ChannelModel | undefined;
  private pub: ConfirmChannel | undefined;
  private pubOpening: Promise<ConfirmChannel> | undefined;
  private lastPubError: string | undefined;
  private drained: Promise<void> | undefined;
  private readonly users = new Set<object>();
  private readonly listeners = new Set<StateListener>();
  private readonly consumers = new Set<Consumer>();
  private readonly waiters = new Set<() => void>();
  private channelSeq = 0;
  private running = false;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly opts: Required<Omit<BrokerOptions, "tls">> & { tls?: TlsOptions };

  constructor(options: BrokerOptions) {
    this.opts = {
      heartbeatSeconds: 30,
      reconnectInitialMs: 500,
      reconnectMaxMs: 30_000,
      failingAfter: 5,
      settleDeadlineMs: 60_000,
      publishTimeoutMs: 30_000,
      declareTopology: true,
      ...options,
    };
    brokerConnected.set({ broker: this.opts.name }, 0);
  }

  get id(): string {
    return this.opts.id;
  }
  get name(): string {
    return this.opts.name;
  }
  get settleDeadlineMs(): number {
    return this.opts.settleDeadlineMs;
  }
  get connected(): boolean {
    return this.state === "connected";
  }

  info(): BrokerInfo {
    return { id: this.id, name: this.name, state: this.state, lastError: this.lastError, inFlight: this.deliveries.size };
  }

  onState(listener: StateListener): () => void {
    this.listeners.add(listener);
    listener(this.state, this.lastError);
    return () => this.listeners.delete(listener);
  }

  /** A node starts using the connection; the first one opens it. */
  register(user: object): void {
    this.users.add(user);
    if (!this.running) this.start();
  }

  /** A node stops using the connection; after the last one it closes. */
  async deregister(user: object): Promise<void> {
    this.users.delete(user);
    if (this.users.size === 0) await this.stop();
  }

  /** The config node closes: give its users (closing alongside it) time to finish and deregister, then close. */
  async shutdown(waitMs: number): Promise<void> {
    const until = Date.now() + waitMs;
    while (this.users.size > 0 && Date.now() < until) await sleep(20);
    await this.stop();
  }

  private start(): void {
    this.running = true;
    registerBroker(this.id, this);
    this.sweeper = setInterval(() => this.sweepExpired(), 1000);
    this.sweeper.unref();
    void this.connectLoop();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.consumers].map((c) => c.stop(0)));
    const model = this.model;
    this.model = undefined;
    this.pub = undefined;
    this.deliveries.clear();
    if (model) await closeWithin(model, CLOSE_TIMEOUT_MS);
    this.setState("closed");
    unregisterBroker(this.id, this);
  }

  private setState(state: BrokerState, detail?: string): void {
    this.state = state;
    if (detail !== undefined) this.lastError = detail;
    brokerConnected.set({ broker: this.name }, state === "connected" ? 1 : 0);
    for (const l of this.listeners) l(state, detail);
  }

  private async connectLoop(): Promise<void> {
    while (this.running && !this.model) {
      this.setState(this.attempt === 0 ? "connecting" : this.attempt >= this.opts.failingAfter ? "failing" : "retrying");
      try {
        await this.open();
        if (!this.model) return;
        if (this.attempt > 0 || this.lastError) brokerReconnectsTotal.inc({ broker: this.name });
        this.attempt = 0;
        this.lastError = undefined;
        this.setState("connected");
        logger.info({ broker: this.name }, "amqp: connected");
        for (const w of this.waiters) w();
        this.waiters.clear();
        for (const c of this.consumers) void c.attach();
      } catch (err) {
        this.attempt++;
        const reason = describe(err);
        this.lastError = reason;
        const delay = backoffDelay(this.attempt - 1, this.opts.reconnectInitialMs, this.opts.reconnectMaxMs);
        logger.warn({ broker: this.name, attempt: this.attempt, delay }, `amqp: connect failed: ${reason}`);
        this.setState(this.attempt >= this.opts.failingAfter ? "failing" : "retrying", reason);
        await sleep(delay);
      }
    }
  }

  private async open(): Promise<void> {
    const { tls } = this.opts;
    const model = await amqp.connect(withHeartbeat(this.opts.url, this.opts.heartbeatSeconds), {
      timeout: 10_000,
      clientProperties: { connection_name: `orderhub ${this.name}` },
      ...(tls ?? {}),
    } as Options.Connect);
    model.on("error", (err) => {
      this.lastError = describe(err);
    });
    model.on("close", () => this.lost(model));
    if (this.opts.declareTopology) {
      try {
        await declareHubTopology(() => model.createChannel());
      } catch (err) {
        await model.close().catch(() => undefined);
        throw new Error(`declaring the hub topology failed: ${describe(err)}`);
      }
    }
    if (!this.running) {
      // Stopped while connecting: this connection is not wanted any more.
      await closeWithin(model, CLOSE_TIMEOUT_MS);
      return;
    }
    this.model = model;
  }

  private lost(model: ChannelModel): void {
    if (this.model !== model) return;
    this.model = undefined;
    this.pub = undefined;
    this.pubOpening = undefined;
    const dropped = this.deliveries.size;
    this.deliveries.clear();
    for (const c of this.consumers) c.detached();
    if (!this.running) return;
    logger.warn({ broker: this.name, returnedToQueue: dropped }, `amqp: connection lost: ${this.lastError ?? "closed"}`);
    this.attempt = Math.max(this.attempt, 1);
    this.setState("retrying", this.lastError ?? "connection closed");
    void this.connectLoop();
  }

  /** Resolves once connected; rejects after `timeoutMs`. */
  whenConnected(timeoutMs = this.opts.publishTimeoutMs): Promise<void> {
    if (this.model) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error(`broker ${this.name} not connected within ${timeoutMs} ms (${this.lastError ?? this.state})`));
      }, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** A fresh channel on the live connection (for consumers and tools). */
  async createChannel(): Promise<Channel> {
    if (!this.model) throw new Error(`broker ${this.name} is not connected`);
    return this.model.createChannel();
  }

  nextChannelSeq(): number {
    return ++this.channelSeq;
  }

  private async publishChannel(): Promise<ConfirmChannel> {
    if (this.pub) return this.pub;
    this.pubOpening ??= (async () => {
      await this.whenConnected();
      const model = this.model!;
      const ch = await model.createConfirmChannel();
      ch.on("error", (err) => {
        this.lastPubError = describe(err);
      });
      ch.on("close", () => {
        if (this.pub === ch) this.pub = undefined;
      });
      this.pub = ch;
      return ch;
    })().finally(() => {
      this.pubOpening = undefined;
    });
    return this.pubOpening;
  }

  /**
   * Publishes and resolves when the broker confirms. Waits for a connection; a publish lost with its channel is
   * retried on the next one until the publish timeout. A nack or a missing exchange is a PublishError.
   */
  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}): Promise<void> {
    const deadline = Date.now() + this.opts.publishTimeoutMs;
    for (;;) {
      // The open channel without a promise in between: this runs once per message.
      const ch = this.pub ?? (await this.publishChannel());
      if (this.drained) await this.drained;
      try {
        await new Promise<void>((resolve, reject) => {
          const ok = ch.publish(exchange, routingKey, content, { persistent: true, ...options }, (err) =>
            err ? reject(err) : resolve(),
          );
          // Backpressure: later publishes wait for the socket to drain (or the channel to go, then they retry).
          if (!ok) this.drained ??= new Promise<void>((r) => {
            ch.once("drain", () => r());
            ch.once("close", () => r());
          }).finally(() => (this.drained = undefined));
        });
        return;
      } catch (err) {
        const pubError = this.lastPubError;
        this.lastPubError = undefined;
        if (pubError && /NOT_FOUND|404/.test(pubError)) {
          throw new PublishError(`publish to exchange "${exchange}" failed: ${pubError}`);
        }
        if (describe(err).includes("channel closed") && Date.now() < deadline) {
          await sleep(100);
          continue;
        }
        throw new PublishError(`publish to "${exchange}" with key "${routingKey}" failed: ${pubError ?? describe(err)}`);
      }
    }
  }

  consume(options: ConsumerOptions): Consumer {
    const consumer = new Consumer(this, options);
    this.consumers.add(consumer);
    return consumer;
  }

  forget(consumer: Consumer): void {
    this.consumers.delete(consumer);
  }

  hasLiveConnection(): boolean {
    return this.model !== undefined;
  }

  ack(key: string): SettleResult {
    return settleAck(this, key);
  }

  deadLetter(key: string, reason: DeadLetterReason): Promise<SettleResult> {
    return settleDeadLetter(this, key, reason);
  }

  private sweepExpired(): void {
    for (const d of this.deliveries.expired(Date.now())) {
      const seconds = Math.round(this.opts.settleDeadlineMs / 1000);
      void this.deadLetter(d.key, {
        error: `not settled within ${seconds} s: no node acknowledged or dead-lettered this message (check what is wired after "${d.consumer}")`,
        node: d.consumer,
      });
    }
  }
}

/** A broker that went silent never answers a close: give it this long, then drop the socket. */
const CLOSE_TIMEOUT_MS = 2000;

async function closeWithin(model: ChannelModel, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
  const outcome = await Promise.race([model.close().catch(() => "closed" as const), gaveUp]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    (model as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
  }
}

/**
 * amqplib takes the heartbeat only from the URL (`?heartbeat=`), not from the socket options: put the configured
 * interval there unless the URL names one itself.
 */
export function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has("heartbeat")) parsed.searchParams.set("heartbeat", String(seconds));
  return parsed.toString();
}

export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
