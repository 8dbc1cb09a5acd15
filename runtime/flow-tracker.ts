import { deferredCount, flushDeferredCounts, messagesTotal, type DeferredCount } from "../observability/metrics";
import type { CompleteEvent, EmbeddedRed, FlowNode, FlowsEvent } from "./node-red";

const HOOK_ID = "onComplete.orderhub";

/** Whether Node-RED's flows are running, and the per-node message counts, both fed by the runtime's own events. */
export interface FlowTracker {
  running(): boolean;
  /** Remove the listeners and the hook (Node-RED refuses a second hook with the same label). */
  detach(): void;
}

/**
 * Listen to `flows:started` / `flows:stopped` and count every completed message per node with the `onComplete` hook:
 * `orderhub_messages_total{flow=<tab label>, node=<name or type>, outcome=ok|error}`. The hook fires for each node
 * that calls `done()`, not once per message tree. Tab labels are cached per deploy, since the hook runs per message.
 */
export function trackFlows(red: EmbeddedRed): FlowTracker {
  let running = false;
  let labels = new Map<string, string>();
  const started = (ev: FlowsEvent) => {
    labels = containerLabels(ev.config?.flows ?? []);
    flushDeferredCounts(true);
    counters = new WeakMap();
    running = true;
  };
  const stopped = () => {
    running = false;
  };
  red.events.on("flows:started", started);
  red.events.on("flows:stopped", stopped);
  red.hooks.add(HOOK_ID, (ev: CompleteEvent) => countCompletion(ev, labels));
  return {
    running: () => running,
    detach: () => {
      red.events.off("flows:started", started);
      red.events.off("flows:stopped", stopped);
      red.hooks.remove(HOOK_ID);
    },
  };
}

/**
 * Tab id → label. Nodes running inside a subflow instance carry the instance's id as `z`, so each instance id maps to
 * the label of the tab the instance sits on: its messages count toward that tab.
 */
export function containerLabels(flows: readonly FlowNode[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const node of flows) {
    if (node.type === "tab") labels.set(node.id, typeof node.label === "string" && node.label ? node.label : node.id);
  }
  for (const node of flows) {
    if (node.type.startsWith("subflow:") && node.z) labels.set(node.id, labels.get(node.z) ?? node.z);
  }
  return labels;
}

export function flowLabel(z: string | undefined, labels: ReadonlyMap<string, string>): string {
  if (!z) return "global";
  return labels.get(z) ?? z;
}

/** Counts per node and outcome, added to `orderhub_messages_total` whenever /metrics is read. */
let counters = new WeakMap<object, { ok?: DeferredCount; error?: DeferredCount }>();

function countCompletion(ev: CompleteEvent, labels: ReadonlyMap<string, string>): void {
  try {
    const node = ev.node?.node;
    if (!node) return;
    const outcome = ev.error ? "error" : "ok";
    let mine = counters.get(node);
    if (!mine) counters.set(node, (mine = {}));
    (mine[outcome] ??= deferredCount(messagesTotal.labels({ flow: flowLabel(node.z, labels), node: node.name || node.type, outcome }))).n++;
  } catch {
    // Counting must never disturb the message: a metrics failure is not the flow's problem.
  }
}
