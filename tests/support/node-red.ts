import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import helper from "node-red-node-test-helper";
import amqpBroker from "../../nodes/amqp-broker/index";
import amqpIn from "../../nodes/amqp-in/index";
import amqpOut from "../../nodes/amqp-out/index";
import deadLetter from "../../nodes/dead-letter/index";
import idempotent from "../../nodes/idempotent/index";
import orderNormalize from "../../nodes/order-normalize/index";
import orderValidate from "../../nodes/order-validate/index";
import orderRevision from "../../nodes/order-revision/index";
import settle from "../../nodes/settle/index";
import erpSystem from "../../nodes/erp-system/index";
import restSystem from "../../nodes/rest-system/index";
import { deliverDirectlyBetweenHubNodes } from "../../runtime/direct-delivery";
import type { EmbeddedRed } from "../../runtime/node-red";

const root = join(__dirname, "../..");
const nodeRequire = createRequire(join(root, "package.json"));
helper.init(nodeRequire.resolve("node-red"));

/** Every OrderHub node, and the core change and switch nodes (the helper itself brings catch, status and complete). */
export function hubNodes(): unknown[] {
  return [
    nodeRequire(join(root, "node_modules/@node-red/nodes/core/function/15-change.js")),
    nodeRequire(join(root, "node_modules/@node-red/nodes/core/function/10-switch.js")),
    amqpBroker,
    amqpIn,
    amqpOut,
    orderNormalize,
    orderValidate,
    orderRevision,
    idempotent,
    settle,
    deadLetter,
    // the global config nodes of flows/config.json besides the broker: the connected systems
    erpSystem,
    restSystem,
  ];
}

/** The shipped flow files, merged as the runtime loads them. */
export function shippedFlows(...files: string[]): Array<Record<string, unknown>> {
  return files.flatMap((f) => JSON.parse(readFileSync(join(root, "flows", f), "utf8")));
}

export { helper };

/**
 * node-red-node-test-helper registers a core node module once per node of that type in the flow, so a flow with two
 * catch nodes fails with "catch already registered". Wrap the helper's core modules so each registers once per load.
 */
const coreModules: Record<string, (red: unknown) => unknown> = { ...helper._nodeModules };

let removeDirectDelivery: (() => void) | undefined;

/**
 * Loads a flow into the helper's runtime. Like the hub (runtime/server.ts), the runtime hands messages from one
 * OrderHub node to the next directly; `{ directDelivery: false }` leaves every hop to Node-RED.
 */
export async function loadFlow(
  flow: Array<Record<string, unknown>>,
  nodes: unknown[] = hubNodes(),
  options: { directDelivery?: boolean; /** node id → its credentials */ credentials?: Record<string, Record<string, string>> } = {},
): Promise<void> {
  removeDirectDelivery?.();
  removeDirectDelivery = options.directDelivery === false ? undefined : deliverDirectlyBetweenHubNodes(helper._RED as unknown as EmbeddedRed);
  const registered = new Set<unknown>();
  for (const [type, fn] of Object.entries(coreModules)) {
    helper._nodeModules[type] = (red: unknown) => {
      if (registered.has(fn)) return undefined;
      registered.add(fn);
      return fn(red);
    };
  }
  // a node module listed twice (hubNodes() and the test's own list) would register its type twice: once each
  await helper.load([...new Set(nodes)], flow, options.credentials ?? {});
}

type Listenable = { on(event: string, fn: never): void; removeListener(event: string, fn: never): void };

/**
 * Sends `msg` into node `nodeId` and resolves with the output it left on: the name of the helper node (of `outputs`)
 * that received a message `mine` recognises, or "error" when the node reported an error (then `error` is set).
 */
export function whereItGoes<M>(nodeId: string, outputs: string[], msg: Record<string, unknown>, mine: (m: M) => boolean): Promise<{ port: string; msg: M; error?: Error }> {
  return new Promise((resolve) => {
    const listeners: Array<[Listenable, string, (x: never) => void]> = [];
    const listen = (node: Listenable, event: string, fn: (x: never) => void) => {
      node.on(event, fn as never);
      listeners.push([node, event, fn]);
    };
    const settle = (port: string, got: M, error?: Error) => {
      for (const [node, event, fn] of listeners) node.removeListener(event, fn as never);
      resolve({ port, msg: got, error });
    };
    for (const name of outputs) listen(helper.getNode(name) as unknown as Listenable, "input", (m: M) => mine(m) && settle(name, m));
    const node = helper.getNode(nodeId) as unknown as Listenable & { receive(m: object): void };
    listen(node, "call:error", (call: { args: [Error, M] }) => settle("error", call.args[1], call.args[0]));
    node.receive(msg);
  });
}
