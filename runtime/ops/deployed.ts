import { hostOf } from "../../connectors/rest/circuit-breaker";
import { restTargetOf, type RestSystemConfig } from "../../nodes/rest-system/controller";
import { containerLabels, flowLabel } from "../flow-tracker";
import type { FlowNode, FlowsEvent } from "../node-red";
import { SYSTEMS, systemAddress, type SystemName } from "../systems";

/**
 * What the deployed flows tell the ops page: which flow consumes a queue (the `amqp-in` nodes and their tabs), and
 * which system a circuit breaker's host is (the `rest-system` config nodes, the environment, the sandbox). Kept from
 * Node-RED's `flows:started` event, as the flow tracker does.
 */
export interface DeployedFlows {
  /** The flow (tab label) of the amqp-in node named `node` consuming `queue`; else of any amqp-in on that queue. */
  flowOf(queue: string, node?: string): string | null;
  /** The system whose address is on `host` (as breakers key it), or null when none is. */
  systemOf(host: string): string | null;
}

interface Consuming {
  queue: string;
  node: string;
  flow: string;
}

export function deployedFlows(events: { on(event: string, listener: (ev: FlowsEvent) => void): void }): DeployedFlows {
  let nodes: readonly FlowNode[] = [];
  let consuming: Consuming[] = [];
  events.on("flows:started", (ev: FlowsEvent) => {
    nodes = ev.config?.flows ?? [];
    consuming = consumersIn(nodes);
  });
  return {
    flowOf: (queue, node) => (consuming.find((c) => c.queue === queue && (node === undefined || c.node === node)) ?? consuming.find((c) => c.queue === queue))?.flow ?? null,
    systemOf: (host) => systemHosts(nodes).get(host) ?? null,
  };
}

/** The amqp-in nodes: queue, name as the consumer is named (runtime: `node.name || "amqp-in <queue>"`), tab label. */
export function consumersIn(flows: readonly FlowNode[]): Consuming[] {
  const labels = containerLabels(flows);
  return flows
    .filter((n) => n.type === "amqp-in" && typeof n.queue === "string" && n.queue !== "")
    .map((n) => ({ queue: n.queue as string, node: n.name || `amqp-in ${n.queue as string}`, flow: flowLabel(n.z, labels) }));
}

/** Host (as breakers key it) → system, for every system whose address is known now. */
export function systemHosts(flows: readonly FlowNode[], env: Record<string, string | undefined> = process.env): Map<string, string> {
  const hosts = new Map<string, string>();
  const note = (system: string, url: () => string) => {
    try {
      const host = hostOf(url());
      if (!hosts.has(host)) hosts.set(host, system);
    } catch {
      // a system without an address (or a bad one) has no breaker to name
    }
  };
  for (const n of flows) {
    if (n.type !== "rest-system") continue;
    const config = n as unknown as RestSystemConfig;
    note(String(config.system), () => restTargetOf(config, {}, env).address().url);
  }
  for (const system of SYSTEMS) note(system, () => systemAddress(system as SystemName, undefined, env).url);
  return hosts;
}
