import type { Channel, ConsumeMessage } from "amqplib";
import type { AckBatcher } from "./ack-batcher";

/** A message taken off a queue and not yet settled. Lives only in the broker connection, never on `msg`. */
export interface Delivery {
  key: string;
  queue: string;
  /** Name of the consumer (node) that took it, for dead-letter headers and metrics. */
  consumer: string;
  channel: Channel;
  channelSeq: number;
  /** Sends this channel's acks, a turn of the event loop at a time. */
  acks: AckBatcher;
  message: ConsumeMessage;
  takenAt: number;
  deadline: number;
  /** Its deadline does not run (it waits its turn for the mapping thread): set until someone extends it again. */
  paused?: boolean;
}

/**
 * Channel numbers count up across every connection of this process, so a settlement key is never used twice: an
 * amqp-broker node redeployed (a password rotated) starts a new connection while nodes that were not redeployed still
 * hold messages from the old one, and their late settlements must find nothing rather than a newer delivery.
 */
let channelCounter = 0;

export function nextChannelSeq(): number {
  return ++channelCounter;
}

/**
 * Deliveries by settlement key `<broker>:<channel seq>:<delivery tag>`. A key from a channel that has died is gone
 * from here, so a late ack or dead-letter for it is a no-op: the broker redelivers that message on its own.
 */
export type DeliveryState =
  /** Taken and not yet settled: whoever settles it now decides. */
  | "live"
  /** Already settled by someone else while its channel is still open: the broker will not deliver it again. */
  | "settled"
  /** Its channel is gone: the broker delivers it again. */
  | "gone";

/** Why one part of a split delivery failed, kept until the last part is settled. */
export interface PartFailure {
  part: number;
  error: string;
  node: string;
  flow?: string;
}

/** A delivery whose document became several messages (one per order): open parts, and the failures so far. */
export interface Split {
  count: number;
  open: Set<number>;
  failures: PartFailure[];
}

/** `<delivery key>#<part>`: the settlement key of one part of a split delivery (parts count from 1). */
const PART_MARK = "#";

export function partKey(key: string, part: number): string {
  return `${key}${PART_MARK}${part}`;
}

/** The delivery key and part number of a part's key, or undefined for a whole delivery's key. */
export function partOf(key: string): { parent: string; part: number } | undefined {
  const at = key.lastIndexOf(PART_MARK);
  return at < 0 ? undefined : { parent: key.slice(0, at), part: Number(key.slice(at + 1)) };
}

export class DeliveryRegistry {
  private readonly byKey = new Map<string, Delivery>();
  private readonly openChannels = new Set<number>();
  private readonly splits = new Map<string, Split>();
  /** Since when every deadline stands still (the broker blocked our publishes), or undefined. */
  private pausedSince: number | undefined;

  channelOpened(channelSeq: number): void {
    this.openChannels.add(channelSeq);
  }

  /** The channel is open: its unsettled deliveries can still be settled on it. */
  channelOpen(channelSeq: number): boolean {
    return this.openChannels.has(channelSeq);
  }

  state(key: string): DeliveryState {
    const part = partOf(key);
    if (part) {
      const split = this.splits.get(part.parent);
      if (split) return split.open.has(part.part) ? "live" : "settled";
      key = part.parent;
    }
    if (this.byKey.has(key)) return "live";
    const seq = Number(key.split(":")[1]);
    return this.openChannels.has(seq) ? "settled" : "gone";
  }

  add(d: Delivery): void {
    this.byKey.set(d.key, d);
  }

  /**
   * Removes and returns the delivery: whoever takes it settles it, so two settlements never race. A split delivery
   * taken whole (its deadline passed) leaves its parts nothing to settle.
   */
  take(key: string): Delivery | undefined {
    const d = this.byKey.get(key);
    if (d) {
      this.byKey.delete(key);
      this.splits.delete(key);
    }
    return d;
  }

