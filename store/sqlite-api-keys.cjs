// The writer thread's part for API keys (store/sqlite-writer.cjs hands it the messages marked `apiKeys`): one
// operation per transaction. Plain JavaScript, as the writer is. The table is schema step 9 (store/sqlite-schema.ts).
"use strict";

const SQL = {
  add: `INSERT INTO api_keys (id, system, prefix, hash, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  list: `SELECT * FROM api_keys ORDER BY created_at, id`,
  read: `SELECT * FROM api_keys WHERE id = ?`,
  revoke: `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
  touch: `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
};

function toKey(r) {
  return {
    id: r.id,
    system: r.system,
    prefix: r.prefix,
    hash: r.hash,
    note: r.note,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

function apiKeyStore(db) {
  const s = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]));

  const revoke = db.transaction((id, now) => {
    const before = s.read.get(id);
    if (!before) return { outcome: "unknown" };
    if (before.revoked_at !== null) return { outcome: "already-revoked", key: toKey(before) };
    s.revoke.run(now, id);
    return { outcome: "revoked", key: toKey(s.read.get(id)) };
  });

  function handle(message) {
    switch (message.apiKeys) {
      case "add": {
        const k = message.key;
        s.add.run(k.id, k.system, k.prefix, k.hash, k.note ?? null, k.createdAt);
        return { committed: true, result: null };
      }
      case "list":
        return { committed: false, result: s.list.all().map(toKey) };
      case "revoke":
        return { committed: true, result: revoke(message.keyId, message.now) };
      case "touch":
        s.touch.run(message.now, message.keyId, message.now);
        return { committed: true, result: null };
      default:
        throw new Error(`unknown API key operation "${message.apiKeys}"`);
    }
  }

  /** Answers an `apiKeys` message: `{ committed, result }`, or throws (then nothing was written). */
  return { handle };
}

module.exports = { apiKeyStore };
