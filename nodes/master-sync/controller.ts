import { randomUUID } from "node:crypto";
import {
  SYNC_SOURCES,
  failedSyncReport,
  fromSource,
  keyOf,
  planSync,
  syncReport,
  type SyncChange,
  type SyncFailure,
  type SyncKind,
  type SyncReport,
  type SyncSource,
} from "../../domain/master/sync";
import { MasterDataError, validateMasterRecords } from "../../mappings/master-data";
import { getMasterData } from "../../runtime/master-data";
import { registerSyncLane, syncRunFinished } from "../../runtime/master-sync";
import { kindSpec } from "../../store/master-kinds";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";

export interface MasterSyncConfig extends NodeDef {
  /** The system whose answer the node reads: `erp` (GetMasterData), `plm` (GET /items), `wms` (GET /stock). */
  source: SyncSource;
}

/** The event a changed record is sent as: `master.customers.upserted`, as the master-data node applies it. */
export function changeTopic(kind: SyncKind): string {
  return `master.${kindSpec(kind).path}.upserted`;
}

export const REPORT_TOPIC = "master.sync.completed";

/** The hub's records of a kind, keyed as domain/master/sync.ts keys them. */
function hubRecords(kind: SyncKind): ReadonlyMap<string, object> {
  return new Map(getMasterData().records(kind).map((r) => [keyOf(kind, r), r]));
}

/** A change the schema refuses becomes a failure naming the record and the field (`creditLimit: must be >= 0`). */
export function checkChanges(changes: readonly SyncChange[]): { ok: SyncChange[]; failures: SyncFailure[] } {
  const ok: SyncChange[] = [];
  const failures: SyncFailure[] = [];
  for (const c of changes) {
    try {
      validateMasterRecords(c.kind, [c.record]);
      ok.push(c);
    } catch (err) {
      const reason = err instanceof MasterDataError ? err.problems.map((p) => p.replace(/^[A-Za-z]+\[0\]\.?/, "")).join("; ") : (err as Error).message;
      failures.push({ kind: c.kind, record: c.name, reason: `${kindSpec(c.kind).noun} ${c.name}: ${reason}`, raw: c.raw });
    }
  }
  return { ok, failures };
}

/** The messages of one run: one per changed record, the report, one per failed record. */
export function runMessages(
  node: { id: string; name?: string },
  source: SyncSource,
  answer: unknown,
  at: Date,
  runId: string,
  hub: (kind: SyncKind) => ReadonlyMap<string, object>,
): { changes: HubMessage[]; report: SyncReport; failed: HubMessage[] } {
  const plan = planSync(fromSource(source, answer), hub);
  const checked = checkChanges(plan.changes);
  const failures = [...plan.failures.map((f) => ({ ...f, reason: `${kindSpec(f.kind).noun} ${f.record}: ${f.reason}` })), ...checked.failures];
  const report = syncReport({ runId, source, at: at.toISOString() }, { ...plan, changes: checked.ok, failures });
  const changes = checked.ok.map(
    (c, i) => ({ topic: changeTopic(c.kind), payload: [c.record], messageId: `${runId}/${i + 1}`, syncRun: runId }) as unknown as HubMessage,
  );
  const failed = failures.map(
    (f, i) =>
      ({
        topic: changeTopic(f.kind),
        payload: f.raw,
        messageId: `${runId}/failed/${i + 1}`,
        syncRun: runId,
        error: { message: f.reason, source: { id: node.id, type: "master-sync", name: node.name || "master-sync" } },
      }) as unknown as HubMessage,
  );
  return { changes, report, failed };
}

/**
 * master-sync: takes a system's master data answer (msg.payload, as soap-call or rest-call leave it), reads it into
 * the hub's kinds, compares it with the hub's master data, and sends
 * 1. one `master.<kind>.upserted` message per changed record (payload: `[record]`), for amqp-out to orderhub.events
 *    (every hub's master-data flow applies it) or a master-data node;
 * 2. the run's report (`master.sync.completed`): run id, time, changed per kind, unchanged, skipped, failed;
 * 3. one message per record that could not be read or that the schema refuses: payload the record as the system sent
 *    it, msg.error its reason, for a dead-letter node. The other records go on.
 * A message that carries msg.error (a catch on the call in front) is a run whose source did not answer: its report
 * says so, and nothing changes.
 */
