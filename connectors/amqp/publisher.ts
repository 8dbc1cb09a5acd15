import { randomUUID } from "node:crypto";
import type { ChannelModel, ConfirmChannel, Message, Options } from "amqplib";
import { sleep } from "./backoff";

/** A publish the broker refused (nack), could not route to an exchange that exists, or returned as unroutable. */
export class PublishError extends Error {}

/** A `mandatory` publish no queue took (basic.return): the broker confirmed it, but it is in no queue at all. */
export class UnroutableError extends PublishError {}

/** Set on a mandatory publish so that the broker's return names the publish it belongs to. */
export const RETURN_ID_HEADER = "x-orderhub-publish-id";

/** What the publisher needs of the connection it publishes on. */
export interface PublishConnection {
  readonly name: string;
  /** The live connection, or undefined while there is none. */
  model(): ChannelModel | undefined;
  whenConnected(timeoutMs?: number): Promise<void>;
}

/** amqplib's words for a channel that went away (its case has changed between releases). */
const CHANNEL_GONE = /channel closed|channel ended|connection closed|channel is closed/i;

/** The exchange a 404 close names: `NOT_FOUND - no exchange 'x' in vhost 'v'`. */
function missingExchange(reason: string | undefined): string | undefined {
  return reason && /NOT_FOUND|404/.test(reason) ? /no exchange '([^']*)'/.exec(reason)?.[1] : undefined;
}

/**
 * Confirmed publishing on one channel shared by every publish of a connection. When that channel dies, each
 * unconfirmed publish is told why in its own terms: the one whose exchange is missing fails with that reason; the
 * others, casualties of someone else's mistake, go again on the next channel.
 */
export class Publisher {
  private channel: ConfirmChannel | undefined;
  private opening: Promise<ConfirmChannel> | undefined;
  private drained: Promise<void> | undefined;
  /** Why each channel closed, as the broker said it (the `error` event comes before the confirm callbacks fail). */
  private readonly closeReasons = new WeakMap<ConfirmChannel, string>();
  /** Mandatory publishes the broker returned, by their publish id, with the broker's reply. */
  private readonly returned = new Map<string, string>();

  constructor(
    private readonly connection: PublishConnection,
    private readonly timeoutMs: number,
  ) {}

  /** The connection went away: the next publish opens a channel on the new one. */
  reset(): void {
    this.channel = undefined;
    this.opening = undefined;
  }

  private open(): Promise<ConfirmChannel> {
    this.opening ??= (async () => {
      await this.connection.whenConnected();
      const model = this.connection.model();
      if (!model) throw new Error(`channel closed: broker ${this.connection.name} went away`);
      const ch = await model.createConfirmChannel();
      ch.on("error", (err: Error) => this.closeReasons.set(ch, err.message));
      ch.on("close", () => {
        if (this.channel === ch) this.channel = undefined;
      });
      ch.on("return", (m: Message) => {
        const id = m.properties.headers?.[RETURN_ID_HEADER];
        const fields = m.fields as unknown as { replyCode?: number; replyText?: string };
        if (id !== undefined) this.returned.set(String(id), `${fields.replyCode ?? 312} ${fields.replyText ?? "NO_ROUTE"}`);
      });
      this.channel = ch;
      return ch;
    })().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /**
   * Publishes and resolves when the broker confirms. Waits for a connection; a publish lost with its channel is sent
   * again on the next one until the publish timeout. A nack or a missing exchange is a PublishError; with `mandatory`,
   * a message no queue took is an UnroutableError.
   */
  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}): Promise<void> {
    if (!options.mandatory) return this.confirmed(exchange, routingKey, content, options);
    const returnId = randomUUID();
    try {
      await this.confirmed(exchange, routingKey, content, { ...options, headers: { ...options.headers, [RETURN_ID_HEADER]: returnId } });
      const reply = this.returned.get(returnId);
      if (reply) throw new UnroutableError(`no queue took the message published to "${exchange}" with key "${routingKey}" (${reply})`);
    } finally {
      this.returned.delete(returnId);
    }
  }

  private async confirmed(exchange: string, routingKey: string, content: Buffer, sent: Options.Publish): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      let ch: ConfirmChannel | undefined;
      try {
        // The open channel without a promise in between: this runs once per message.
        ch = this.channel ?? (await this.open());
        if (this.drained) await this.drained;
        await this.send(ch, exchange, routingKey, content, sent);
        return;
      } catch (err) {
        const reason = ch && this.closeReasons.get(ch);
        const missing = missingExchange(reason);
        if (missing === exchange) throw new PublishError(`publish to exchange "${exchange}" failed: ${reason}`);
        const gone = missing !== undefined || CHANNEL_GONE.test(describeError(err));
        if (!gone || Date.now() >= deadline) {
          throw new PublishError(`publish to "${exchange}" with key "${routingKey}" failed: ${reason ?? describeError(err)}`);
        }
        // Not this publish's fault (the channel or the connection went): send it again on the next channel.
        if (!this.connection.model()) await sleep(100);
      }
    }
  }

  private send(ch: ConfirmChannel, exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ok = ch.publish(exchange, routingKey, content, { persistent: true, ...options }, (err) => (err ? reject(err) : resolve()));
      // Backpressure: later publishes wait for the socket to drain (or the channel to go, then they are sent again).
      if (!ok) {
        this.drained ??= new Promise<void>((r) => {
          ch.once("drain", () => r());
          ch.once("close", () => r());
        }).finally(() => (this.drained = undefined));
      }
    });
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
