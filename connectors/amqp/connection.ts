import amqp, { type Channel, type ChannelModel, type Options } from "amqplib";
import { backoffDelay, sleep } from "./backoff";
import { CLOSE_TIMEOUT_MS, closeWithin, withHeartbeat } from "./socket";

export { withHeartbeat };
import { Consumer, type ConsumerOptions } from "./consumer";
import { DeliveryRegistry } from "./deliveries";
import { PublishError, Publisher, UnroutableError, describeError } from "./publisher";
import { settleAck, settleDeadLetter, type DeadLetterReason, type SettleResult } from "./settlement";
import { registerBroker, unregisterBroker, type BrokerInfo, type BrokerState, type RegisteredBroker } from "./registry";
import { noteDeadLetter } from "./dead-letter-log";
import { DEAD_LETTER_EXCHANGE, declareHubTopology, declareQueue, supportsAtLeastOnceDeadLettering, type QueueDeclaration } from "./topology";
import { brokerBlocked, brokerConnected, brokerReconnectsTotal, deadLettersWaiting, topologyDrift } from "../../observability/metrics";
import { logger } from "../../observability/logger";

export { PublishError, UnroutableError };

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
  private serverVersion: string | undefined;
  private blockedBy: string | undefined;
  private readonly publisher: Publisher;
  private readonly drift = new Map<string, string>();
  private waitingDeadLetters = 0;
  private readonly users = new Set<object>();
  private readonly listeners = new Set<StateListener>();
  private readonly consumers = new Set<Consumer>();
  private readonly waiters = new Set<() => void>();
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
    brokerBlocked.set({ broker: this.opts.name }, 0);
    deadLettersWaiting.set({ broker: this.opts.name }, 0);
    this.publisher = new Publisher({ name: this.opts.name, model: () => this.model, whenConnected: (ms) => this.whenConnected(ms) }, this.opts.publishTimeoutMs);
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
    return {
      id: this.id,
      name: this.name,
      state: this.state,
      lastError: this.lastError,
      inFlight: this.deliveries.size,
      ...(this.blockedBy === undefined ? {} : { blocked: this.blockedBy }),
      consumers: [...this.consumers].map((c) => c.info()),
      deadLettersWaiting: this.waitingDeadLetters,
      topologyDrift: [...this.drift].map(([queue, drift]) => ({ queue, drift })),
    };
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
    this.publisher.reset();
    this.unblocked();
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
    model.on("blocked", (reason: string) => this.blocked(model, reason));
    model.on("unblocked", () => this.model === model && this.unblocked());
    const version = (model as unknown as { connection?: { serverProperties?: { version?: unknown } } }).connection?.serverProperties?.version;
    this.serverVersion = version === undefined ? undefined : String(version);
    if (this.opts.declareTopology) {
      try {
        this.noteDrift(await declareHubTopology(() => model.createChannel(), { serverVersion: this.serverVersion }));
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
    this.publisher.reset();
    this.unblocked();
    this.deliveries.clear();
    for (const c of this.consumers) c.detached();
    if (!this.running) return;
    logger.warn({ broker: this.name }, `amqp: connection lost: ${this.lastError ?? "closed"}`);
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

  /**
   * Publishes and resolves when the broker confirms. Waits for a connection; a publish lost with its channel is sent
   * again until the publish timeout. A nack or a missing exchange is a PublishError, and with `mandatory` a message
   * no queue took is an UnroutableError.
   */
  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}): Promise<void> {
    return this.publisher.publish(exchange, routingKey, content, options);
  }

  /** Declares one of the hub's queues (durable, quorum, dead-lettering) and notes how an existing one differs. */
  async declareQueue(queue: string): Promise<QueueDeclaration> {
    const declared = await declareQueue(() => this.createChannel(), queue, { atLeastOnceDeadLettering: supportsAtLeastOnceDeadLettering(this.serverVersion) });
    this.noteDrift([declared]);
    return declared;
  }

  /**
   * Keeps a dead letter: publishes it `mandatory` to orderhub.dlx and resolves true once a queue holds it. When no
   * queue takes it (orderhub.dlq deleted, its binding gone) or the exchange is missing, the hub's topology is declared
   * again and the publish retried; while that fails, it goes on trying with backoff for as long as `alive()` (the
   * original is still unacknowledged on its channel) and the broker node runs, and counts as waiting in /health and
   * /metrics. Resolves false when it gave up because the original went back to its queue.
   */
  async keepDeadLetter(routingKey: string, content: Buffer, options: Options.Publish, alive: () => boolean): Promise<boolean> {
    let waiting = false;
    try {
      for (let attempt = 0; ; attempt++) {
        if (!this.running || !alive()) return false;
        try {
          await this.publish(DEAD_LETTER_EXCHANGE, routingKey, content, { ...options, mandatory: true });
          noteDeadLetter(routingKey, options);
          return true;
        } catch (err) {
          if (!(err instanceof PublishError) || !this.running || !alive()) throw err;
          if (attempt === 0 && this.opts.declareTopology && (await this.redeclare())) continue;
          if (!waiting) {
            waiting = true;
            this.countWaiting(+1);
            logger.error({ broker: this.name, messageId: options.messageId }, `amqp: a dead letter cannot be kept: ${err.message}; the original stays on its queue, unacknowledged, and keeping it is tried again`);
          }
          await sleep(backoffDelay(attempt, this.opts.reconnectInitialMs * 2, this.opts.reconnectMaxMs));
          if (this.opts.declareTopology) await this.redeclare();
        }
      }
    } finally {
      if (waiting) this.countWaiting(-1);
    }
  }

  private countWaiting(by: number): void {
    this.waitingDeadLetters += by;
    deadLettersWaiting.set({ broker: this.name }, this.waitingDeadLetters);
  }

  /** Declares the hub's topology again (an operator deleted part of it); true when that worked. */
  private async redeclare(): Promise<boolean> {
    const model = this.model;
    if (!model) return false;
    try {
      this.noteDrift(await declareHubTopology(() => model.createChannel(), { serverVersion: this.serverVersion }));
      logger.warn({ broker: this.name }, "amqp: the hub topology was declared again (part of it was missing)");
      return true;
    } catch (err) {
      logger.warn({ broker: this.name }, `amqp: declaring the hub topology again failed: ${describe(err)}`);
      return false;
    }
  }

  private noteDrift(declarations: QueueDeclaration[]): void {
    for (const { queue, drift } of declarations) {
      const before = this.drift.get(queue);
      if (drift) this.drift.set(queue, drift);
      else this.drift.delete(queue);
      topologyDrift.set({ queue }, drift ? 1 : 0);
      if (drift && drift !== before) logger.warn({ broker: this.name, queue }, `amqp: topology drift on "${queue}": ${drift}`);
    }
  }

  /** The broker holds every publish back (memory or disk alarm): say so, and stop every settle deadline meanwhile. */
  private blocked(model: ChannelModel, reason: string): void {
    if (this.model !== model) return;
    this.blockedBy = reason || "resource alarm";
    this.deliveries.pauseDeadlines(Date.now());
    brokerBlocked.set({ broker: this.name }, 1);
    logger.warn({ broker: this.name }, `amqp: the broker blocks publishing: ${this.blockedBy}; settle deadlines stand still until it unblocks`);
    this.setState("blocked", `blocked by the broker: ${this.blockedBy}`);
  }

  private unblocked(): void {
    if (this.blockedBy === undefined) return;
    this.blockedBy = undefined;
    this.deliveries.resumeDeadlines(Date.now());
    brokerBlocked.set({ broker: this.name }, 0);
    if (this.model) {
      logger.info({ broker: this.name }, "amqp: the broker unblocked publishing");
      // the block's reason was the state's detail, not an error: it goes with the block
      this.lastError = undefined;
      this.setState("connected");
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

export const describe = describeError;
