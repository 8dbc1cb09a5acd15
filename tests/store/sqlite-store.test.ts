import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import Database from "better-sqlite3";
import { SqliteStore } from "../../store";

let dir: string;
let store: SqliteStore;
const file = () => join(dir, "orderhub.db");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-store-"));
  store = new SqliteStore(file());
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("idempotency keys in SQLite", () => {
  it("answers new, then pending with the first payload, then done once confirmed", async () => {
    const first = await store.claim("order.accepted", "4711/0", "id-1", '{"v":1}', 1000);
    expect(first.outcome).toBe("new");
    const again = await store.claim("order.accepted", "4711/0", "id-2", '{"v":2}', 2000);
    expect(again).toMatchObject({ outcome: "pending", record: { messageId: "id-1", payload: '{"v":1}', createdAt: 1000 } });
    await store.markDone("order.accepted", "4711/0", 3000);
    const dup = await store.claim("order.accepted", "4711/0", "id-3", '{"v":3}', 4000);
    expect(dup).toMatchObject({ outcome: "done", record: { messageId: "id-1", doneAt: 3000, payload: '{"v":1}' } });
  });

  it("keeps the inbound message a key was claimed for, and nothing for a claim without one", async () => {
    await store.claim("s", "with", "id-1", "{}", 1, "inbound-7");
    await store.claim("s", "without", "id-2", "{}", 1);
    expect((await store.claim("s", "with", "x", "{}", 2, "inbound-8")).record.origin).toBe("inbound-7");
    expect((await store.claim("s", "without", "x", "{}", 2)).record.origin).toBeNull();
  });

  it("looks for a key not stored yet under its earlier form too, and inserts nothing when it is found there", async () => {
    await store.claim("s", "PO-1/0", "old-id", '{"buyer":"C-1"}', 1, "in-1");
    await store.markDone("s", "PO-1/0", 2);
    expect(await store.claim("s", "C-1/PO-1/0", "new-id", "{}", 3, "in-2", "PO-1/0")).toMatchObject({ outcome: "done", record: { key: "PO-1/0", messageId: "old-id", origin: "in-1" } });
    // nothing was claimed under the new key
    expect((await store.claim("s", "C-1/PO-1/0", "new-id", "{}", 4, "in-3")).outcome).toBe("new");
    // the key's own record comes first
    expect(await store.claim("s", "C-1/PO-1/0", "x", "{}", 5, "in-4", "PO-1/0")).toMatchObject({ outcome: "pending", record: { key: "C-1/PO-1/0", messageId: "new-id" } });
    // neither stored: the key is claimed
    expect(await store.claim("s", "C-2/PO-2/0", "id-2", "{}", 6, "in-5", "PO-2/0")).toMatchObject({ outcome: "new", record: { key: "C-2/PO-2/0" } });
    expect((await store.claim("s", "C-2/PO-2/0", "x", "{}", 7)).outcome).toBe("pending");
  });

  /** Reopens the store on a file as an earlier version of the schema left it: the first table, then `sql`. */
  async function reopenOnOldFile(sql: string): Promise<void> {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), "orderhub-store-"));
    const old = new Database(file());
    old.exec(`CREATE TABLE idempotency_keys (scope TEXT NOT NULL, key TEXT NOT NULL, message_id TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'done')), payload TEXT NOT NULL, created_at INTEGER NOT NULL,
      done_at INTEGER, PRIMARY KEY (scope, key)); CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
      ${sql}`);
    old.close();
    store = new SqliteStore(file());
  }

  it("opens a file written before origins were kept: its keys stay, without an origin", async () => {
    await reopenOnOldFile(`INSERT INTO idempotency_keys VALUES ('s', '4711/0', 'old-id', 'done', '', 1, 2); PRAGMA user_version = 1;`);
    expect(await store.claim("s", "4711/0", "new-id", "{}", 3, "m")).toMatchObject({ outcome: "done", record: { messageId: "old-id", payload: "", origin: null } });
  });

  it("opens a file written before done marks had a table of their own: done keys stay done, pending ones can be marked", async () => {
    await reopenOnOldFile(`ALTER TABLE idempotency_keys ADD COLUMN origin TEXT;
      INSERT INTO idempotency_keys VALUES ('s', 'shipped/0', 'id-1', 'done', '{}', 1, 2, 'in-1');
      INSERT INTO idempotency_keys VALUES ('s', 'waiting/0', 'id-2', 'pending', '{}', 1, NULL, 'in-2');
      PRAGMA user_version = 2;`);
    expect(await store.claim("s", "shipped/0", "x", "{}", 3)).toMatchObject({ outcome: "done", record: { messageId: "id-1", doneAt: 2 } });
    expect((await store.claim("s", "waiting/0", "x", "{}", 3)).outcome).toBe("pending");
    await store.markDone("s", "waiting/0", 4);
    expect(await store.claim("s", "waiting/0", "x", "{}", 5)).toMatchObject({ outcome: "done", record: { messageId: "id-2", doneAt: 4 } });
  });

  it("keeps the first done time when a key is marked twice", async () => {
    await store.claim("s", "4711/0", "m1", "{}", 1);
    await Promise.all([store.markDone("s", "4711/0", 2), store.markDone("s", "4711/0", 5)]);
    await store.markDone("s", "4711/0", 9);
    expect((await store.claim("s", "4711/0", "m2", "{}", 10)).record.doneAt).toBe(2);
  });

  it("keeps every character of keys and payloads that travel together in one batch, empty ones included", async () => {
    const cases = [
      { key: "Müller/0", payload: '{"buyer":"Schmidt Antriebstechnik — Zweigwerk Nürnberg"}' },
      { key: "東京-4711/1", payload: '{"note":"納期 2026-12-15 😀","emoji":"👷🏽‍♀️"}' },
      { key: "", payload: "" },
      { key: "a\u0000b", payload: JSON.stringify({ x: "\ud83d" }) },
    ];
    await Promise.all(cases.map((c, i) => store.claim("s", c.key, `m${i}`, c.payload, i)));
    const again = await Promise.all(cases.map((c) => store.claim("s", c.key, "other", "{}", 99)));
    expect(again.map((r) => [r.record.key, r.record.payload, r.outcome])).toEqual(cases.map((c) => [c.key, c.payload, "pending"]));
  });

  it("refuses a payload that is not text, alone: the writes beside it still commit", async () => {
    const good = store.claim("s", "good", "m1", "{}", 1);
    const bad = store.claim("s", "bad", "m2", undefined as unknown as string, 1);
    await expect(bad).rejects.toThrow(/must be text \(payload is undefined\)/);
    await expect(good).resolves.toMatchObject({ outcome: "new" });
  });

  it("keeps scopes apart: the same key in two scopes is two effects", async () => {
    expect((await store.claim("order.accepted", "K", "a", "{}", 1)).outcome).toBe("new");
    expect((await store.claim("invoice.issued", "K", "b", "{}", 1)).outcome).toBe("new");
  });

  it("commits writes issued together in one go and answers each caller", async () => {
    const results = await Promise.all(Array.from({ length: 250 }, (_, i) => store.claim("s", `k${i % 200}`, `m${i}`, "{}", i)));
    expect(results.filter((r) => r.outcome === "new")).toHaveLength(200);
    expect(results.filter((r) => r.outcome === "pending")).toHaveLength(50);
  });

  it("survives a reopen: what was committed is there for the next process", async () => {
    await store.claim("s", "kept", "m1", '{"kept":true}', 5);
    await store.close();
    store = new SqliteStore(file());
    expect(await store.claim("s", "kept", "m2", "{}", 6)).toMatchObject({ outcome: "pending", record: { messageId: "m1" } });
  });

  it("commits what is still queued when closed", async () => {
    const claimed = store.claim("s", "late", "m1", "{}", 7);
    await store.close();
    await expect(claimed).resolves.toMatchObject({ outcome: "new" });
    store = new SqliteStore(file());
    expect((await store.claim("s", "late", "m2", "{}", 8)).outcome).toBe("pending");
  });

  it("purges keys older than the retention and says how many", async () => {
    await store.claim("s", "old", "m1", "{}", 100);
    await store.claim("s", "new", "m2", "{}", 900);
    expect(await store.purgeBefore(500)).toBe(1);
    expect((await store.claim("s", "old", "m3", "{}", 1000)).outcome).toBe("new");
  });

  it("purges a key's done mark with it: a new key that SQLite gives the same row starts pending", async () => {
    await store.claim("s", "old", "m1", "{}", 100);
    await store.markDone("s", "old", 101);
    expect(await store.purgeBefore(500)).toBe(1);
    // The table is empty now, so the next key gets the purged key's rowid.
    expect((await store.claim("s", "next", "m2", "{}", 600)).outcome).toBe("new");
    expect((await store.claim("s", "next", "m3", "{}", 601)).outcome).toBe("pending");
  });

  it("purges a chunk of the oldest keys per transaction, and a claim made meanwhile does not wait for the whole purge", async () => {
    await store.close();
    store = new SqliteStore(file(), { purgeChunk: 3 });
    for (let i = 1; i <= 8; i++) await store.claim("s", `old-${i}`, `m${i}`, "{}", i);
    await store.markDone("s", "old-8", 9);
    await store.claim("s", "recent", "m9", "{}", 1000);
    const before = store.commits;
    const finished: string[] = [];
    const purge = store.purgeBefore(500).then((n) => (finished.push("purge"), n));
    const claim = store.claim("s", "meanwhile", "m10", "{}", 1001).then((r) => (finished.push("claim"), r));
    expect(await purge).toBe(8);
    expect((await claim).outcome).toBe("new");
    expect(finished).toEqual(["claim", "purge"]);
    expect(store.commits - before).toBe(3);
    expect((await store.claim("s", "old-8", "x", "{}", 1002)).outcome).toBe("new");
    expect((await store.claim("s", "recent", "x", "{}", 1002)).outcome).toBe("pending");
  });

  it("reports healthy, and refuses writes with a clear error once closed", async () => {
    expect(await store.ping()).toBe(true);
    await store.close();
    await expect(store.claim("s", "k", "m", "{}", 1)).rejects.toThrow(/the store is closed/);
    store = new SqliteStore(file());
  });
});

