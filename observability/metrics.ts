import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One registry for the whole process: connectors, nodes and the runtime all write here; /metrics reads it. */
export const registry = new Registry();
// prom-client names its defaults process_* and nodejs_*: orderhub_process_cpu_seconds_total, orderhub_nodejs_eventloop_lag_seconds
collectDefaultMetrics({ register: registry, prefix: "orderhub_" });

/**
 * A count kept as a plain number on the hot path and added to its labelled counter whenever the metrics are read:
 * incrementing a prom-client child for every node and every message is a measurable share of the event loop.
 */
export class DeferredCount {
  n = 0;
  constructor(private readonly child: { inc(value: number): void }) {}
  flush(): void {
    if (this.n === 0) return;
    this.child.inc(this.n);
    this.n = 0;
  }
}

const deferredCounts = new Set<DeferredCount>();

export function deferredCount(child: { inc(value: number): void }): DeferredCount {
  const count = new DeferredCount(child);
  deferredCounts.add(count);
  return count;
}

/** Add every deferred count to its counter; `forget` also drops them (after a redeploy replaced the nodes). */
export function flushDeferredCounts(forget = false): void {
  for (const count of deferredCounts) count.flush();
  if (forget) deferredCounts.clear();
}

export const messagesTotal = new Counter({
  name: "orderhub_messages_total",
  help: "Messages handled by a node, by flow (tab label), node (name or type) and outcome (ok | error).",
  labelNames: ["flow", "node", "outcome"] as const,
  registers: [registry],
  collect: () => flushDeferredCounts(),
});

