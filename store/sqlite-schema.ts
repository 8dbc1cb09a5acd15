import type Database from "better-sqlite3";
import { LATER_STEPS } from "./sqlite-schema-later";

/** Schema steps, applied in order; PRAGMA user_version remembers how far a database file has come. */
export const MIGRATIONS: string[] = [
  `CREATE TABLE idempotency_keys (
     scope       TEXT    NOT NULL,
     key         TEXT    NOT NULL,
     message_id  TEXT    NOT NULL,
     status      TEXT    NOT NULL CHECK (status IN ('pending', 'done')),
     payload     TEXT    NOT NULL,
     created_at  INTEGER NOT NULL,
     done_at     INTEGER,
     PRIMARY KEY (scope, key)
   );
   CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);`,
  // The inbound message a key was first claimed for: its own redelivery is told apart from another message.
  `ALTER TABLE idempotency_keys ADD COLUMN origin TEXT;`,
  // Done marks in a table of their own, by the key's rowid: a mark appends a small row instead of rewriting the page
  // that holds the key's payload: a fifth fewer WAL writes per commit (docs/BENCHMARKS.md). Rows marked done before
  // this step keep status 'done'; the writer deletes a key's mark with the key, so a rowid used again starts unmarked.
  `CREATE TABLE idempotency_done (
     id       INTEGER PRIMARY KEY,
     done_at  INTEGER NOT NULL
   );`,
  // Step 4. Master data (mappings/master-data.schema.json): a table per kind, each record as JSON beside its key
  // columns. The rules read it from memory (runtime/master-data.ts); the tables are what a restart loads that from. An
  // absent key part (a supply record without a date) is stored as ''.
  `CREATE TABLE master_customers (id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE master_items (sku TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE master_price_lists (id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE master_promotions (id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE master_warehouses (id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE master_supply (
     sku TEXT NOT NULL, warehouse TEXT NOT NULL, supply_type TEXT NOT NULL, supply_date TEXT NOT NULL, record TEXT NOT NULL,
     PRIMARY KEY (sku, warehouse, supply_type, supply_date)
   );
   CREATE TABLE master_reservations (
     order_ref TEXT NOT NULL, sku TEXT NOT NULL, warehouse TEXT NOT NULL, record TEXT NOT NULL,
     PRIMARY KEY (order_ref, sku, warehouse)
   );
   CREATE TABLE master_open_items (
     customer TEXT NOT NULL, document TEXT NOT NULL, record TEXT NOT NULL,
     PRIMARY KEY (customer, document)
   );
   CREATE TABLE master_settings (name TEXT PRIMARY KEY, record TEXT NOT NULL);`,
  // Step 5. Approvals (store/approval-store.ts): an order that needs approval waits here, not on a queue. Its state
  // changes by compare-and-set; each event the hub owes for it is marked once confirmed, so a restart finds what is
  // still owed. Times in epoch ms.
  `CREATE TABLE approvals (
     id                       TEXT    PRIMARY KEY,
     order_key                TEXT    NOT NULL,
     correlation_id           TEXT    NOT NULL,
     state                    TEXT    NOT NULL CHECK (state IN ('pending', 'escalated', 'approved', 'rejected')),
     request                  TEXT    NOT NULL,
     context                  TEXT    NOT NULL,
     created_at               INTEGER NOT NULL,
     sent_at                  INTEGER,
     announced_at             INTEGER,
     escalate_after_ms        INTEGER NOT NULL,
     reject_after_ms          INTEGER NOT NULL,
     escalate_to              TEXT,
     escalate_at              INTEGER,
     escalated_at             INTEGER,
     reject_at                INTEGER,
     escalation_published_at  INTEGER,
     decided_at               INTEGER,
     decided_by               TEXT,
     comment                  TEXT,
     published_at             INTEGER
   );
   CREATE INDEX approvals_state ON approvals (state, created_at);
   CREATE INDEX approvals_order ON approvals (order_key);
   CREATE INDEX approvals_owed ON approvals (created_at)
     WHERE (escalated_at IS NOT NULL AND escalation_published_at IS NULL) OR (state IN ('approved', 'rejected') AND published_at IS NULL);`,
  // Step 6. The order book (store/order-book.ts): every decision per order for the timeline (an entry written again for
  // the same event and rule is one entry), the orders held for credit until a payment or a credit controller lets
  // them go (the first release wins: status compare-and-set), and each payment applied once. Times in epoch ms.
  `CREATE TABLE order_decisions (
     id            INTEGER PRIMARY KEY,
     order_key     TEXT    NOT NULL,
     order_number  TEXT    NOT NULL,
     buyer         TEXT    NOT NULL,
     revision      INTEGER NOT NULL,
     event         TEXT    NOT NULL,
     rule          TEXT    NOT NULL,
     outcome       TEXT    NOT NULL,
     at            TEXT    NOT NULL,
     reasons       TEXT    NOT NULL,
     detail        TEXT,
     by_whom       TEXT,
     comment       TEXT,
     recorded_at   INTEGER NOT NULL,
     UNIQUE (order_key, event, rule)
   );
   CREATE INDEX order_decisions_number ON order_decisions (order_number, buyer);
   CREATE TABLE held_orders (
     order_key      TEXT    PRIMARY KEY,
     order_number   TEXT    NOT NULL,
     buyer          TEXT    NOT NULL,
     revision       INTEGER NOT NULL,
     customer       TEXT    NOT NULL,
     amount         REAL    NOT NULL,
     currency       TEXT    NOT NULL,
     held_at        INTEGER NOT NULL,
     at             TEXT    NOT NULL,
     event          TEXT    NOT NULL,
     status         TEXT    NOT NULL CHECK (status IN ('held', 'released')),
     released_at    INTEGER,
     released_by    TEXT,
     comment        TEXT,
     payment        TEXT,
     release_event  TEXT
   );
   CREATE INDEX held_orders_customer ON held_orders (customer, status, held_at);
   CREATE INDEX held_orders_number ON held_orders (order_number, buyer);
   CREATE TABLE payments (
     payment     TEXT    PRIMARY KEY,
     customer    TEXT    NOT NULL,
     amount      REAL    NOT NULL,
     invoice     TEXT,
     applied_at  INTEGER NOT NULL,
     releases    TEXT    NOT NULL
   );`,
  // Step 7. Order revisions (store/order-types.ts, OrderRevisionState): each order (buyer + number, `order_ref`) with
  // its revisions as decided (the canonical order and the decision event of each) and its current state, and the
  // revisions the intake numbered for changes that gave none (one per document: a redelivery gets the same number).
  `CREATE TABLE order_revisions (
     order_ref    TEXT    NOT NULL,
     revision     INTEGER NOT NULL,
     purpose      TEXT    NOT NULL,
     document     TEXT,
     order_json   TEXT,
     event        TEXT,
     state        TEXT    NOT NULL,
     recorded_at  INTEGER NOT NULL,
     PRIMARY KEY (order_ref, revision)
   );
   CREATE INDEX order_revisions_document ON order_revisions (order_ref, document);
   CREATE TABLE order_states (
     order_ref    TEXT    PRIMARY KEY,
     revision     INTEGER NOT NULL,
     state        TEXT    NOT NULL,
     picked_at    INTEGER,
     updated_at   INTEGER NOT NULL
   );`,
  // Step 8. The order timeline (store/timeline.ts, domain/order/timeline.ts): every milestone of every order once (the
  // same message id, or the same event and document, is one milestone), read from the events on orderhub.events, and
  // a summary row per order (`<buyer>/<number>`) for the list queries; `version` counts the order's entries, so that
  // two events of one order never overwrite each other's summary (compare-and-set). Times in epoch ms, `at` ISO 8601.
  `CREATE TABLE order_timeline (
     id            INTEGER PRIMARY KEY,
     order_ref     TEXT    NOT NULL,
     order_key     TEXT    NOT NULL,
     order_number  TEXT    NOT NULL,
     buyer         TEXT    NOT NULL,
     revision      INTEGER,
     milestone     TEXT    NOT NULL,
     event         TEXT    NOT NULL,
     message_id    TEXT    NOT NULL,
     system        TEXT    NOT NULL,
     document      TEXT    NOT NULL,
     at            TEXT    NOT NULL,
     recorded_at   INTEGER NOT NULL,
     detail        TEXT,
     UNIQUE (order_ref, event, document, milestone),
     UNIQUE (message_id, milestone)
   );
   CREATE INDEX order_timeline_ref ON order_timeline (order_ref, id);
   CREATE INDEX order_timeline_document ON order_timeline (milestone, document);
   CREATE TABLE order_progress (
     order_ref      TEXT    PRIMARY KEY,
     order_number   TEXT    NOT NULL,
     buyer          TEXT    NOT NULL,
     order_key      TEXT    NOT NULL,
     state          TEXT    NOT NULL,
     promised_date  TEXT,
     delivered      INTEGER NOT NULL DEFAULT 0,
     version        INTEGER NOT NULL,
     updated_at     INTEGER NOT NULL,
     lines          TEXT    NOT NULL
   );
   CREATE INDEX order_progress_state ON order_progress (state);
   CREATE INDEX order_progress_promised ON order_progress (promised_date);
   CREATE INDEX order_progress_number ON order_progress (order_number, buyer);`,
  // Step 9. API keys (store/api-key-store.ts, runtime/api-keys.ts): one row per key a calling system uses on /api; the
  // secret only as its SHA-256 (hex). A revoked key stays, so a call with it is answered "revoked at …". Epoch ms.
  `CREATE TABLE api_keys (
     id            TEXT    PRIMARY KEY,
     system        TEXT    NOT NULL,
     prefix        TEXT    NOT NULL,
     hash          TEXT    NOT NULL,
     note          TEXT,
     created_at    INTEGER NOT NULL,
     revoked_at    INTEGER,
     last_used_at  INTEGER
   );`,
  ...LATER_STEPS,
];

/** WAL, and synchronous=NORMAL: a killed process loses nothing committed; a power cut may lose the last commits. */
export function configure(db: Database.Database): void {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
}

export function migrate(db: Database.Database): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  for (let step = version; step < MIGRATIONS.length; step++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[step]);
      db.pragma(`user_version = ${step + 1}`);
    })();
  }
}
