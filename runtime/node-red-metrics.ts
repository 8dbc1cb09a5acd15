import { createRequire } from "node:module";
import { logger } from "../observability/logger";

type Metric = (this: unknown, eventname?: string, msg?: unknown, value?: unknown) => unknown;

interface NodeRedInternals {
  Node: { prototype: { metric: Metric & { orderhubSkipsDisabled?: true } } };
  log: { metric(): boolean };
}

function internals(): NodeRedInternals {
  const fromNodeRed = createRequire(require.resolve("node-red"));
  const fromRuntime = createRequire(fromNodeRed.resolve("@node-red/runtime"));
  return { Node: fromRuntime("./nodes/Node.js"), log: fromRuntime("@node-red/util").log };
}

/**
 * Node-RED builds a metric record for every node at every receive, send and done (about 14 per order through the
 * intake flow: an object, a concatenated event name, a timestamp, a walk over the log handlers) and only then lets the
 * log drop it, even with metrics logging off, as it is here. This makes `Node.prototype.metric` return at once while
 * metrics logging is off, and behave as before when it is on. Measured: −6 % main-thread CPU per order, +6 % intake
 * rate (docs/BENCHMARKS.md). Should a Node-RED release move these internals, the hub logs a warning and runs as is.
 */
export function skipDisabledNodeMetrics(load: () => NodeRedInternals = internals): boolean {
  try {
    const { Node, log } = load();
    const metric = Node.prototype.metric;
    if (typeof metric !== "function" || typeof log.metric !== "function") throw new Error("Node.prototype.metric or log.metric is missing");
    if (metric.orderhubSkipsDisabled) return true;
    const skipping: Metric & { orderhubSkipsDisabled?: true } = function (this: unknown, eventname, msg, value) {
      // Without arguments Node-RED asks whether metrics are on; that answer comes from the original.
      if (eventname !== undefined && !log.metric()) return undefined;
      return metric.call(this, eventname, msg, value);
    };
    skipping.orderhubSkipsDisabled = true;
    Node.prototype.metric = skipping;
    return true;
  } catch (err) {
    logger.warn(`Node-RED's per-node metric records stay on (its internals differ from 4.1: ${(err as Error).message})`);
    return false;
  }
}
