import { rmSync } from "node:fs";
import { TestClient } from "../../support/amqp";
import { createVhost, type TestVhost } from "../../support/rabbit";
import { shippedFlowFiles, startHubProcess, tempHubDir, type HubProcess } from "./hub-process";

/** A hub process running shipped flows on a vhost of its own, and a test client on that vhost. */
export interface HubOnVhost {
  vhost: TestVhost;
  /** The hub's dir, kept across stops (its SQLite store and userDir carry over) until stopHubOnVhost. */
  dir: string;
  hub: HubProcess;
  client: TestClient;
  /** Starts a hub again on the same dir, vhost and flows (after hub.stop(): a restart). */
  startHub(): Promise<HubProcess>;
}

/** A fresh vhost named after `vhostName`, a hub on it running the shipped `flowFiles`, and a client connected to it. */
export async function startHubOnVhost(vhostName: string, flowFiles: readonly string[], env: Record<string, string> = {}): Promise<HubOnVhost> {
  const vhost = createVhost(vhostName);
  const dir = tempHubDir().dir;
  const flows = shippedFlowFiles(...flowFiles);
  const startHub = () => startHubProcess({ env: { AMQP_URL: vhost.url, ...env }, flows, dir, keepDir: true });
  const hub = await startHub();
  const client = await TestClient.connect(vhost.url);
  return { vhost, dir, hub, client, startHub };
}

/** Closes the client, stops the hub (resolves with its exit code), removes its dir and drops the vhost: whichever of them there is. */
export async function stopHubOnVhost(parts: Partial<Pick<HubOnVhost, "vhost" | "dir" | "hub" | "client">>): Promise<number | null | undefined> {
  await parts.client?.close();
  const code = await parts.hub?.stop();
  if (parts.dir) rmSync(parts.dir, { recursive: true, force: true });
  parts.vhost?.drop();
  return code;
}
