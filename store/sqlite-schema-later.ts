/**
 * Schema steps 10 on (store/sqlite-schema.ts applies them after steps 1–9, in this order): planning, production tasks
 * and quotes, invoices, the settlement ledgers and the group as master data. A step, once released, never changes: a
 * change is a new step at the end.
 */
export const LATER_STEPS: readonly string[] = [
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