export const messageDuration = new Histogram({
  name: "orderhub_message_duration_seconds",
  help: "Time from taking a message off a queue until it was settled (acked or dead-lettered).",
  labelNames: ["queue", "outcome"] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const deadLettersTotal = new Counter({
  name: "orderhub_dead_letters_total",
  help: "Messages sent to the dead-letter queue, by source queue and the node that failed.",
  labelNames: ["queue", "node"] as const,
  registers: [registry],
});

export const brokerConnected = new Gauge({
  name: "orderhub_broker_connected",
  help: "1 while the named amqp-broker has an open connection, else 0.",
  labelNames: ["broker"] as const,
  registers: [registry],
});

export const brokerBlocked = new Gauge({
  name: "orderhub_broker_blocked",
  help: "1 while the broker blocks the named amqp-broker's publishes (a memory or disk alarm), else 0.",
  labelNames: ["broker"] as const,
  registers: [registry],
});

export const consumersRunning = new Gauge({
  name: "orderhub_consumers",
  help: "Consumers subscribed to each queue right now; one that should run and does not shows as 0 (see /health).",
  labelNames: ["queue"] as const,
  registers: [registry],
});

export const deadLettersWaiting = new Gauge({
  name: "orderhub_dead_letters_waiting",
  help: "Dead letters no queue could take yet (orderhub.dlq missing or refused): their originals stay unacknowledged until one does.",
  labelNames: ["broker"] as const,
  registers: [registry],
});

export const topologyDrift = new Gauge({
  name: "orderhub_topology_drift",
  help: "1 for a hub queue that exists with other arguments than the hub declares (see /health), else 0.",
  labelNames: ["queue"] as const,
  registers: [registry],
});

export const brokerReconnectsTotal = new Counter({
  name: "orderhub_broker_reconnects_total",
  help: "Connections re-established after a loss, by broker.",
  labelNames: ["broker"] as const,
  registers: [registry],
});

export const publishedTotal = new Counter({
  name: "orderhub_published_total",
  help: "Messages published and confirmed by the broker, by exchange and routing key.",
  labelNames: ["exchange", "routing_key"] as const,
  registers: [registry],
});

export const duplicatesTotal = new Counter({
  name: "orderhub_duplicates_total",
  help: "Messages recognised as duplicates of an already handled business key, by scope.",
  labelNames: ["scope"] as const,
  registers: [registry],
});

export const ordersReadTotal = new Counter({
  name: "orderhub_orders_read_total",
  help: "Orders order-normalize read from inbound documents (each order of a document with several counts), by the order's source format and outcome: read or refused.",
  labelNames: ["format", "outcome"] as const,
  registers: [registry],
});

export const batchOrdersPending = new Gauge({
  name: "orderhub_batch_orders_pending",
  help: "Orders of documents with several orders (an interchange, an IDoc file, a CSV export, a JSON array) that order-normalize is still mapping, by the documents' format.",
  labelNames: ["format"] as const,
  registers: [registry],
});

export const mappingThreadDocuments = new Gauge({
  name: "orderhub_mapping_thread_documents",
  help: "Large documents on the mapping thread (from 256 KB), by state: mapping (at most one) or waiting for their turn.",
  labelNames: ["state"] as const,
  registers: [registry],
});

export const mappingsReusedTotal = new Counter({
  name: "orderhub_mappings_reused_total",
  help: "Large documents order-normalize took as the REST API had mapped them on this hub, instead of mapping them a second time.",
  registers: [registry],
});

export const keyConflictsTotal = new Counter({
  name: "orderhub_key_conflicts_total",
  help: "Messages refused because their business key was used before by a message with other content, by scope.",
  labelNames: ["scope"] as const,
  registers: [registry],
});

export const storeCommitsTotal = new Counter({
  name: "orderhub_store_commits_total",
  help: "Transactions the hub's store has committed, each holding a batch of writes (group commit).",
  registers: [registry],
});

export const storeWritesTotal = new Counter({
  name: "orderhub_store_writes_total",
  help: "Writes (idempotency claims, done marks, purges) the hub's store has committed; divided by the commits, the writes per commit.",
  registers: [registry],
});

export const masterRecords = new Gauge({
  name: "orderhub_master_records",
  help: "Master data records the hub holds (and its rules read), by kind (customers, items, priceLists, …).",
  labelNames: ["kind"] as const,
  registers: [registry],
});

export const masterChangesTotal = new Counter({
  name: "orderhub_master_changes_total",
  help: "Master data changes applied (a batch each), by kind and mode (replace | upsert | delete).",
  labelNames: ["kind", "mode"] as const,
  registers: [registry],
});

export const approvals = new Gauge({
  name: "orderhub_approvals",
  help: "Approvals in the store, by state (pending | escalated | approved | rejected), plus unsent (pending, OA has not taken the request) and events_owed (escalations and decisions whose event is not confirmed yet).",
  labelNames: ["state"] as const,
  registers: [registry],
});

export const approvalRequestsTotal = new Counter({
  name: "orderhub_approval_requests_total",
  help: "Approval requests sent to OA, by outcome (sent | retried | refused | failed | repeat: a redelivered order whose request OA had already).",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

export const soapCallsTotal = new Counter({
  name: "orderhub_soap_calls_total",
  help: "SOAP calls of soap-call nodes, by system (erp-system name), operation and outcome (ok | fault: a SOAP fault, not retried | failed: no usable answer, retries exhausted | retried: an attempt tried again).",
  labelNames: ["system", "operation", "outcome"] as const,
  registers: [registry],
});

export const soapCallDuration = new Histogram({
  name: "orderhub_soap_call_duration_seconds",
  help: "Time of a soap-call node's call, retries and their waits included, by system, operation and outcome (ok | fault | failed).",
  labelNames: ["system", "operation", "outcome"] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

export const restCallsTotal = new Counter({
  name: "orderhub_rest_calls_total",
  help: "REST calls to connected systems, by system, method and outcome (ok | retried: an attempt tried again | refused: a 4xx | failed: retries exhausted | circuit-open: not sent, the host's circuit is open).",
  labelNames: ["system", "method", "outcome"] as const,
  registers: [registry],
});

export const circuitState = new Gauge({
  name: "orderhub_circuit_state",
  help: "The REST circuit breaker of each host: 0 closed, 1 half-open (one probe call may go), 2 open (calls fail at once).",
  labelNames: ["host"] as const,
  registers: [registry],
});

export const circuitTransitionsTotal = new Counter({
  name: "orderhub_circuit_transitions_total",
  help: "Changes of a host's REST circuit breaker, by the state it went to (open | half-open | closed).",
  labelNames: ["host", "to"] as const,
  registers: [registry],
});

export const unauthorizedTotal = new Counter({
  name: "orderhub_unauthorized_total",
  help: "Calls refused with 401 on /api or /metrics, by reason (no-key | malformed | unknown-key | wrong-secret | revoked-key | loopback-only | store-unavailable | metrics-key).",
  labelNames: ["reason"] as const,
  registers: [registry],
});

/** Settlement's documents (docs/SETTLEMENT.md): what the hub wrote, what it recognised again, what it refused. */
export const settlementDocumentsTotal = new Counter({
  name: "orderhub_settlement_documents_total",
  help: "Settlement documents by kind (consignment-fill-up, -issue, -pickup, -return, credit-note, payment, intercompany-<kind>) and outcome (written, repeat, refused)",
  labelNames: ["kind", "outcome"] as const,
  registers: [registry],
});

export const reconciliationMismatches = new Gauge({
  name: "orderhub_reconciliation_mismatches",
  help: "Mismatches the last reconciliation run found, by kind (0 for a kind it did not find)",
  labelNames: ["kind"] as const,
  registers: [registry],
});

export const reconciliationRunsTotal = new Counter({
  name: "orderhub_reconciliation_runs_total",
  help: "Reconciliation runs, by outcome: clean or mismatches",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

export const dunningNoticesTotal = new Counter({
  name: "orderhub_dunning_notices_total",
  help: "Dunning notices recorded to be sent, by level (reminder, second-notice, credit-hold)",
  labelNames: ["level"] as const,
  registers: [registry],
});

/**
 * A labelled child of a metric, cached by its label values: building and hashing a label object on every message is a
 * measurable cost on the hot path. Label sets are few (queues, routing keys), so the cache stays small.
 */
export function childOf<C>(metric: { labels(labels: Record<string, string>): C }, names: readonly string[]): (...values: string[]) => C {
  const cache = new Map<string, C>();
  return (...values) => {
    const key = values.join("\u0000");
    let child = cache.get(key);
    if (!child) {
      child = metric.labels(Object.fromEntries(names.map((n, i) => [n, values[i]])));
      cache.set(key, child);
    }
    return child;
  };
}
