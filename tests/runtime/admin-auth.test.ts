import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVhost, type TestVhost } from "../support/rabbit";
import { type HubProcess, startHubProcess } from "./support/hub-process";

const PASSWORD = "s3cret-for-tests";

/** The `ws` client Node-RED itself depends on (the editor's websocket is served with it). */
const WebSocket = createRequire(require.resolve("node-red"))("ws") as new (url: string) => {
  on(event: "open" | "message" | "close" | "error", fn: (...args: never[]) => void): void;
  send(text: string): void;
  close(): void;
};

function requestToken(url: string, username: string, password: string): Promise<Response> {
  return fetch(`${url}/admin/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: "node-red-admin", grant_type: "password", scope: "*", username, password }),
  });
}

/**
 * Opens the editor's websocket (/admin/comms) and sends `first`: a login `{ auth: token }`, answered before anything
 * else is sent (as the editor does), or anything else; then subscribes to the runtime's notifications. Resolves once
 * the server closed the socket or sent `expected` frames.
 */
function comms(port: number, first: object, expected: number): Promise<{ frames: unknown[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/admin/comms`);
    const frames: unknown[] = [];
    const done = (closed: boolean) => {
      if (!closed) ws.close();
      resolve({ frames, closed });
    };
    ws.on("error", reject);
    const subscribe = () => ws.send(JSON.stringify({ subscribe: "notification/#" }));
    ws.on("open", () => {
      ws.send(JSON.stringify(first));
      if (!("auth" in first)) subscribe();
    });
    ws.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { auth?: string };
      frames.push(frame);
      if (frames.length >= expected) done(false);
      else if (frame.auth === "ok") subscribe();
    });
    ws.on("close", () => done(true));
  });
}

describe("the hub with ORDERHUB_ADMIN_PASSWORD (and ORDERHUB_CREDENTIAL_SECRET) set", () => {
  let vhost: TestVhost;
  let hub: HubProcess;
  let token: string;
  beforeAll(async () => {
    vhost = createVhost("orderhub-admin");
    hub = await startHubProcess({ env: { AMQP_URL: vhost.url, ORDERHUB_ADMIN_PASSWORD: PASSWORD, ORDERHUB_CREDENTIAL_SECRET: "a-key-kept-elsewhere" } });
    const res = await requestToken(hub.url, "admin", PASSWORD);
    expect(res.status).toBe(200);
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await hub?.stop();
    vhost?.drop();
  });

  it("refuses the admin API without a token", async () => {
    expect((await fetch(`${hub.url}/admin/flows`)).status).toBe(401);
    expect((await fetch(`${hub.url}/admin/flows`, { headers: { Authorization: "Bearer not-a-token" } })).status).toBe(401);
  });

  it("grants a token to admin with the password, and the token opens the admin API", async () => {
    expect(token).toMatch(/.{20,}/);
    const flows = await fetch(`${hub.url}/admin/flows`, { headers: { Authorization: `Bearer ${token}` } });
    expect(flows.status).toBe(200);
    expect(await flows.json()).toEqual(expect.arrayContaining([expect.objectContaining({ id: "ping.tab", type: "tab" })]));
  });

  it("refuses a wrong password and any other user", async () => {
    expect((await requestToken(hub.url, "admin", `${PASSWORD}x`)).status).toBe(403);
    expect((await requestToken(hub.url, "root", PASSWORD)).status).toBe(403);
  });

  it("closes the editor's websocket on a client that does not log in, or logs in with a token it was not given", async () => {
    expect(await comms(hub.port, { subscribe: "notification/#" }, 2)).toEqual({ frames: [{ auth: "fail" }], closed: true });
    expect(await comms(hub.port, { auth: "not-a-token" }, 2)).toEqual({ frames: [{ auth: "fail" }], closed: true });
  });

  it("lets the editor's websocket in with the token: it is told ok and hears the runtime's notifications", async () => {
    const { frames, closed } = await comms(hub.port, { auth: token }, 2);
    expect(closed).toBe(false);
    expect(frames[0]).toEqual({ auth: "ok" });
    expect(frames[1]).toEqual(expect.arrayContaining([{ topic: "notification/runtime-state", data: { state: "start" } }]));
  });

  it("still serves the editor page itself, which then asks for the login", async () => {
    const res = await fetch(`${hub.url}/admin/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>OrderHub</title>");
  });

  it("encrypts credentials with the given key: no warning, and no generated key kept in the data dir", () => {
    expect(hub.output()).not.toContain("ORDERHUB_CREDENTIAL_SECRET is not set");
    expect(hub.output()).not.toContain("editor open without login");
    const runtimeConfig = join(hub.dataDir, "node-red", ".config.runtime.json");
    expect(existsSync(runtimeConfig) ? JSON.parse(readFileSync(runtimeConfig, "utf8")) : {}).not.toHaveProperty("_credentialSecret");
  });
});
