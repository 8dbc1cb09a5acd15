import type Database from "better-sqlite3";

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
  // Step 10. Planning (store/planning-types.ts): BOM lines per parent (a line without a start date has valid_from ''),
  // each item's low-level code as of the last change, engineering change orders with their state, and every change to
  // a BOM with who, when, why and the parent's lines before and after (JSON). planning_state holds the BOM version that
  // each change raises: a change checked against one version (cycles) is committed only if it is still the current one.
  `CREATE TABLE bom_lines (
     parent       TEXT    NOT NULL,
     child        TEXT    NOT NULL,
     valid_from   TEXT    NOT NULL,
     valid_to     TEXT,
     quantity     REAL    NOT NULL,
     loss_rate    REAL,
     substitutes  TEXT,
     PRIMARY KEY (parent, child, valid_from)
   );
   CREATE INDEX bom_lines_child ON bom_lines (child);
   CREATE TABLE bom_items (item TEXT PRIMARY KEY, low_level_code INTEGER NOT NULL);
   CREATE TABLE ecos (
     id           TEXT    PRIMARY KEY,
     body         TEXT    NOT NULL,
     status       TEXT    NOT NULL CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'expired', 'applied')),
     approval_id  TEXT,
     created_at   INTEGER NOT NULL,
     submitted_at INTEGER,
     decided_by   TEXT,
     decided_at   INTEGER,
     comment      TEXT,
     applied_at   INTEGER,
     error        TEXT
   );
   CREATE TABLE bom_history (
     id          INTEGER PRIMARY KEY,
     parent      TEXT    NOT NULL,
     eco_id      TEXT,
     who         TEXT    NOT NULL,
     at          INTEGER NOT NULL,
     why         TEXT    NOT NULL,
     before      TEXT    NOT NULL,
     after       TEXT    NOT NULL
   );
   CREATE INDEX bom_history_parent ON bom_history (parent, id);
   CREATE TABLE planning_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
   INSERT INTO planning_state (name, value) VALUES ('bom_version', 0);`,
  // Step 11. Production tasks and quotes (store/production-types.ts): one row per task (`order_ref` + `line` for a task
  // made to order, both '' for one made to stock), what was issued to it per component, and every quote with the
  // request and the answer it got (JSON). Times in epoch ms; `due` an ISO day or NULL.
  `CREATE TABLE production_tasks (
     id          TEXT    PRIMARY KEY,
     order_key   TEXT    NOT NULL,
     order_ref   TEXT    NOT NULL,
     line        TEXT    NOT NULL,
     item        TEXT    NOT NULL,
     quantity    REAL    NOT NULL,
     due         TEXT,
     status      TEXT    NOT NULL CHECK (status IN ('open', 'released', 'done', 'cancelled')),
     created_at  INTEGER NOT NULL,
     updated_at  INTEGER NOT NULL
   );
   CREATE INDEX production_tasks_order ON production_tasks (order_ref, line);
   CREATE TABLE task_issues (
     task        TEXT    NOT NULL REFERENCES production_tasks (id),
     sku         TEXT    NOT NULL,
     quantity    REAL    NOT NULL,
     PRIMARY KEY (task, sku)
   );
   CREATE TABLE quotes (
     id          TEXT    PRIMARY KEY,
     body        TEXT    NOT NULL,
     answer      TEXT    NOT NULL,
     created_at  INTEGER NOT NULL
   );`,
  // Step 12. Settlement (store/invoice-types.ts): the invoices the hub issued, one row per invoice id, with what each
  // billed per order line (JSON), so that a repeated order.shipped finds its invoice and the next shipment bills only
  // the rest; `summary` is the invoice (JSON), `xml` the UBL 2.1 Invoice sent to finance. Epoch ms; issued_at a day.
  `CREATE TABLE invoices (
     invoice_id     TEXT    PRIMARY KEY,
     order_ref      TEXT    NOT NULL,
     order_key      TEXT    NOT NULL,
     shipment       TEXT    NOT NULL,
     delivery_note  TEXT    NOT NULL,
     lines          TEXT    NOT NULL,
     amount         REAL    NOT NULL,
     currency       TEXT    NOT NULL,
     issued_at      TEXT    NOT NULL,
     recorded_at    INTEGER NOT NULL,
     summary        TEXT    NOT NULL,
     xml            TEXT    NOT NULL
   );
   CREATE INDEX invoices_order ON invoices (order_ref, recorded_at);`,
  // Step 13 (settlement ledgers). store/settlement-types.ts: every consignment movement per customer site and item
  // (a document applied once), the customers' stock counts with their reconciliation, return authorisations and the
  // credit notes of their goods receipts, the documents the three-way match reads (deliveries, invoices, payments from
  // orderhub.events, once per kind and document), each payment's allocation to invoices (payments_applied; the
  // order book's `payments`, step 6, keeps the payment against open items and the orders it released), every
  // reconciliation run's report (JSON), each dunning level sent per invoice, and the inter-company companies and the
  // documents made for each side. Epoch ms; `at` a day.
  `CREATE TABLE consignment_movements (
     id           INTEGER PRIMARY KEY,
     customer     TEXT    NOT NULL,
     site         TEXT    NOT NULL,
     sku          TEXT    NOT NULL,
     kind         TEXT    NOT NULL CHECK (kind IN ('fill-up', 'issue', 'pickup', 'return')),
     quantity     REAL    NOT NULL,
     document     TEXT    NOT NULL,
     at           TEXT    NOT NULL,
     recorded_at  INTEGER NOT NULL,
     UNIQUE (customer, site, kind, document, sku)
   );
   CREATE INDEX consignment_movements_site ON consignment_movements (customer, site, id);
   CREATE TABLE consignment_counts (
     customer     TEXT    NOT NULL,
     site         TEXT    NOT NULL,
     document     TEXT    NOT NULL,
     at           TEXT    NOT NULL,
     lines        TEXT    NOT NULL,
     report       TEXT    NOT NULL,
     recorded_at  INTEGER NOT NULL,
     PRIMARY KEY (customer, site, document)
   );
   CREATE TABLE rmas (
     rma          TEXT    PRIMARY KEY,
     order_key    TEXT    NOT NULL,
     customer     TEXT    NOT NULL,
     invoice      TEXT    NOT NULL,
     reason       TEXT    NOT NULL,
     lines        TEXT    NOT NULL,
     status       TEXT    NOT NULL CHECK (status IN ('authorised', 'received', 'cancelled')),
     created_at   INTEGER NOT NULL
   );
   CREATE INDEX rmas_order ON rmas (order_key);
   CREATE TABLE credit_notes (
     credit_note_id  TEXT    PRIMARY KEY,
     rma             TEXT    NOT NULL,
     receipt         TEXT    NOT NULL,
     invoice         TEXT    NOT NULL,
     customer        TEXT    NOT NULL,
     amount          REAL    NOT NULL,
     currency        TEXT    NOT NULL,
     issued_at       TEXT    NOT NULL,
     lines           TEXT    NOT NULL,
     summary         TEXT    NOT NULL,
     xml             TEXT    NOT NULL,
     recorded_at     INTEGER NOT NULL,
     UNIQUE (rma, receipt)
   );
   CREATE INDEX credit_notes_customer ON credit_notes (customer, issued_at);
   CREATE TABLE settlement_documents (
     kind         TEXT    NOT NULL CHECK (kind IN ('delivery', 'invoice', 'payment')),
     document     TEXT    NOT NULL,
     customer     TEXT    NOT NULL,
     order_key    TEXT,
     at           TEXT    NOT NULL,
     amount       REAL,
     currency     TEXT,
     body         TEXT    NOT NULL,
     recorded_at  INTEGER NOT NULL,
     PRIMARY KEY (kind, document)
   );
   CREATE INDEX settlement_documents_customer ON settlement_documents (customer, kind, at);
   CREATE INDEX settlement_documents_at ON settlement_documents (at);
   CREATE TABLE payments_applied (
     payment      TEXT    NOT NULL,
     invoice      TEXT    NOT NULL,
     customer     TEXT    NOT NULL,
     amount       REAL    NOT NULL,
     currency     TEXT    NOT NULL,
     at           TEXT    NOT NULL,
     recorded_at  INTEGER NOT NULL,
     PRIMARY KEY (payment, invoice)
   );
   CREATE INDEX payments_applied_invoice ON payments_applied (invoice);
   CREATE INDEX payments_applied_customer ON payments_applied (customer, at);
   CREATE TABLE reconciliation_runs (
     id           INTEGER PRIMARY KEY,
     date         TEXT    NOT NULL,
     mismatches   INTEGER NOT NULL,
     report       TEXT    NOT NULL,
     recorded_at  INTEGER NOT NULL
   );
   CREATE TABLE dunning_notices (
     invoice      TEXT    NOT NULL,
     level        TEXT    NOT NULL CHECK (level IN ('reminder', 'second-notice', 'credit-hold')),
     customer     TEXT    NOT NULL,
     at           TEXT    NOT NULL,
     notice       TEXT    NOT NULL,
     recorded_at  INTEGER NOT NULL,
     PRIMARY KEY (invoice, level)
   );
   CREATE TABLE intercompany_companies (id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE intercompany_links (
     order_key    TEXT    NOT NULL,
     kind         TEXT    NOT NULL,
     source       TEXT    NOT NULL,
     side         TEXT    NOT NULL CHECK (side IN ('buyer', 'seller')),
     document     TEXT    NOT NULL,
     body         TEXT    NOT NULL,
     recorded_at  INTEGER NOT NULL,
     PRIMARY KEY (order_key, kind, source)
   );`,
  // Step 14 (the group as master data). The companies of the group and their transfer prices become master data kinds
  // (store/master-kinds.ts: PUT /api/master/companies, /transfer-prices, the ERP's sync); the companies step 13 kept
  // with their prices inside move over, each price sold `from` the company that held it. A price for any buyer is
  // kept with to_company ''.
  `CREATE TABLE master_companies (id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE master_transfer_prices (
     sku          TEXT NOT NULL,
     from_company TEXT NOT NULL,
     to_company   TEXT NOT NULL,
     record       TEXT NOT NULL,
     PRIMARY KEY (sku, from_company, to_company)
   );
   INSERT INTO master_companies (id, record) SELECT id, json_remove(record, '$.transferPrices') FROM intercompany_companies;
   INSERT OR REPLACE INTO master_transfer_prices (sku, from_company, to_company, record)
     SELECT json_extract(p.value, '$.sku'), COALESCE(json_extract(p.value, '$.from'), c.id), COALESCE(json_extract(p.value, '$.to'), ''),
            json_set(p.value, '$.from', COALESCE(json_extract(p.value, '$.from'), c.id))
       FROM intercompany_companies c, json_each(c.record, '$.transferPrices') p
      WHERE json_extract(p.value, '$.sku') IS NOT NULL;
   DROP TABLE intercompany_companies;`,
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
