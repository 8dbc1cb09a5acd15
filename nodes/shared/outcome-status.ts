import type { Node } from "./types";

/** The status is pushed to the editor at most this often. */
const PUSH_EVERY_MS = 500;

/**
 * A node's status as counts of what it decided since it started, in a fixed order: "812 ok · 12 held · 3 rejected".
 * Counting is cheap; the editor hears of it at most twice a second.
 */
export class OutcomeStatus {
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly node: Node,
    private readonly labels: readonly string[],
    idle = "ready",
  ) {
    node.status({ fill: "grey", shape: "ring", text: idle });
  }

  count(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    this.timer ??= setTimeout(() => this.push(), PUSH_EVERY_MS);
  }

  /** "812 ok · 12 held": the labels counted so far, in the node's order, then any other. */
  text(): string {
    const order = [...this.labels, ...[...this.counts.keys()].filter((l) => !this.labels.includes(l))];
    return order
      .filter((l) => this.counts.get(l))
      .map((l) => `${this.counts.get(l)!.toLocaleString("en")} ${l}`)
      .join(" · ");
  }

  private push(): void {
    this.timer = undefined;
    this.node.status({ fill: "green", shape: "dot", text: this.text() });
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
