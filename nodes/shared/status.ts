import type { Node } from "./types";

/** How often long work's status ("mapped 1,200 of 4,000 orders") is pushed to the editor at most. */
const BUSY_EVERY_MS = 500;

/**
 * Readable node status with a rate: green dot "12/s · 3 dead-lettered". Counts are cheap; the status is pushed to
 * the editor at most once a second. While long work is under way (`busyWith`), a blue ring says how far it has come.
 */
export class ThroughputStatus {
  private count = 0;
  private windowStart = Date.now();
  private rate = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly extras = new Map<string, number>();
  private busy: string | undefined;
  private busyShownAt = -Infinity;

  constructor(
    private readonly node: Node,
    private readonly idleText = "idle",
  ) {}

  hit(extra?: string): void {
    this.count++;
    if (extra) this.extras.set(extra, (this.extras.get(extra) ?? 0) + 1);
    this.timer ??= setTimeout(() => this.flush(), 1000);
  }

  private flush(): void {
    this.timer = undefined;
    const now = Date.now();
    this.rate = Math.round((this.count * 1000) / Math.max(1, now - this.windowStart));
    this.count = 0;
    this.windowStart = now;
    if (this.busy !== undefined) {
      this.showBusy(this.busy);
      this.timer = setTimeout(() => this.flush(), 1000);
      return;
    }
    const parts = [`${this.rate}/s`, ...[...this.extras].map(([k, v]) => `${v} ${k}`)];
    this.node.status({ fill: "green", shape: "dot", text: parts.join(" · ") });
    if (this.rate > 0) this.timer = setTimeout(() => this.flush(), 1000);
    else this.node.status({ fill: "green", shape: "dot", text: [this.idleText, ...parts.slice(1)].join(" · ") });
  }

  /**
   * Long work under way, in a few words ("mapped 1,200 of 4,000 orders"): shown at once, then at most every 500 ms;
   * undefined when it is over, and the rate comes back with the next second.
   */
  busyWith(text: string | undefined): void {
    const was = this.busy;
    this.busy = text;
    if (text === undefined) {
      if (was !== undefined) this.timer ??= setTimeout(() => this.flush(), 1000);
      return;
    }
    if (was === undefined || Date.now() - this.busyShownAt >= BUSY_EVERY_MS) this.showBusy(text);
  }

  private showBusy(text: string): void {
    this.busyShownAt = Date.now();
    this.node.status({ fill: "blue", shape: "ring", text });
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

export function failing(node: Node, text: string): void {
  node.status({ fill: "red", shape: "dot", text: text.length > 60 ? `${text.slice(0, 57)}...` : text });
}
