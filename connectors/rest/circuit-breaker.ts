import { circuitState, circuitTransitionsTotal } from "../../observability/metrics";

/**
 * A circuit breaker per host. Closed: calls go through, and `failureThreshold` failures in a row (no answer, a timeout,
 * a 5xx) open it. Open: every call fails at once, without touching the host, until the cool-down has passed. Then
 * half-open: ONE call (the probe) goes through while the others still fail at once; the probe's success closes the
 * circuit, its failure opens it again for another cool-down. An answer that is not a failure (a 2xx, a 4xx, a 429: the
 * host is there and speaking) ends a run of failures.
 */

export type CircuitState = "closed" | "half-open" | "open";

export interface BreakerSettings {
  /** Failures in a row that open the circuit (at least 1). */
  failureThreshold: number;
  /** How long it stays open before a probe may go through. */
  coolDownMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { failureThreshold: 5, coolDownMs: 30_000 };

const GAUGE: Record<CircuitState, number> = { closed: 0, "half-open": 1, open: 2 };

/** A call the breaker did not let through. Trying again later may succeed: `retryAt` says when it is worth it. */
export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  readonly retryable = true;
  constructor(
    message: string,
    readonly host: string,
    readonly retryAt: number,
  ) {
    super(message);
  }
}

export type CircuitListener = (state: CircuitState, breaker: CircuitBreaker) => void;

export class CircuitBreaker {
  private current: CircuitState = "closed";
  private failures = 0;
  private openUntil = 0;
  private probing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<CircuitListener>();

  constructor(
    readonly host: string,
    public settings: BreakerSettings = DEFAULT_BREAKER,
    private readonly now: () => number = Date.now,
  ) {
    circuitState.set({ host }, 0);
  }

  /** The state now (an open circuit whose cool-down has passed is half-open). */
  get state(): CircuitState {
    if (this.current === "open" && this.now() >= this.openUntil) this.moveTo("half-open");
    return this.current;
  }

  /** Until when the circuit stays open (ms since the epoch); 0 when it is not open. */
  get until(): number {
    return this.state === "open" ? this.openUntil : 0;
  }

  /** Consecutive failures counted so far. */
  get failureCount(): number {
    return this.failures;
  }

  /**
   * Asks to make one call: returns when it may go (the caller then reports `success()` or `failure()` for it), or
   * throws CircuitOpenError when the circuit is open, or half-open with its probe under way.
   */
  admit(): void {
    const state = this.state;
    if (state === "closed") return;
    if (state === "open") {
      throw new CircuitOpenError(`circuit open for ${this.host} until ${new Date(this.openUntil).toISOString()}`, this.host, this.openUntil);
    }
    if (this.probing) {
      throw new CircuitOpenError(`circuit half-open for ${this.host}: one probe call is under way, the others wait for its outcome`, this.host, this.now() + Math.min(1000, this.settings.coolDownMs));
    }
    this.probing = true;
  }

  /** The call got an answer that is not the host failing. */
  success(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== "closed") this.moveTo("closed");
  }

  /** The call got no answer, a timeout or a 5xx. */
  failure(): void {
    this.failures++;
    const wasProbe = this.current === "half-open";
    this.probing = false;
    if (wasProbe || (this.current === "closed" && this.failures >= Math.max(1, this.settings.failureThreshold))) this.open();
  }

  /** A call admitted that ended without any answer to judge (cancelled): the probe slot is free again. */
  release(): void {
    this.probing = false;
  }

  onChange(listener: CircuitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the cool-down timer (tests, shutdown). */
  dispose(): void {
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  private open(): void {
    this.openUntil = this.now() + Math.max(0, this.settings.coolDownMs);
    this.moveTo("open");
    clearTimeout(this.timer);
    // so that the gauge and the nodes' status show half-open when the cool-down ends, even without a call
    this.timer = setTimeout(() => void this.state, Math.max(0, this.openUntil - this.now()) + 5);
    this.timer.unref();
  }

  private moveTo(state: CircuitState): void {
    if (this.current === state) return;
    this.current = state;
    circuitState.set({ host: this.host }, GAUGE[state]);
    circuitTransitionsTotal.inc({ host: this.host, to: state });
    for (const listener of [...this.listeners]) listener(state, this);
  }
}

/** One breaker per host in the process, whoever calls it. */
const breakers = new Map<string, CircuitBreaker>();

/**
 * The breaker of `host` ("tms.example:8443"). Settings given replace the breaker's (the system's config node is where
 * they are set; two config nodes for one host share its breaker, with the settings of the one that asked last).
 */
export function breakerFor(host: string, settings?: BreakerSettings): CircuitBreaker {
  let breaker = breakers.get(host);
  if (!breaker) {
    breaker = new CircuitBreaker(host, settings ?? DEFAULT_BREAKER);
    breakers.set(host, breaker);
  } else if (settings) {
    breaker.settings = settings;
  }
  return breaker;
}

/** Forgets every breaker (tests). */
export function resetBreakers(): void {
  for (const breaker of breakers.values()) breaker.dispose();
  breakers.clear();
}

/** The host part of a URL, as breakers are keyed. */
export function hostOf(url: string): string {
  const u = new URL(url);
  // The sandbox's stand-ins share the hub's own host and port (`/sandbox/<system>`): each is a system of its own, so
  // each gets its own breaker, as a real TMS and finance on hosts of their own would (a TMS that is down leaves the
  // invoices to finance alone).
  const standIn = /^\/sandbox\/([a-z]+)(?:\/|$)/.exec(u.pathname);
  return standIn ? `${u.host}/sandbox/${standIn[1]}` : u.host;
}
