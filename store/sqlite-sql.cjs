// The store's statements, in one place: the writer thread (sqlite-writer.cjs) runs them, and `npm run bench:store` runs
// the same on its calling thread to tell the writer thread's cost from SQLite's. Plain JavaScript, as the writer is.
"use strict";

module.exports = {
  insert: `INSERT INTO idempotency_keys (scope, key, message_id, status, payload, created_at, origin)
           VALUES (?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING`,
  // A key is done when its row says so (marked before schema step 3) or when idempotency_done holds its rowid.
  select: `SELECT k.scope, k.key, k.message_id, CASE WHEN d.id IS NULL THEN k.status ELSE 'done' END AS status, k.payload,
                  k.created_at, COALESCE(d.done_at, k.done_at) AS done_at, k.origin
             FROM idempotency_keys k LEFT JOIN idempotency_done d ON d.id = k.rowid
            WHERE k.scope = ? AND k.key = ?`,
  // The payload stays after the effect is confirmed: a later message with the same key is compared with it, so that
  // another order under the same number is told apart from a repeat (nodes/idempotent). The mark is a row of its own:
  // rowids grow with the claims, so the marks of a commit land on the last page of a small table.
  done: `INSERT INTO idempotency_done (id, done_at)
         SELECT rowid, ? FROM idempotency_keys WHERE scope = ? AND key = ? AND status = 'pending'
         ON CONFLICT (id) DO NOTHING`,
  // A purge goes a chunk of the oldest keys at a time (the limit), each chunk a transaction of its own, so that a
  // large purge never holds the writer, and the claims queued behind it, for long. Marks go with their keys, in the
  // same transaction: SQLite may give a purged key's rowid to a new one.
  purgeMarks: `DELETE FROM idempotency_done WHERE id IN
                 (SELECT rowid FROM idempotency_keys WHERE created_at < ? ORDER BY created_at, rowid LIMIT ?)`,
  purgeKeys: `DELETE FROM idempotency_keys WHERE rowid IN
                (SELECT rowid FROM idempotency_keys WHERE created_at < ? ORDER BY created_at, rowid LIMIT ?)`,
};
