/**
 * What `GET /ops.json` answers, and what `GET /ops` renders: the field names are stable (docs/OPERATIONS.md, "The ops
 * page"). Every part that reads a source (the store, the broker, the metrics) is a Section: either its facts with
 * `available: true`, or `available: false` and the reason it could not be read within its time.
 */
import type { KeptDeadLetter } from "../../connectors/amqp/dead-letter-log";
import type { BrokerState } from "../../connectors/amqp/registry";
import type { ApprovalState } from "../../domain/order/approval";
import type { Counts } from "./samples";

export type { Counts, KeptDeadLetter };

export type Section<T> = ({ available: true } & T) | { available: false; reason: string };

/** Where a number's detail is: a route of the hub (`href`) or a command (`cli`). */
export interface Detail {
  href?: string;
  cli?: string;
}

export interface OpsFacts {
  /** When the facts were gathered (ISO 8601). */
  at: string;
  /** The stand-in systems answer instead of the real ones. */
  sandbox: boolean;
  hub: Section<HubFacts>;
  broker: Section<BrokerFacts>;
  queues: Section<QueueFacts>;
  throughput: Section<ThroughputFacts>;
  systems: Section<SystemsFacts>;
  business: BusinessFacts;
}

export interface HubFacts {
  status: "ok" | "degraded";
  problems: string[];
  warnings: string[];
  name: string;
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  flowsRunning: boolean;
  store: { ok: boolean; error?: string };
  detail: Detail;
}

export interface ConnectionFacts {
  id: string;
  name: string;
  state: BrokerState;
  lastError?: string;
  blocked?: string;
  /** Connections re-established after a loss since start. */
  reconnects: number;
  inFlight: number;
  /** Dead letters no queue can take yet (their originals wait unacknowledged). */
  deadLettersWaiting: number;
  topologyDrift: Array<{ queue: string; drift: string }>;
}

export interface ConsumerFacts {
  broker: string;
  queue: string;
  /** The node that consumes (its name), and its flow's label when the deployed flows say. */
  node: string;
  flow: string | null;
  wanted: boolean;
  running: boolean;
  reason?: string;
  /** Its deliveries taken and not yet settled. */
  inFlight: number;
}

export interface BrokerFacts {
  connections: ConnectionFacts[];
  consumers: ConsumerFacts[];
  /** The newest dead letters this hub process kept, newest first (not read from the queue). */
  recentDeadLetters: KeptDeadLetter[];
}

/** What the broker says of the queues, asked on the hub's own connection (declare passive: nothing is consumed). */
export interface QueueFacts {
  /** Messages ready in each consumed queue and the consumers the broker counts on it. */
  queues: Array<{ queue: string; ready: number; consumers: number; detail?: Detail } | { queue: string; unavailable: string }>;
  /** Dead letters waiting in orderhub.dlq. */
  deadLetterQueue: { queue: string; ready: number; detail: Detail } | { queue: string; unavailable: string; detail: Detail };
}

export interface ThroughputFacts {
  /** Samples are read this often; a window without an older sample counts since start. */
  sampleEverySeconds: number;
  /** Messages taken off each queue and settled: acknowledged, or dead-lettered. */
  queues: Array<{ queue: string; flow: string | null; acked: Counts; deadLettered: Counts }>;
  /** Node steps per flow: each node that finished a message counts once, by outcome. */
  flows: Array<{ flow: string; ok: Counts; error: Counts }>;
  /** Dead letters by the queue they came from and the node that failed. */
  deadLetters: Array<{ queue: string; node: string; count: Counts }>;
  published: Array<{ exchange: string; routingKey: string; count: Counts }>;
  duplicates: Array<{ scope: string; count: Counts }>;
  keyConflicts: Array<{ scope: string; count: Counts }>;
}

export interface SystemsFacts {
  circuits: Array<{ host: string; system: string | null; state: "closed" | "half-open" | "open"; opened: number }>;
  soap: Array<{ system: string; calls: number; ok: number; fault: number; failed: number; retried: number }>;
  rest: Array<{ system: string; calls: number; ok: number; refused: number; failed: number; circuitOpen: number; retried: number }>;
}

/** A count read with a limit: `capped` when there are at least that many (the page shows `1000+`). */
export interface Capped {
  count: number;
  capped: boolean;
  detail: Detail;
}

export interface BusinessFacts {
  orders: Section<{ asOf: string; byState: Array<{ state: string } & Capped>; late: Capped }>;
  approvals: Section<{ byState: Record<ApprovalState, number>; unsent: number; eventsOwed: number; detail: Detail }>;
  /** Orders held for credit in the order book. */
  held: Section<{ count: number; oldestHeldAt: string | null; detail: Detail }>;
  master: Section<{ records: Array<{ kind: string; count: number; detail: Detail }>; detail: Detail }>;
  /** The last run of each source since the hub started. */
  masterSync: Section<{ runs: Array<{ source: string; at: string; outcome: string; records: number; changed: number; failed: number; error?: string }>; detail: Detail }>;
  /** The newest reconciliation run kept: its counts, and its mismatches by kind. */
  reconciliation: Section<{
    last: { id: number; date: string; recordedAt: string; counts: Record<string, number>; byKind: Record<string, number>; detail: Detail } | null;
  }>;
  /** Consignment sites with a ledger: how many, and the first few. */
  consignment: Section<{ count: number; sites: Array<{ customer: string; site: string; detail: Detail }> }>;
  planning: Section<{ tasks: Array<{ status: string } & Capped>; done: number; of: number }>;
}
