import express from "express";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { BrokerConnection } from "../connectors/amqp";
import { logger } from "../observability/logger";
import { ADMIN_ROOT, NODE_ROOT, buildSettings } from "../settings";
import { closeHubStore, getHubStore } from "../store";
import { getMasterData } from "./master-data";
import { getOrderBook } from "./order-book";
import { loopbackOnly, refuseRemoteAdminUpgrades } from "./admin-security";
import { announceApiKeyRule, dropSandboxApiKey, requireApiKey, requireMetricsKey, sandboxApiKey } from "./api-keys";
import { apiNotFound, apiRouter } from "./api";
import { startApprovalDesk, stopApprovalDesk } from "./approval-desk";
import type { HubConfig } from "./config";
import { opsRouter } from "./health";
import { opsPageRouter } from "./ops/router";
import { RED } from "./node-red";
import { loadFlowFiles } from "./flow-storage";
import { deliverDirectlyBetweenHubNodes } from "./direct-delivery";
import { trackFlows } from "./flow-tracker";
import { skipDisabledNodeMetrics } from "./node-red-metrics";
import { nodeSetCollision } from "./paths";
import { sandboxLogLine, startSandbox, type Sandbox } from "../sandbox";
import { useSandbox } from "./systems";

export interface Hub {
  server: Server;
  port: number;
  /** Stop consuming (Node-RED closes every node), close HTTP, close the store. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Open connections get this long to finish after the flows stopped before they are cut. */
const HTTP_GRACE_MS = 3000;

/**
 * Boot the hub: Express + HTTP server + the embedded Node-RED runtime. Routes, in order: /health, /metrics, the editor
 * and admin API at /admin, OrderHub's REST API at /api, then Node-RED's `http in` routes at /api.
 * One hub per process (Node-RED cannot be initialised twice).
 */
export async function startHub(config: HubConfig): Promise<Hub> {
  await loadFlowFiles(config.flowsDir);
  warnIfNodesCollide();
  // the rules read the master data from memory: loaded before any flow runs
  await getMasterData().ready();
  // which rule /api follows: an API key per calling system, or loopback only while no key exists (runtime/api-keys.ts)
  await announceApiKeyRule();
  const app = express();
  app.disable("x-powered-by");
  const server = createServer(app);
  const sockets = trackSockets(server);
  RED.init(server, buildSettings(config));
  skipDisabledNodeMetrics();
  const flows = trackFlows(RED);
  const removeDirectDelivery = deliverDirectlyBetweenHubNodes(RED);
  /** The runtime listeners and hooks go when the hub stops (Node-RED refuses a second hook with the same label). */
  const detach = () => {
    removeDirectDelivery();
    flows.detach();
  };

  app.use("/metrics", requireMetricsKey(config.metricsKey));
  app.use(opsRouter({ flowsRunning: flows.running, store: getHubStore, sandbox: config.sandbox === "on" }));
  app.use(opsPageRouter({ flowsRunning: flows.running, store: getHubStore, sandbox: config.sandbox === "on", metricsKey: config.metricsKey, events: RED.events }));
  app.get("/", (_req, res) => res.redirect(ADMIN_ROOT));
  if (!config.adminPassword) {
    app.use(ADMIN_ROOT, loopbackOnly);
    refuseRemoteAdminUpgrades(server, ADMIN_ROOT);
  }
  app.use(ADMIN_ROOT, RED.httpAdmin);
  // the stand-in systems at /sandbox/<system>, before the API; loopback callers only (sandbox/index.ts)
  let port = 0;
  const sandbox = config.sandbox === "on" ? await startSandbox(app, { hubUrl: () => `http://127.0.0.1:${port}`, apiKey: sandboxApiKey, amqpUrl: config.amqpUrl }) : undefined;
  const apiBroker = new BrokerConnection({ id: "orderhub-api", name: "api", url: config.amqpUrl, publishTimeoutMs: 5000 });
  apiBroker.register(server);
  // every call under /api (ours and the flows' http in routes) needs an API key; GET /api/version stays open
  app.use(NODE_ROOT, requireApiKey);
  app.use(NODE_ROOT, apiRouter({ config, store: getHubStore, broker: apiBroker, master: getMasterData }));
  app.use(NODE_ROOT, RED.httpNode);
  app.use(NODE_ROOT, apiNotFound(NODE_ROOT));

  try {
    if (sandbox) {
      // the sandbox's address is known before any flow calls a system: listen first
      port = await listen(server, config.port);
      useSandbox(`http://127.0.0.1:${port}`);
      logger.warn({ sandbox: true, port }, sandboxLogLine(`http://127.0.0.1:${port}`, sandbox.standIns));
    }
    await RED.start();
    // approvals waiting in the store: their deadlines and the events a crash left owed (runtime/approval-desk.ts)
    // an approved or rejected order gets its history, and an approved one its reservations, before its event goes out
    startApprovalDesk(apiBroker, { record: (event, id) => getOrderBook().recordApproval(event, id) });
    if (!sandbox) port = await listen(server, config.port);
    logStarted(port);
    return { server, port, stop: once(() => stopHub(server, sockets, detach, apiBroker, sandbox)) };
  } catch (err) {
    await RED.stop().catch(() => undefined);
    await stopApprovalDesk();
    await apiBroker.stop();
    await stopSandbox(sandbox);
    if (server.listening) await closeServer(server, sockets);
    detach();
    throw err;
  }
}

async function stopSandbox(sandbox: Sandbox | undefined): Promise<void> {
  if (!sandbox) return;
  useSandbox(undefined);
  dropSandboxApiKey();
  await sandbox.stop();
}

async function stopHub(server: Server, sockets: Set<Socket>, detach: () => void, apiBroker: BrokerConnection, sandbox?: Sandbox): Promise<void> {
  logger.info("stopping: flows first (nodes close and hand back in-flight messages), then HTTP, then the store");
  try {
    await RED.stop();
  } finally {
    detach();
    await stopSandbox(sandbox);
    await closeServer(server, sockets);
    await stopApprovalDesk();
    await apiBroker.stop();
    await closeHubStore();
  }
  logger.info("stopped");
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint = err.code === "EADDRINUSE" ? `port ${port} is in use; set PORT to a free port` : err.message;
      reject(new Error(`cannot listen on port ${port}: ${hint}`));
    };
    server.once("error", onError);
    server.listen(port, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function warnIfNodesCollide(): void {
  const problem = nodeSetCollision();
  if (problem) logger.warn(problem);
}

function logStarted(port: number): void {
  const base = `http://127.0.0.1:${port}`;
  logger.info(
    { port, editor: `${base}${ADMIN_ROOT}`, health: `${base}/health`, metrics: `${base}/metrics` },
    `OrderHub started: editor ${base}${ADMIN_ROOT} · health ${base}/health · metrics ${base}/metrics`,
  );
}

/** Every socket, upgraded ones (the editor's websocket) included: `server.close()` alone would wait for them. */
function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return sockets;
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => sockets.forEach((s) => s.destroy()), HTTP_GRACE_MS);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
