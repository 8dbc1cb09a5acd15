import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unauthorizedTotal } from "../../observability/metrics";
import { LOOPBACK_SYSTEM, createApiKey, forgetApiKeys, verifyApiKey } from "../../runtime/api-keys";
import { SqliteStore, setHubStore } from "../../store";
import { ROOT, ensureBuilt } from "../support/build";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { type HubProcess, PING_FLOW, startHubProcess, waitForHealthy } from "./support/hub-process";

// Inbound security: an API key per calling system on /api, loopback only while no key exists, /metrics by its own key.

const CLI = join(ROOT, "dist/cli/main.js");
const METRICS_KEY = "scraper-key-for-tests";

/** An address of this machine that is not loopback, to be a "remote" client of our own hub; undefined if none. */
function remoteAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

/** A flow route that answers with the system the hub admitted the call as (`res.locals.apiSystem`). */
const WHOAMI_FLOW = [
  { id: "who.tab", type: "tab", label: "Who am I" },
  { id: "who.in", type: "http in", z: "who.tab", name: "whoami", url: "/whoami", method: "get", x: 100, y: 60, wires: [["who.fn"]] },
  {
    id: "who.fn", type: "function", z: "who.tab", name: "system",
    func: "msg.payload = { system: msg.res._res.locals.apiSystem ?? null };\nreturn msg;", outputs: 1, x: 260, y: 60, wires: [["who.out"]],
  },
  { id: "who.out", type: "http response", z: "who.tab", name: "", statusCode: "", headers: {}, x: 420, y: 60, wires: [] },
];

// ---------------------------------------------------------------------------------------------------------------------
// verifyApiKey on a real store, in this process: the rule, case by case