export class MasterSyncController {
  private readonly unregister: () => void;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly config: MasterSyncConfig,
  ) {
    const source = config.source;
    if (!SYNC_SOURCES.includes(source)) {
      failing(node, `source must be one of ${SYNC_SOURCES.join(", ")}`);
      node.error(`master-sync: source must be one of ${SYNC_SOURCES.join(", ")} (is "${String(source)}")`);
      this.unregister = () => undefined;
      return;
    }
    node.status({ fill: "grey", shape: "ring", text: `${source}: no run yet` });
    this.unregister = registerSyncLane({ id: node.id, source, trigger: (request) => this.trigger(request) });
    node.on("input", (m: object, send: SendFn, done: DoneFn) => this.run(m as HubMessage, send, done));
    node.on("close", () => this.unregister());
  }

  private run(msg: HubMessage, send: SendFn, done: DoneFn): void {
    const at = new Date();
    const runId = `${this.config.source}-${at.toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
    const run = { runId, source: this.config.source, at: at.toISOString() };
    let out: { changes: HubMessage[]; report: SyncReport; failed: HubMessage[] };
    if (msg.error) {
      out = { changes: [], report: failedSyncReport(run, msg.error.message), failed: [] };
    } else {
      try {
        out = runMessages(this.node, this.config.source, msg.payload, at, runId, hubRecords);
      } catch (err) {
        out = { changes: [], report: failedSyncReport(run, `the answer could not be read: ${(err as Error).message}`), failed: [] };
      }
    }
    const { changes, report, failed } = out;
    const reportMsg = { topic: REPORT_TOPIC, payload: { event: REPORT_TOPIC, ...report }, messageId: `master-sync:${runId}`, syncRun: runId } as unknown as HubMessage;
    send([changes, [reportMsg], failed] as unknown as HubMessage[]);
    syncRunFinished(report, msg.syncRequest);
    const time = at.toISOString().slice(11, 19);
    if (report.outcome === "failed") failing(this.node, `last run ${time}: ${report.error ?? "failed"}`);
    else {
      this.node.status({
        fill: report.outcome === "ok" ? "green" : "yellow",
        shape: "dot",
        text: `last run ${time}: ${report.changedTotal} changed${report.failed.length ? ` · ${report.failed.length} failed` : ""}`,
      });
    }
    done();
  }

  /** Starts a run as the schedule does: through the first inject node in front of this one, with msg.syncRequest. */
  private trigger(request: string): boolean {
    const inject = upstreamInject(this.RED, this.node.id);
    const start = inject ? (this.RED.nodes.getNode(inject) as unknown as { receive(msg: object): void } | null) : null;
    if (!start) return false;
    start.receive({ syncRequest: request });
    return true;
  }
}

/** The first inject node found walking the wires back from `id` (through the source call in front of it). */
export function upstreamInject(RED: Pick<NodeAPI, "nodes">, id: string): string | undefined {
  const into = new Map<string, string[]>();
  const types = new Map<string, string>();
  RED.nodes.eachNode((n) => {
    const def = n as unknown as { id: string; type: string; wires?: string[][] };
    types.set(def.id, def.type);
    for (const port of def.wires ?? []) for (const target of port) into.set(target, [...(into.get(target) ?? []), def.id]);
  });
  const seen = new Set<string>([id]);
  const queue = [id];
  while (queue.length > 0) {
    for (const from of into.get(queue.shift()!) ?? []) {
      if (seen.has(from)) continue;
      seen.add(from);
      if (types.get(from) === "inject") return from;
      queue.push(from);
    }
  }
  return undefined;
}