describe("group commit of done marks", () => {
  // The done marks' short wait runs on setTimeout: faked here, so nothing depends on how fast the machine is.
  beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));
  afterEach(() => void vi.useRealTimers());
  const nextTurn = () => new Promise((r) => setImmediate(r));

  it("lets a done mark wait for the next claim and commits both in one transaction, in the order given", async () => {
    await store.claim("s", "4711/0", "m1", "{}", 1);
    const before = store.commits;
    const done = store.markDone("s", "4711/0", 2);
    await nextTurn();
    const duplicate = store.claim("s", "4711/0", "m2", "{}", 3);
    const next = store.claim("s", "4712/0", "m3", "{}", 3);
    await Promise.all([done, duplicate, next]);
    expect(store.commits - before).toBe(1);
    expect((await duplicate).outcome).toBe("done");
    expect((await next).outcome).toBe("new");
  });

  it("commits a done mark on its own once it has waited, when no claim comes", async () => {
    await store.claim("s", "4711/0", "m1", "{}", 1);
    const done = store.markDone("s", "4711/0", 2);
    await nextTurn();
    vi.advanceTimersByTime(5);
    await done;
    expect((await store.claim("s", "4711/0", "m2", "{}", 3)).outcome).toBe("done");
  });

  it("commits waiting done marks when closed", async () => {
    await store.claim("s", "4711/0", "m1", "{}", 1);
    const done = store.markDone("s", "4711/0", 2);
    await store.close();
    await done;
    store = new SqliteStore(file());
    expect((await store.claim("s", "4711/0", "m2", "{}", 3)).outcome).toBe("done");
  });
});