describe("verifyApiKey", () => {
  let dir: string;
  let store: SqliteStore;
  let erp: { id: string; key: string };
  const refusals = async (reason: string) => (await unauthorizedTotal.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "orderhub-api-keys-"));
    store = new SqliteStore(join(dir, "orderhub.db"));
    setHubStore(store);
    forgetApiKeys();
  });
  afterAll(async () => {
    setHubStore(undefined);
    forgetApiKeys();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("while no key exists", () => {
    it.each([
      ["IPv4 loopback", "127.0.0.1"],
      ["another 127/8 address", "127.0.0.2"],
      ["IPv6 loopback", "::1"],
      ["IPv4 loopback as IPv6", "::ffff:127.0.0.1"],
    ])("admits a call without a key from %s, as system loopback", async (_case, address) => {
      expect(await verifyApiKey({}, address)).toEqual({ ok: true, system: LOOPBACK_SYSTEM });
    });

    it.each([
      ["a LAN address", "192.0.2.7"],
      ["an IPv6 address", "fd00::9"],
      ["an IPv4-mapped LAN address", "::ffff:10.0.0.1"],
      ["no address at all", undefined],
    ])("refuses a call without a key from %s, saying loopback only, and counts it", async (_case, address) => {
      const before = await refusals("loopback-only");
      const check = await verifyApiKey({}, address);
      expect(check).toMatchObject({ ok: false, status: 401 });
      expect(!check.ok && check.reason).toMatch(/^no API key: no key is set on this hub, so \/api answers loopback callers only .*orderhub keys add <system>$/);
      expect(await refusals("loopback-only")).toBe(before + 1);
    });

    it("still checks a key that a loopback caller gives", async () => {
      const check = await verifyApiKey({ "x-api-key": `ohk_0123456789abcdef_${"A".repeat(43)}` }, "127.0.0.1");
      expect(!check.ok && check.reason).toMatch(/^unknown API key ohk_0123456789abcdef_…/);
    });
  });

  describe("once a key exists", () => {
    beforeAll(async () => {
      const made = await createApiKey(store, "ERP", "SAP production");
      erp = { id: made.id, key: made.key };
      forgetApiKeys();
    });

    it("issues keys as ohk_<16 hex>_<43 characters> and keeps only the hash", async () => {
      expect(erp.key).toMatch(/^ohk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const [row] = await store.apiKeys.listKeys();
      expect(row).toMatchObject({ id: erp.id, system: "ERP", note: "SAP production", revokedAt: null });
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(erp.key.slice(21));
      expect(row.prefix).toBe(erp.key.slice(0, 25));
    });

    it.each([
      ["Authorization: Bearer", () => ({ authorization: `Bearer ${erp.key}` })],
      ["a lower-case bearer", () => ({ authorization: `bearer ${erp.key}` })],
      ["X-Api-Key", () => ({ "x-api-key": erp.key })],
      ["both headers with the same key", () => ({ authorization: `Bearer ${erp.key}`, "x-api-key": erp.key })],
    ])("admits the key given as %s, from anywhere, as its system", async (_case, header) => {
      expect(await verifyApiKey(header(), "192.0.2.7")).toEqual({ ok: true, system: "ERP" });
      expect(await verifyApiKey(header(), "127.0.0.1")).toEqual({ ok: true, system: "ERP" });
    });

    it.each([
      ["no key, from loopback", () => ({}), "127.0.0.1", "no-key", /^no API key: send Authorization: Bearer <key> or X-Api-Key: <key>$/],
      ["Basic credentials instead of a key", () => ({ authorization: "Basic YWRtaW46YWRtaW4=" }), "127.0.0.1", "no-key", /\(Authorization is Basic, not Bearer\)$/],
      ["Bearer and nothing after it", () => ({ authorization: "Bearer " }), "127.0.0.1", "malformed", /^malformed Authorization header: Bearer without a key$/],
      ["two different keys", () => ({ authorization: `Bearer ${erp.key}`, "x-api-key": `${erp.key.slice(0, -1)}x` }), "127.0.0.1", "malformed", /two different keys/],
      ["a key of another shape", () => ({ "x-api-key": "s3cret" }), "127.0.0.1", "malformed", /^malformed API key: expected ohk_<16 hex digits>_<43 characters>/],
      ["a key cut short", () => ({ "x-api-key": erp.key.slice(0, -1) }), "127.0.0.1", "malformed", /^malformed API key/],
      ["an id the hub does not know", () => ({ "x-api-key": `ohk_ffffffffffffffff${erp.key.slice(20)}` }), "127.0.0.1", "unknown-key", /^unknown API key ohk_ffffffffffffffff_…: this hub has no key with that id$/],
      ["the right id with a wrong secret", () => ({ "x-api-key": `${erp.key.slice(0, 21)}${"B".repeat(43)}` }), "192.0.2.7", "wrong-secret", /the secret does not match/],
    ])("refuses %s with the reason, and counts it", async (_case, header, address, label, reason) => {
      const before = await refusals(label);
      const check = await verifyApiKey(header(), address);
      expect(check).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(reason) });
      expect(await refusals(label)).toBe(before + 1);
    });

    it("refuses a revoked key saying when it was revoked, once the change is read; the secret is checked first", async () => {
      const revoked = await store.apiKeys.revokeKey(erp.id, Date.UTC(2026, 0, 2, 3, 4, 5));
      expect(revoked.outcome).toBe("revoked");
      expect((await store.apiKeys.revokeKey(erp.id, Date.now())).outcome).toBe("already-revoked");
      forgetApiKeys();
      const check = await verifyApiKey({ authorization: `Bearer ${erp.key}` }, "127.0.0.1");
      expect(check).toEqual({ ok: false, status: 401, reason: `revoked API key ohk_${erp.id}_… (system ERP): revoked at 2026-01-02T03:04:05.000Z` });
      const guess = await verifyApiKey({ "x-api-key": `${erp.key.slice(0, 21)}${"C".repeat(43)}` }, "127.0.0.1");
      expect(!guess.ok && guess.reason).toMatch(/the secret does not match/);
      // every key revoked: as on a fresh install, loopback without a key is admitted again
      expect(await verifyApiKey({}, "127.0.0.1")).toEqual({ ok: true, system: LOOPBACK_SYSTEM });
    });

    it("refuses a system name that is none", async () => {
      for (const bad of ["", " ", "two words", "-lead", "a/b", "x".repeat(65)]) {
        await expect(createApiKey(store, bad)).rejects.toThrow(/is not a system name/);
      }
    });

    it("keeps the names the hub gives callers without a key of the store to itself: loopback and sandbox", async () => {
      for (const reserved of ["loopback", "sandbox", "Sandbox"]) {
        await expect(createApiKey(store, reserved)).rejects.toThrow(/is reserved/);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// The hub: /api behind the key, /metrics behind its own, keys added and revoked by the CLI while it runs

/**
 * `orderhub keys …` on the hub's data dir, run without blocking this process: a blocked event loop would keep the HTTP
 * client from noticing that the hub closed an idle keep-alive connection, and the next request would be sent on it.
 */
function keysCli(dataDir: string, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return orderhub({ ORDERHUB_DATA_DIR: dataDir }, "keys", ...args);
}

function orderhub(env: Record<string, string>, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ORDERHUB_API_KEY: undefined, ...env } }, (err, stdout, stderr) => {
      done({ status: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("the hub's /api and /metrics", () => {
  let vhost: TestVhost;
  let hub: HubProcess;
  let key = "";
  let keyId = "";
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${hub.url}${path}`, { headers });
  const metrics = async () => (await get("/metrics", { authorization: `Bearer ${METRICS_KEY}` })).text();
  const refused = (text: string, reason: string) => Number(new RegExp(`^orderhub_unauthorized_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);

  beforeAll(async () => {
    ensureBuilt("dist/cli/main.js", "dist/runtime/main.js");
    vhost = createVhost("orderhub-api-keys");
    hub = await startHubProcess({ env: { AMQP_URL: vhost.url, ORDERHUB_METRICS_KEY: METRICS_KEY }, flows: { "ping.json": PING_FLOW, "whoami.json": WHOAMI_FLOW } });
    expect(await waitForHealthy(hub.url)).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await hub?.stop();
    vhost?.drop();
  });

  it("says at start that no key is set and /api answers loopback callers only", () => {
    const line = hub.output().split("\n").find((l) => l.includes("no API key is set"));
    expect(line && JSON.parse(line)).toMatchObject({ level: 40, msg: "no API key is set: /api answers loopback callers only; add one with orderhub keys add <system>" });
  });

  it("without keys: admits loopback calls as system loopback, refuses the same call from another address", async (ctx) => {
    expect(await (await get("/api/whoami")).json()).toEqual({ system: "loopback" });
    expect((await get("/api/ping")).status).toBe(200);
    const address = remoteAddress();
    if (!address) return ctx.skip();
    const before = refused(await metrics(), "loopback-only");
    const remote = await fetch(`http://${address}:${hub.port}/api/ping`);
    expect(remote.status).toBe(401);
    expect(remote.headers.get("www-authenticate")).toBe("Bearer");
    expect(((await remote.json()) as { error: string }).error).toMatch(/^no API key: no key is set on this hub, so \/api answers loopback callers only \(the call came from [0-9.:a-f]+\)/);
    expect(refused(await metrics(), "loopback-only")).toBe(before + 1);
  });

  it("/metrics needs ORDERHUB_METRICS_KEY, as Bearer or X-Api-Key, and counts the refusals", async () => {
    const before = refused(await metrics(), "metrics-key");
    const none = await get("/metrics");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect(((await none.json()) as { error: string }).error).toMatch(/^no key: \/metrics needs the key set in ORDERHUB_METRICS_KEY/);
    const wrong = await get("/metrics", { authorization: "Bearer not-the-key" });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe("wrong key: /metrics needs the key set in ORDERHUB_METRICS_KEY");
    const byHeader = await get("/metrics", { "x-api-key": METRICS_KEY });
    expect(byHeader.status).toBe(200);
    expect(refused(await byHeader.text(), "metrics-key")).toBe(before + 2);
    expect((await get("/health")).status).toBe(200);
  });

  it("once `orderhub keys add` made a key (in another process), every /api call needs one, loopback included", async () => {
    const add = await keysCli(hub.dataDir, "add", "ERP", "--note", "SAP production");
    expect(add.status, add.stderr).toBe(0);
    key = add.stdout.trim();
    expect(key).toMatch(/^ohk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    keyId = key.slice(4, 20);
    expect(add.stderr).toMatch(/cannot be shown again/);
    // the hub reads its keys again within a few seconds
    const first = await until("the hub to refuse a loopback call without a key", async () => {
      const res = await get("/api/ping");
      return res.status === 401 ? res : undefined;
    });
    expect(first.headers.get("www-authenticate")).toBe("Bearer");
    expect(await first.json()).toEqual({ error: "no API key: send Authorization: Bearer <key> or X-Api-Key: <key>" });
  });

  it.each([
    ["without a key", {}, "no-key", /^no API key/],
    ["with a wrong secret", () => ({ authorization: `Bearer ${key.slice(0, 21)}${"A".repeat(43)}` }), "wrong-secret", /^unknown API key ohk_[0-9a-f]{16}_…: the secret does not match/],
    ["with an unknown key", { "x-api-key": `ohk_0123456789abcdef_${"A".repeat(43)}` }, "unknown-key", /^unknown API key ohk_0123456789abcdef_…/],
    ["with a malformed key", { authorization: "Bearer nonsense" }, "malformed", /^malformed API key/],
  ])("answers 401 %s, on OrderHub's routes, the flows' and a path nobody serves, counted by reason", async (_case, headers, label, error) => {
    const h = typeof headers === "function" ? headers() : (headers as Record<string, string>);
    const before = refused(await metrics(), label);
    for (const path of ["/api/approvals", "/api/ping", "/api/no-such-route"]) {
      const res = await get(path, h);
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(error);
    }
    expect(refused(await metrics(), label)).toBe(before + 3);
  });

  it("answers 200 with the key as Bearer or as X-Api-Key, and the routes see the key's system", async () => {
    expect((await get("/api/ping", { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await get("/api/approvals", { "x-api-key": key })).status).toBe(200);
    expect(await (await get("/api/whoami", { "x-api-key": key })).json()).toEqual({ system: "ERP" });
    expect((await get("/api/no-such-route", { authorization: `Bearer ${key}` })).status).toBe(404);
  });

  it("the CLI's commands that call the hub send the key in ORDERHUB_API_KEY", async () => {
    const refusedExport = await orderhub({}, "master", "export", "--url", hub.url);
    expect(refusedExport.status).toBe(1);
    expect(refusedExport.stderr).toMatch(/^orderhub master export: the hub at http:\/\/127\.0\.0\.1:\d+ wants an API key: no API key: .*\(set ORDERHUB_API_KEY\)\n$/);
    const exported = await orderhub({ ORDERHUB_API_KEY: key }, "master", "export", "--url", hub.url);
    expect(exported.status, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toHaveProperty("customers");
  });

  it("keeps GET /api/version open", async () => {
    const res = await get("/api/version");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "orderhub" });
  });

  it("notes the key's last use, which `orderhub keys list` shows without the secret", async () => {
    const listed = await until("keys list to show the key's last use", async () => {
      const list = await keysCli(hub.dataDir, "list", "--json");
      const [row] = JSON.parse(list.stdout) as Array<Record<string, string>>;
      return row?.lastUsed !== "-" ? row : undefined;
    });
    expect(listed).toMatchObject({ id: keyId, system: "ERP", revoked: "-", note: "SAP production" });
    const table = await keysCli(hub.dataDir, "list");
    expect(table.stdout).toContain(keyId);
    expect(table.stdout).not.toContain(key.slice(25));
  });

  it("refuses the key once `orderhub keys revoke` revoked it, saying when", async () => {
    const revoke = await keysCli(hub.dataDir, "revoke", keyId);
    expect(revoke.status, revoke.stderr).toBe(0);
    const res = await until("the hub to refuse the revoked key", async () => {
      const r = await get("/api/ping", { authorization: `Bearer ${key}` });
      return r.status === 401 ? r : undefined;
    });
    expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`^revoked API key ohk_${keyId}_… \\(system ERP\\): revoked at \\d{4}-\\d\\d-\\d\\dT`));
    expect(refused(await metrics(), "revoked-key")).toBeGreaterThanOrEqual(1);
  });
});
