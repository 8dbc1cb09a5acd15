import { readFileSync, readdirSync } from "node:fs";
import { request } from "node:http";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVhost, type TestVhost } from "../support/rabbit";
import { type HubProcess, startHubProcess, waitForHealthy } from "./support/hub-process";

/** An address of this machine that is not loopback, to be a "remote" client of our own hub; undefined if none. */
function remoteAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

/** A websocket upgrade request; resolves with the HTTP status the server answered (101 on success). */
function upgradeStatus(host: string, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host, port, path,
      headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the hub without an admin password", () => {
  let vhost: TestVhost;
  let hub: HubProcess;
  beforeAll(async () => {
    vhost = createVhost("orderhub-hub");
    hub = await startHubProcess({ env: { AMQP_URL: vhost.url } });
    expect(await waitForHealthy(hub.url)).toBe(200);
  });
  afterAll(async () => {
    await hub?.stop();
    vhost?.drop();
  });

  it("warns that flow credentials are encrypted with a key it generated and keeps in the data dir, which it does", () => {
    const runtimeConfig = join(hub.dataDir, "node-red", ".config.runtime.json");
    const warning = hub.output().split("\n").find((l) => l.includes("ORDERHUB_CREDENTIAL_SECRET is not set"));
    expect(warning && JSON.parse(warning)).toMatchObject({ level: 40, msg: expect.stringContaining(`keeps in ${runtimeConfig};`) });
    expect(JSON.parse(readFileSync(runtimeConfig, "utf8"))._credentialSecret).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reports ok on /health when the flows run, the store answers and the API's broker connection is up", async () => {
    const res = await fetch(`${hub.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      problems: [],
      warnings: [],
      broker: {
        connected: true,
        brokers: [{ id: "orderhub-api", name: "api", state: "connected", inFlight: 0, consumers: [], deadLettersWaiting: 0, topologyDrift: [] }],
      },
      store: { ok: true },
      flows: { running: true },
      // ORDERHUB_SANDBOX is unset: the stand-in systems answer (tests/runtime/sandbox-hub.test.ts)
      sandbox: true,
    });
  });

  it("serves a flow's http-in route under /api", async () => {
    const res = await fetch(`${hub.url}/api/ping`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ pong: true });
  });

  it("serves its own REST routes under /api ahead of the flows", async () => {
    const res = await fetch(`${hub.url}/api/version`);
    expect(await res.json()).toEqual({ name: "orderhub", version: expect.any(String) });
  });

  it("answers a path under /api that nobody serves with a JSON 404 naming the routes there are", async () => {
    const res = await fetch(`${hub.url}/api/no-such-resource`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatch(/^GET \/api\/no-such-resource: no such route \(OrderHub answers POST \/api\/orders, /);
  });

  it("counts each completed message per tab and node on /metrics", async () => {
    await fetch(`${hub.url}/api/ping`);
    const res = await fetch(`${hub.url}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(/orderhub_messages_total\{flow="Ping",node="pong",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/orderhub_messages_total\{flow="Ping",node="http response",outcome="ok"\} [1-9]/);
  });

  it("redirects / to the editor and serves the editor to a loopback client", async () => {
    const root = await fetch(`${hub.url}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/admin");
    const editor = await fetch(`${hub.url}/admin/`);
    expect(editor.status).toBe(200);
    expect(await editor.text()).toContain("<title>OrderHub</title>");
    expect((await fetch(`${hub.url}/admin/flows`)).status).toBe(200);
  });

  it("refuses the editor, the admin API and the editor websocket to a non-loopback client", async (ctx) => {
    const address = remoteAddress();
    if (!address) return ctx.skip();
    const editor = await fetch(`http://${address}:${hub.port}/admin/flows`);
    expect(editor.status).toBe(403);
    expect(await editor.text()).toContain("set ORDERHUB_ADMIN_PASSWORD");
    expect(await upgradeStatus(address, hub.port, "/admin/comms")).toBe(403);
    expect(await upgradeStatus("127.0.0.1", hub.port, "/admin/comms")).toBe(101);
    // no API key is set: /api answers loopback callers only (runtime/api-keys.ts, tests/runtime/api-keys.test.ts)
    expect((await fetch(`http://${address}:${hub.port}/api/ping`)).status).toBe(401);
  });

  it("writes a deploy from the editor back to flows/, one file per tab", async () => {
    const current = (await (await fetch(`${hub.url}/admin/flows`, { headers: { "Node-RED-API-Version": "v2" } })).json()) as {
      flows: object[];
      rev: string;
    };
    const added = [
      { id: "hello.tab", type: "tab", label: "Hello World" },
      { id: "hello.debug", type: "debug", z: "hello.tab", name: "", active: false, x: 100, y: 40, wires: [] },
    ];
    const res = await fetch(`${hub.url}/admin/flows`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Node-RED-API-Version": "v2", "Node-RED-Deployment-Type": "full" },
      body: JSON.stringify({ flows: [...current.flows, ...added], rev: current.rev }),
    });
    expect(res.status).toBe(200);
    expect(readdirSync(hub.flowsDir).sort()).toEqual(["hello-world.json", "ping.json"]);
    const written = JSON.parse(readFileSync(join(hub.flowsDir, "hello-world.json"), "utf8"));
    expect(written).toEqual(added);
    expect(await waitForHealthy(hub.url)).toBe(200);
  });
});
