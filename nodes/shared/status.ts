import type { Node } from "./types";

/**
 * Readable node status with a rate: green dot "12/s · 3 dead-lettered". Counts are cheap; the status is pushed to
 * the editor at most once a second.
 */
export class ThroughputStatus {
  private count = 0;
  private windowStart = Date.now();
  private rate = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly extras = new Map<string, number>();

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
    const parts = [`${this.rate}/s`, ...[...this.extras].map(([k, v]) => `${v} ${k}`)];
    this.node.status({ fill: "green", shape: "dot", text: parts.join(" · ") });
    if (this.rate > 0) this.timer = setTimeout(() => this.flush(), 1000);
    else this.node.status({ fill: "green", shape: "dot", text: [this.idleText, ...parts.slice(1)].join(" · ") });
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

export function failing(node: Node, text: string): void {
  node.status({ fill: "red", shape: "dot", text: text.length > 60 ? `${text.slice(0, 57)}...` : text });
}
