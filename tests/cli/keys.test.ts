import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetApiKeys, verifyApiKey } from "../../runtime/api-keys";
import { SqliteStore, setHubStore } from "../../store";
import { ROOT, ensureBuilt } from "../support/build";

// `orderhub keys add|list|revoke` on the hub's data dir; what it wrote is checked as the hub checks a call.

const CLI = join(ROOT, "dist/cli/main.js");

function orderhub(env: Record<string, string | undefined>, ...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ORDERHUB_DATA_DIR: undefined, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => ensureBuilt("dist/cli/main.js"), 180_000);

describe("orderhub keys", () => {
  let dir: string;
  let dataDir: string;
  const keys = (...args: string[]) => orderhub({ ORDERHUB_DATA_DIR: dataDir }, "keys", ...args);
  let erpKey = "";
  let erpId = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "orderhub-keys-cli-"));
    dataDir = join(dir, "data");
  });
  afterAll(async () => {
    setHubStore(undefined);
    forgetApiKeys();
    rmSync(dir, { recursive: true, force: true });
  });

  it("list and revoke on a data dir without a store say so instead of an empty list (exit 2)", () => {
    const list = keys("list");
    expect(list.status).toBe(2);
    expect(list.stderr).toBe(`orderhub keys list: no store at ${join(dataDir, "orderhub.db")}: point --data-dir or ORDERHUB_DATA_DIR at the hub's data dir\n`);
    expect(keys("revoke", "0123456789abcdef").status).toBe(2);
    expect(existsSync(join(dataDir, "orderhub.db"))).toBe(false);
  });

  it("add prints the key once on stdout and says it cannot be shown again", () => {
    const add = keys("add", "ERP", "--note", "SAP production");
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^ohk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    erpKey = add.stdout.trim();
    erpId = erpKey.slice(4, 20);
    expect(add.stderr).toMatch(new RegExp(`^API key ${erpId} for system ERP: shown this once, it cannot be shown again \\(the hub keeps only its hash\\)`));
    const second = keys("add", "partner-acme");
    expect(second.status).toBe(0);
    expect(second.stdout.trim()).not.toBe(erpKey);
  });

  it.each([
    ["a name with a space", ["add", "two words"], /^orderhub keys add: system "two words" is not a system name/],
    ["an empty name", ["add", ""], /is not a system name/],
    ["no name", ["add"], /missing required argument 'system'/],
    ["an id that is none", ["revoke", "not-an-id"], /^orderhub keys revoke: "not-an-id" is not a key id/],
    ["an id no key has", ["revoke", "ffffffffffffffff"], /^orderhub keys revoke: no key with id ffffffffffffffff in .*orderhub\.db \(keys list shows the ids\)/],
  ])("refuses %s with exit 2", (_case, args, error) => {
    const run = keys(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(error);
  });

  it("list shows every key with id, system, created, last used and revoked, never the secret", () => {
    const list = keys("list");
    expect(list.status).toBe(0);
    const [head, ...rows] = list.stdout.trimEnd().split("\n");
    expect(head.split(/\s{2,}/)).toEqual(["id", "system", "prefix", "created", "last used", "revoked", "note"]);
    expect(rows).toHaveLength(2);
    expect(rows[0].split(/\s{2,}/)).toEqual([erpId, "ERP", erpKey.slice(0, 25), expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), "-", "-", "SAP production"]);
    expect(rows[1]).toMatch(/^[0-9a-f]{16} {2}partner-acme /);
    expect(list.stdout).not.toContain(erpKey.slice(25));
    const json = JSON.parse(keys("list", "--json").stdout) as Array<Record<string, string>>;
    expect(json[0]).toEqual({ id: erpId, system: "ERP", prefix: erpKey.slice(0, 25), created: expect.any(String), lastUsed: "-", revoked: "-", note: "SAP production" });
    expect(JSON.stringify(json)).not.toMatch(/hash|[0-9a-f]{64}/);
  });

  it("a key added is admitted as its system; once revoked it is refused, saying when; revoking again says it was", async () => {
    const store = new SqliteStore(join(dataDir, "orderhub.db"));
    setHubStore(store);
    forgetApiKeys();
    try {
      expect(await verifyApiKey({ authorization: `Bearer ${erpKey}` }, "192.0.2.7")).toEqual({ ok: true, system: "ERP" });

      const revoke = keys("revoke", erpId);
      expect(revoke.status, revoke.stderr).toBe(0);
      const at = /^revoked key ([0-9a-f]{16}) \(system ERP\) at (\S+); a running hub refuses it within a few seconds\n$/.exec(revoke.stdout);
      expect(at?.[1]).toBe(erpId);

      forgetApiKeys();
      const check = await verifyApiKey({ authorization: `Bearer ${erpKey}` }, "127.0.0.1");
      expect(check).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(new RegExp(`^revoked API key ohk_${erpId}_… \\(system ERP\\): revoked at ${at![2].replace("Z", "")}`)) });

      const again = keys("revoke", erpKey);
      expect(again.status).toBe(0);
      expect(again.stdout).toBe(`key ${erpId} (system ERP) was revoked already, at ${at![2]}\n`);
      expect(keys("list").stdout.split("\n")[1]).toContain(at![2]);
      // the other key still counts: a loopback call without a key is refused
      expect(await verifyApiKey({}, "127.0.0.1")).toMatchObject({ ok: false, reason: expect.stringMatching(/^no API key/) });
    } finally {
      setHubStore(undefined);
      await store.close();
    }
  });

  it("--data-dir names the store instead of ORDERHUB_DATA_DIR", () => {
    const other = join(dir, "other");
    const add = orderhub({}, "keys", "add", "OA", "--data-dir", other);
    expect(add.status, add.stderr).toBe(0);
    expect(existsSync(join(other, "orderhub.db"))).toBe(true);
    const list = orderhub({}, "keys", "list", "--json", "--data-dir", other);
    expect((JSON.parse(list.stdout) as Array<{ system: string }>).map((k) => k.system)).toEqual(["OA"]);
  });
});
