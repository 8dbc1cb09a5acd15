/**
 * Counts over a window for the ops page, computed honestly from counters: the page module reads the counters every
 * SAMPLE_EVERY_MS into a small ring kept in memory, and a window's count is the counter now minus the counter in the
 * newest sample at least that old. While no sample is that old yet (the hub started a moment ago), the count is the
 * one since start, and says so. Counters only grow; one that went down (it cannot, short of a new process) is treated
 * as no earlier sample.
 */

/** One reading of every counter the page follows, by series key. */
export interface Sample {
  at: number;
  values: ReadonlyMap<string, number>;
}

/** A count over a window: `seconds` is the real span it covers; `sinceStart` when no sample was old enough. */
export interface WindowCount {
  count: number;
  seconds: number;
  sinceStart: boolean;
}

/** A counter since start, and over the last minute and the last five minutes. */
export interface Counts {
  total: number;
  lastMinute: WindowCount;
  last5Minutes: WindowCount;
}

export const SAMPLE_EVERY_MS = 10_000;
/** Enough samples to cover five minutes and one step more. */
const RING = Math.ceil(300_000 / SAMPLE_EVERY_MS) + 2;

export class SampleRing {
  private readonly samples: Sample[] = [];

  constructor(private readonly startedAt: number) {}

  /** Keeps a reading; the oldest goes once the ring is full. */
  add(sample: Sample): void {
    this.samples.push(sample);
    if (this.samples.length > RING) this.samples.splice(0, this.samples.length - RING);
  }

  get size(): number {
    return this.samples.length;
  }

  /** The newest sample taken at least `ms` before `now`, if any. */
  private olderThan(ms: number, now: number): Sample | undefined {
    for (let i = this.samples.length - 1; i >= 0; i--) if (this.samples[i].at <= now - ms) return this.samples[i];
    return undefined;
  }

  /** The count of `key` over the last `ms` before `now`, from `value` (the counter now). */
  window(key: string, value: number, ms: number, now: number): WindowCount {
    const earlier = this.olderThan(ms, now);
    const before = earlier?.values.get(key) ?? 0;
    if (!earlier || before > value) return { count: value, seconds: Math.max(0, Math.round((now - this.startedAt) / 1000)), sinceStart: true };
    return { count: value - before, seconds: Math.round((now - earlier.at) / 1000), sinceStart: false };
  }

  counts(key: string, value: number, now: number): Counts {
    return { total: value, lastMinute: this.window(key, value, 60_000, now), last5Minutes: this.window(key, value, 300_000, now) };
  }
}
