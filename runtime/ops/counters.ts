import {
  brokerReconnectsTotal,
  circuitState,
  circuitTransitionsTotal,
  deadLettersTotal,
  duplicatesTotal,
  keyConflictsTotal,
  messageDuration,
  messagesTotal,
  publishedTotal,
  restCallsTotal,
  soapCallsTotal,
} from "../../observability/metrics";
import type { DeployedFlows } from "./deployed";
import { SAMPLE_EVERY_MS, SampleRing } from "./samples";
import type { SystemsFacts, ThroughputFacts } from "./types";

/**
 * The counters the ops page follows, read from the process's metrics (observability/metrics.ts) as `/metrics` reads
 * them, and the ring of samples their windows come from.
 */

type Labels = Record<string, string | number | undefined>;
interface Reading {
  value: number;
  labels: Labels;
}

async function values(metric: { get(): Promise<{ values: Array<{ value: number; labels: object; metricName?: string }> }> }): Promise<Reading[]> {
  return (await metric.get()).values.map((v) => ({ value: v.value, labels: v.labels as Labels, metricName: v.metricName })) as Reading[];
}

const label = (r: Reading, name: string) => String(r.labels[name] ?? "");
/** A series key: the counter's short name and its labels, joined by a character no label holds. */
const key = (...parts: string[]) => parts.join("\u0000");

/** Every counter the throughput section shows, by series key, summed where the page shows less detail than /metrics. */
export async function readCounters(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const add = (k: string, v: number) => out.set(k, (out.get(k) ?? 0) + v);
  // reading messagesTotal first adds the counts the hot path keeps as plain numbers (DeferredCount)
  for (const r of await values(messagesTotal)) add(key("flow", label(r, "flow"), label(r, "outcome")), r.value);
  const durations = (await messageDuration.get()).values.filter((v) => v.metricName === "orderhub_message_duration_seconds_count");
  for (const v of durations) add(key("queue", String(v.labels.queue ?? ""), String(v.labels.outcome ?? "")), v.value);
  for (const r of await values(deadLettersTotal)) add(key("dead", label(r, "queue"), label(r, "node")), r.value);
  for (const r of await values(publishedTotal)) add(key("published", label(r, "exchange"), label(r, "routing_key")), r.value);
  for (const r of await values(duplicatesTotal)) add(key("duplicate", label(r, "scope")), r.value);
  for (const r of await values(keyConflictsTotal)) add(key("conflict", label(r, "scope")), r.value);
  return out;
}

/** The samples of this process: one ring, read every SAMPLE_EVERY_MS from the first ops router on. */
let ring: SampleRing | undefined;

export function startSampling(startedAt: number): SampleRing {
  if (ring) return ring;
  const kept = new SampleRing(startedAt);
  ring = kept;
  const take = () => {
    const at = Date.now();
    readCounters().then(
      (values) => kept.add({ at, values }),
      () => undefined,
    );
  };
  take();
  setInterval(take, SAMPLE_EVERY_MS).unref();
  return kept;
}

const byKind = (counters: Map<string, number>, kind: string) =>
  [...counters].filter(([k]) => k.startsWith(`${kind}\u0000`)).map(([k, v]) => ({ key: k, parts: k.split("\u0000").slice(1), value: v }));

/** The throughput section from the counters now and the ring. */
export function throughputFacts(counters: Map<string, number>, samples: SampleRing, deployed: DeployedFlows, now = Date.now()): ThroughputFacts {
  const counts = (k: string) => samples.counts(k, counters.get(k) ?? 0, now);
  const queues = [...new Set(byKind(counters, "queue").map((s) => s.parts[0]))].sort();
  const flows = [...new Set(byKind(counters, "flow").map((s) => s.parts[0]))].sort();
  return {
    sampleEverySeconds: SAMPLE_EVERY_MS / 1000,
    queues: queues.map((queue) => ({
      queue,
      flow: deployed.flowOf(queue),
      acked: counts(key("queue", queue, "ack")),
      deadLettered: counts(key("queue", queue, "dead-letter")),
    })),
    flows: flows.map((flow) => ({ flow, ok: counts(key("flow", flow, "ok")), error: counts(key("flow", flow, "error")) })),
    deadLetters: byKind(counters, "dead").map((s) => ({ queue: s.parts[0], node: s.parts[1], count: counts(s.key) })),
    published: byKind(counters, "published").map((s) => ({ exchange: s.parts[0], routingKey: s.parts[1], count: counts(s.key) })),
    duplicates: byKind(counters, "duplicate").map((s) => ({ scope: s.parts[0], count: counts(s.key) })),
    keyConflicts: byKind(counters, "conflict").map((s) => ({ scope: s.parts[0], count: counts(s.key) })),
  };
}

const STATES = ["closed", "half-open", "open"] as const;

/** Circuit breakers (the gauge keeps each host's state) and the SOAP and REST calls per system, since start. */
export async function systemsFacts(deployed: DeployedFlows): Promise<SystemsFacts> {
  const opened = new Map<string, number>();
  for (const r of await values(circuitTransitionsTotal)) if (label(r, "to") === "open") opened.set(label(r, "host"), r.value);
  const circuits = (await values(circuitState)).map((r) => ({
    host: label(r, "host"),
    system: deployed.systemOf(label(r, "host")),
    state: STATES[r.value] ?? "open",
    opened: opened.get(label(r, "host")) ?? 0,
  }));
  const soap = new Map<string, SystemsFacts["soap"][number]>();
  for (const r of await values(soapCallsTotal)) {
    const system = label(r, "system");
    const row = soap.get(system) ?? { system, calls: 0, ok: 0, fault: 0, failed: 0, retried: 0 };
    const outcome = label(r, "outcome") as "ok" | "fault" | "failed" | "retried";
    if (outcome in row) row[outcome] += r.value;
    if (outcome !== "retried") row.calls += r.value;
    soap.set(system, row);
  }
  const rest = new Map<string, SystemsFacts["rest"][number]>();
  for (const r of await values(restCallsTotal)) {
    const system = label(r, "system");
    const row = rest.get(system) ?? { system, calls: 0, ok: 0, refused: 0, failed: 0, circuitOpen: 0, retried: 0 };
    const outcome = label(r, "outcome");
    const field = outcome === "circuit-open" ? "circuitOpen" : (outcome as "ok" | "refused" | "failed" | "retried");
    if (field in row) row[field] += r.value;
    if (outcome !== "retried") row.calls += r.value;
    rest.set(system, row);
  }
  const bySystem = <T extends { system: string }>(rows: Iterable<T>) => [...rows].sort((a, b) => a.system.localeCompare(b.system));
  return { circuits: circuits.sort((a, b) => a.host.localeCompare(b.host)), soap: bySystem(soap.values()), rest: bySystem(rest.values()) };
}

/** Connections re-established after a loss since start, by broker name. */
export async function reconnects(): Promise<Map<string, number>> {
  return new Map((await values(brokerReconnectsTotal)).map((r) => [label(r, "broker"), r.value]));
}
