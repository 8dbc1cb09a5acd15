// The store's statements, in one place: the writer thread (sqlite-writer.cjs) runs them, and `npm run bench:store` runs
// the same on its calling thread to tell the writer thread's cost from SQLite's. Plain JavaScript, as the writer is.
"use strict";

/**
 * Master data: each kind's table and its key columns, in the order of the kind's key fields (store/master-kinds.ts),
 * which the main thread sends the values in. Every record is kept whole as JSON in `record`.
 */
const masterTables = {
  customers: { table: "master_customers", keys: ["id"] },
  items: { table: "master_items", keys: ["sku"] },
  priceLists: { table: "master_price_lists", keys: ["id"] },
  promotions: { table: "master_promotions", keys: ["id"] },
  warehouses: { table: "master_warehouses", keys: ["id"] },
  supply: { table: "master_supply", keys: ["sku", "warehouse", "supply_type", "supply_date"] },
  reservations: { table: "master_reservations", keys: ["order_ref", "sku", "warehouse"] },
  openItems: { table: "master_open_items", keys: ["customer", "document"] },
  companies: { table: "master_companies", keys: ["id"] },
  transferPrices: { table: "master_transfer_prices", keys: ["sku", "from_company", "to_company"] },
};

/** One kind's statements. Plain SQL that PostgreSQL takes as it is (ON CONFLICT … DO UPDATE, no rowid). */
function masterStatements(kind) {
  const { table, keys } = masterTables[kind];
  const columns = keys.join(", ");
  return {
    upsert: `INSERT INTO ${table} (${columns}, record) VALUES (${keys.map(() => "?").join(", ")}, ?)
             ON CONFLICT (${columns}) DO UPDATE SET record = excluded.record`,
    remove: `DELETE FROM ${table} WHERE ${keys.map((k) => `${k} = ?`).join(" AND ")}`,
    clear: `DELETE FROM ${table}`,
    count: `SELECT COUNT(*) FROM ${table}`,
    // by key, so that a read gives the same order on every store
    all: `SELECT record FROM ${table} ORDER BY ${columns}`,
  };
}

module.exports = {
  masterTables,
  masterStatements,
  // The settings are one JSON object, kept in the one row named 'settings'.
  masterSettingsWrite: `INSERT INTO master_settings (name, record) VALUES ('settings', ?)
                        ON CONFLICT (name) DO UPDATE SET record = excluded.record`,
  masterSettingsRead: `SELECT record FROM master_settings WHERE name = 'settings'`,
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