  /**
   * The live delivery `key` goes on as `count` messages: returns their keys. It is settled once every part is:
   * acknowledged when all were, dead-lettered with the reasons of those that failed otherwise. Its deadline moves to
   * `deadline` when that is later. A delivery that is no
   * longer live gets keys all the same; they settle nothing, as the delivery's own key would not.
   */
  split(key: string, count: number, deadline?: number): string[] {
    const d = this.byKey.get(key);
    const split = d && this.splits.get(key);
    // Split again (a fan-out before two nodes that split): the new parts are numbered after the earlier ones, and the
    // delivery waits for all of them.
    const first = split ? split.count + 1 : 1;
    const parts = Array.from({ length: count }, (_, i) => first + i);
    if (d) {
      if (split) {
        split.count += count;
        for (const part of parts) split.open.add(part);
      } else {
        this.splits.set(key, { count, open: new Set(parts), failures: [] });
      }
      // the parts' lives start now: mapping a large batch must not use up the time they have to be settled
      if (deadline !== undefined && deadline > d.deadline) d.deadline = deadline;
    }
    return parts.map((part) => partKey(key, part));
  }

  /**
   * Settles one part (with its failure, if it failed). Returns its split, with the delivery's key, when this was the
   * last open part, "open" while others are, and undefined when the part had nothing to settle (settled before, or
   * the delivery is gone).
   */
  settlePart(key: string, failure?: Omit<PartFailure, "part">): { parent: string; split: Split } | "open" | undefined {
    const part = partOf(key);
    const split = part && this.splits.get(part.parent);
    if (!part || !split || !split.open.delete(part.part)) return undefined;
    if (failure) split.failures.push({ part: part.part, ...failure });
    return split.open.size > 0 ? "open" : { parent: part.parent, split };
  }

  /** Forget every delivery of a channel that closed; the broker requeues them. Returns how many. */
  dropChannel(channelSeq: number): number {
    this.openChannels.delete(channelSeq);
    let dropped = 0;
    for (const [key, d] of this.byKey) {
      if (d.channelSeq === channelSeq) {
        this.byKey.delete(key);
        this.splits.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.byKey.clear();
    this.splits.clear();
    this.openChannels.clear();
    this.pausedSince = undefined;
  }

  /** The lowest delivery tag of a channel still waiting to be settled. */
  oldestTag(channelSeq: number): number | undefined {
    let oldest: number | undefined;
    for (const d of this.byKey.values()) {
      const tag = d.message.fields.deliveryTag;
      if (d.channelSeq === channelSeq && (oldest === undefined || tag < oldest)) oldest = tag;
    }
    return oldest;
  }

  countFor(channelSeq: number): number {
    let n = 0;
    for (const d of this.byKey.values()) if (d.channelSeq === channelSeq) n++;
    return n;
  }

  /**
   * A delivery still being worked on (a large batch being mapped) gets until `deadline`, when that is later than the
   * time it has: the deadline is for messages nobody settles, not for those that take a while. Nothing for a delivery
   * that is no longer live.
   */
  extend(key: string, deadline: number): void {
    const d = this.byKey.get(key);
    if (!d) return;
    d.paused = false;
    if (deadline > d.deadline) d.deadline = deadline;
  }

  /** The delivery waits for something that is not its fault (its turn on the mapping thread): no deadline till extended. */
  pauseDeadline(key: string): void {
    const d = this.byKey.get(key);
    if (d) d.paused = true;
  }

  /** Every deadline stands still from `now` (the broker blocked the connection), until `resumeDeadlines`. */
  pauseDeadlines(now: number): void {
    this.pausedSince ??= now;
  }

  /** Deadlines run again, each moved on by the time they stood still. */
  resumeDeadlines(now: number): void {
    if (this.pausedSince === undefined) return;
    const since = this.pausedSince;
    this.pausedSince = undefined;
    // a delivery taken during the block stood still only since it was taken
    for (const d of this.byKey.values()) d.deadline += now - Math.max(since, d.takenAt);
  }

  expired(now: number): Delivery[] {
    if (this.pausedSince !== undefined) return [];
    return [...this.byKey.values()].filter((d) => !d.paused && d.deadline <= now);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Deliveries not yet settled, by queue and consumer (node name): what the ops page shows per consumer. */
  inFlightByConsumer(): Array<{ queue: string; consumer: string; inFlight: number }> {
    const counts = new Map<string, { queue: string; consumer: string; inFlight: number }>();
    for (const d of this.byKey.values()) {
      const key = `${d.queue}\u0000${d.consumer}`;
      const row = counts.get(key) ?? counts.set(key, { queue: d.queue, consumer: d.consumer, inFlight: 0 }).get(key)!;
      row.inFlight++;
    }
    return [...counts.values()];
  }
}
