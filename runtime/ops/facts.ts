import type { Channel } from "amqplib";
import type { BrokerConnection } from "../../connectors/amqp/connection";
import { recentDeadLetters } from "../../connectors/amqp/dead-letter-log";
import { getBroker, listBrokers, type BrokerInfo } from "../../connectors/amqp/registry";
import { DEAD_LETTER_QUEUE } from "../../connectors/amqp/topology";
import { healthReport, type HealthDeps } from "../health";
import { packageInfo } from "../paths";
import { businessFacts, type BusinessDeps } from "./business";
import { readCounters, reconnects, systemsFacts, throughputFacts } from "./counters";
import type { DeployedFlows } from "./deployed";
import type { SampleRing } from "./samples";
import { SECTION_TIMEOUT_MS, reasonOf, section } from "./section";
import type { BrokerFacts, ConsumerFacts, HubFacts, OpsFacts, QueueFacts } from "./types";

/** What the ops page reads: the health report's sources, the deployed flows, the samples, the store. */
export interface OpsDeps extends HealthDeps, BusinessDeps {
  deployed: DeployedFlows;
  samples: SampleRing;
  /** When this process started (epoch ms). */
  startedAt: number;
  /** How long each section may take (SECTION_TIMEOUT_MS). */
  timeoutMs?: number;
}

const DLQ_CLI = "orderhub dlq list";

/** Every section, each read within its time; a section that fails or is late says so, the others stand. */
export async function gatherFacts(deps: OpsDeps): Promise<OpsFacts> {
  const ms = deps.timeoutMs ?? SECTION_TIMEOUT_MS;
  const [hub, broker, queues, throughput, systems, business] = await Promise.all([
    section(() => hubFacts(deps), ms),
    section(() => brokerFacts(deps.deployed), ms),
    section((cancelled) => queueFacts(cancelled), ms),
    section(async () => throughputFacts(await readCounters(), deps.samples, deps.deployed), ms),
    section(() => systemsFacts(deps.deployed), ms),
    businessFacts(deps, ms),
  ]);
  return { at: new Date().toISOString(), sandbox: deps.sandbox === true, hub, broker, queues, throughput, systems, business };
}

async function hubFacts(deps: OpsDeps): Promise<HubFacts> {
  const report = await healthReport(deps);
  const { name, version } = packageInfo();
  return {
    status: report.status,
    problems: report.problems,
    warnings: report.warnings,
    name,
    version,
    startedAt: new Date(deps.startedAt).toISOString(),
    uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    flowsRunning: report.flows.running,
    store: report.store,
    detail: { href: "/health" },
  };
}

async function brokerFacts(deployed: DeployedFlows): Promise<BrokerFacts> {
  const brokers = listBrokers();
  const again = await reconnects();
  const consumers: ConsumerFacts[] = [];
  for (const b of brokers) {
    const inFlight = connectionOf(b)?.deliveries.inFlightByConsumer() ?? [];
    for (const c of b.consumers) {
      consumers.push({
        broker: b.name,
        queue: c.queue,
        node: c.consumer,
        flow: deployed.flowOf(c.queue, c.consumer),
        wanted: c.wanted,
        running: c.running,
        ...(c.reason === undefined ? {} : { reason: c.reason }),
        inFlight: inFlight.find((f) => f.queue === c.queue && f.consumer === c.consumer)?.inFlight ?? 0,
      });
    }
  }
  return {
    connections: brokers.map((b) => ({
      id: b.id,
      name: b.name,
      state: b.state,
      ...(b.lastError === undefined ? {} : { lastError: b.lastError }),
      ...(b.blocked === undefined ? {} : { blocked: b.blocked }),
      reconnects: again.get(b.name) ?? 0,
      inFlight: b.inFlight,
      deadLettersWaiting: b.deadLettersWaiting,
      topologyDrift: b.topologyDrift,
    })),
    consumers: consumers.sort((a, b) => a.queue.localeCompare(b.queue) || a.node.localeCompare(b.node)),
    recentDeadLetters: recentDeadLetters(),
  };
}

const connectionOf = (b: BrokerInfo) => getBroker<BrokerConnection>(b.id);

/**
 * Asks the broker for each consumed queue's ready messages and for orderhub.dlq's, on a live connection of the hub's
 * (the API's, or a flow's): a passive declare, which reads the counts and takes no message. A queue the broker does
 * not know closes the channel; the next queue gets a fresh one.
 */
async function queueFacts(cancelled: () => boolean): Promise<QueueFacts> {
  const brokers = listBrokers();
  const live = brokers.map(connectionOf).find((c): c is BrokerConnection => c !== undefined && c.hasLiveConnection());
  if (!live) throw new Error(`no broker connection is up (${brokers.map((b) => `${b.name}: ${b.state}`).join(", ") || "none is registered"})`);
  const names = [...new Set(brokers.flatMap((b) => b.consumers.map((c) => c.queue)))].sort();
  let channel: Channel | undefined;
  type Checked = { queue: string; ready: number; consumers: number } | { queue: string; unavailable: string };
  const check = async (queue: string): Promise<Checked> => {
    if (cancelled()) return { queue, unavailable: "not asked: the time for this section was up" };
    try {
      channel ??= await openChannel(live);
      const ok = await channel.checkQueue(queue);
      return { queue, ready: ok.messageCount, consumers: ok.consumerCount };
    } catch (err) {
      const closed = channel;
      channel = undefined;
      await closed?.close().catch(() => undefined);
      return { queue, unavailable: brokerWords(err) };
    }
  };
  try {
    const queues: QueueFacts["queues"] = [];
    for (const queue of names) queues.push(await check(queue));
    const dlq = await check(DEAD_LETTER_QUEUE);
    const detail = { cli: DLQ_CLI };
    return { queues, deadLetterQueue: "unavailable" in dlq ? { ...dlq, detail } : { queue: dlq.queue, ready: dlq.ready, detail } };
  } finally {
    await channel?.close().catch(() => undefined);
  }
}

async function openChannel(broker: BrokerConnection): Promise<Channel> {
  const channel = await broker.createChannel();
  // a passive declare of a missing queue closes the channel with an error event: answered by the check itself
  channel.on("error", () => undefined);
  return channel;
}

/** The broker's reason without amqplib's preamble (`Operation failed: QueueDeclare; 404 (NOT-FOUND) with message "…"`). */
function brokerWords(err: unknown): string {
  const text = reasonOf(err);
  return /with message "(.*)"$/.exec(text)?.[1] ?? text;
}
