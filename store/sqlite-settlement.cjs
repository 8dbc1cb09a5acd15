// The writer thread's part for the settlement ledgers (store/sqlite-writer.cjs hands it the messages marked
// `settlement`): each operation is one transaction. A consignment document is written only if the site's ledger still
// has the movements it was checked against, so two reports on one site at the same time cannot both use the same
// stock. Plain JavaScript, as the writer is. The tables are schema step 13.
"use strict";

const { masterStore } = require("./sqlite-master.cjs");

const SQL = {
  movements: `SELECT customer, site, sku, kind, quantity, document, at FROM consignment_movements WHERE customer = ? AND site = ? ORDER BY id`,
  movementCount: `SELECT COUNT(*) FROM consignment_movements WHERE customer = ? AND site = ?`,
  movementKnown: `SELECT 1 FROM consignment_movements WHERE customer = ? AND site = ? AND kind = ? AND document = ? LIMIT 1`,
  movementInsert: `INSERT INTO consignment_movements (customer, site, sku, kind, quantity, document, at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  sitesAll: `SELECT DISTINCT customer, site FROM consignment_movements ORDER BY customer, site`,
  sitesOf: `SELECT DISTINCT customer, site FROM consignment_movements WHERE customer = ? ORDER BY site`,
  countGet: `SELECT * FROM consignment_counts WHERE customer = ? AND site = ? AND document = ?`,
  countInsert: `INSERT INTO consignment_counts (customer, site, document, at, lines, report, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  counts: `SELECT * FROM consignment_counts WHERE customer = ? AND site = ? ORDER BY at, recorded_at`,
  rmaGet: `SELECT * FROM rmas WHERE rma = ?`,
  rmaInsert: `INSERT INTO rmas (rma, order_key, customer, invoice, reason, lines, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  rmasOrder: `SELECT * FROM rmas WHERE order_key = ? ORDER BY created_at, rma`,
  rmaReceived: `UPDATE rmas SET status = 'received' WHERE rma = ? AND status = 'authorised'`,
  noteGet: `SELECT * FROM credit_notes WHERE credit_note_id = ?`,
  noteInsert: `INSERT INTO credit_notes (credit_note_id, rma, receipt, invoice, customer, amount, currency, issued_at, lines, summary, xml, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  notesRma: `SELECT * FROM credit_notes WHERE rma = ? ORDER BY recorded_at`,
  notesCustomer: `SELECT * FROM credit_notes WHERE customer = ? ORDER BY issued_at, recorded_at`,
  docInsert: `INSERT INTO settlement_documents (kind, document, customer, order_key, at, amount, currency, body, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, document) DO NOTHING`,
  allocKnown: `SELECT 1 FROM payments_applied WHERE payment = ? LIMIT 1`,
  allocInsert: `INSERT INTO payments_applied (payment, invoice, customer, amount, currency, at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  allocCustomer: `SELECT * FROM payments_applied WHERE customer = ? ORDER BY at, payment`,
  allocInvoice: `SELECT * FROM payments_applied WHERE invoice = ? ORDER BY at, payment`,
  runInsert: `INSERT INTO reconciliation_runs (date, mismatches, report, recorded_at) VALUES (?, ?, ?, ?)`,
  runGet: `SELECT * FROM reconciliation_runs WHERE id = ?`,
  runBefore: `SELECT * FROM reconciliation_runs WHERE id < ? ORDER BY id DESC LIMIT 1`,
  dunningOf: `SELECT level FROM dunning_notices WHERE invoice = ?`,
  dunningInsert: `INSERT INTO dunning_notices (invoice, level, customer, at, notice, recorded_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (invoice, level) DO NOTHING`,
  linkInsert: `INSERT INTO intercompany_links (order_key, kind, source, side, document, body, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_key, kind, source) DO NOTHING`,
  linkGet: `SELECT * FROM intercompany_links WHERE order_key = ? AND kind = ? AND source = ?`,
  links: `SELECT * FROM intercompany_links WHERE order_key = ? ORDER BY recorded_at, rowid`,
};

const countOf = (r) => r && { customer: r.customer, site: r.site, document: r.document, at: r.at, lines: JSON.parse(r.lines), report: r.report, recordedAt: r.recorded_at };
const rmaOf = (r) => r && { rma: r.rma, orderKey: r.order_key, customer: r.customer, invoice: r.invoice, reason: r.reason, lines: JSON.parse(r.lines), status: r.status, createdAt: r.created_at };
const noteOf = (r) =>
  r && {
    creditNoteId: r.credit_note_id, rma: r.rma, receipt: r.receipt, invoice: r.invoice, customer: r.customer, amount: r.amount, currency: r.currency,
    issuedAt: r.issued_at, lines: JSON.parse(r.lines), summary: r.summary, xml: r.xml, recordedAt: r.recorded_at,
  };
const docOf = (r) => ({
  kind: r.kind, document: r.document, customer: r.customer, ...(r.order_key === null ? {} : { orderKey: r.order_key }), at: r.at,
  ...(r.amount === null ? {} : { amount: r.amount }), ...(r.currency === null ? {} : { currency: r.currency }), body: JSON.parse(r.body), recordedAt: r.recorded_at,
});
const allocOf = (r) => ({ payment: r.payment, invoice: r.invoice, customer: r.customer, amount: r.amount, currency: r.currency, at: r.at, settles: false });
const runOf = (r) => r && { id: r.id, date: r.date, report: JSON.parse(r.report), recordedAt: r.recorded_at };
const linkOf = (r) => r && { orderKey: r.order_key, kind: r.kind, source: r.source, side: r.side, document: r.document, body: JSON.parse(r.body), recordedAt: r.recorded_at };

function settlementStore(db) {
  const s = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]));
  const master = masterStore(db);
  s.movementCount.pluck();
  s.dunningOf.pluck();

  const recordMovements = db.transaction((movements, expected, now) => {
    const first = movements[0];
    if (!first) return { committed: false, result: { outcome: "recorded" } };
    if (s.movementKnown.get(first.customer, first.site, first.kind, first.document)) return { committed: false, result: { outcome: "repeat" } };
    const count = s.movementCount.get(first.customer, first.site);
    if (count !== expected) return { committed: false, result: { outcome: "moved", count } };
    for (const m of movements) s.movementInsert.run(m.customer, m.site, m.sku, m.kind, m.quantity, m.document, m.at, now);
    return { committed: true, result: { outcome: "recorded" } };
  });

  const recordCount = db.transaction((c) => {
    const known = s.countGet.get(c.customer, c.site, c.document);
    if (known) return { committed: false, result: { outcome: "repeat", record: countOf(known) } };
    s.countInsert.run(c.customer, c.site, c.document, c.at, JSON.stringify(c.lines), c.report, c.recordedAt);
    return { committed: true, result: { outcome: "recorded" } };
  });

  const recordRma = db.transaction((r) => {
    const known = s.rmaGet.get(r.rma);
    if (known) return { committed: false, result: { outcome: "exists", record: rmaOf(known) } };
    s.rmaInsert.run(r.rma, r.orderKey, r.customer, r.invoice, r.reason, JSON.stringify(r.lines), r.status, r.createdAt);
    return { committed: true, result: { outcome: "recorded" } };
  });

  const recordCreditNote = db.transaction((n, masterWrites) => {
    const known = s.noteGet.get(n.creditNoteId);
    if (known) return { committed: false, result: { outcome: "exists", record: noteOf(known) } };
    s.noteInsert.run(n.creditNoteId, n.rma, n.receipt, n.invoice, n.customer, n.amount, n.currency, n.issuedAt, JSON.stringify(n.lines), n.summary, n.xml, n.recordedAt);
    s.rmaReceived.run(n.rma);
    // the stock back on hand and the credit, packed on the main thread (store/sqlite-master.ts), in this same transaction
    if (masterWrites && masterWrites.length) master.handle({ master: "write", writes: masterWrites });
    return { committed: true, result: { outcome: "recorded" } };
  });

  const recordAllocations = db.transaction((allocations, now) => {
    if (allocations.length === 0) return { committed: false, result: "recorded" };
    if (s.allocKnown.get(allocations[0].payment)) return { committed: false, result: "repeat" };
    for (const a of allocations) s.allocInsert.run(a.payment, a.invoice, a.customer, a.amount, a.currency, a.at, now);
    return { committed: true, result: "recorded" };
  });

  const recordNotices = db.transaction((notices, now) => {
    const fresh = notices.filter((n) => s.dunningInsert.run(n.invoice, n.level, n.customer, n.at, JSON.stringify(n), now).changes === 1);
    return { committed: fresh.length > 0, result: fresh };
  });

  const recordLinks = db.transaction((links) => {
    const created = [];
    const stored = [];
    for (const l of links) {
      if (s.linkInsert.run(l.orderKey, l.kind, l.source, l.side, l.document, JSON.stringify(l.body), l.recordedAt).changes === 1) created.push(l.document);
      stored.push(linkOf(s.linkGet.get(l.orderKey, l.kind, l.source)));
    }
    return { committed: created.length > 0, result: { created, links: stored } };
  });

  function documents(q) {
    const where = [];
    const args = [];
    if (q.kind) where.push("kind = ?"), args.push(q.kind);
    if (q.customer) where.push("customer = ?"), args.push(q.customer);
    if (q.upTo) where.push("at <= ?"), args.push(q.upTo);
    const sql = `SELECT * FROM settlement_documents${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY at, recorded_at, document`;
    return db.prepare(sql).all(...args).map(docOf);
  }

  function handle(m) {
    const read = (result) => ({ committed: false, result });
    switch (m.settlement) {
      case "movements":
        return read(s.movements.all(m.customer, m.site));
      case "sites":
        return read(m.customer ? s.sitesOf.all(m.customer) : s.sitesAll.all());
      case "recordMovements":
        return recordMovements(m.movements, m.expected, m.now);
      case "recordCount":
        return recordCount(m.count);
      case "counts":
        return read(s.counts.all(m.customer, m.site).map(countOf));
      case "recordRma":
        return recordRma(m.rma);
      case "rma":
        return read(rmaOf(s.rmaGet.get(m.rma)) ?? null);
      case "rmasForOrder":
        return read(s.rmasOrder.all(m.orderKey).map(rmaOf));
      case "recordCreditNote":
        return recordCreditNote(m.note, m.masterWrites);
      case "creditNotes":
        return read((m.query.rma ? s.notesRma.all(m.query.rma) : s.notesCustomer.all(m.query.customer ?? "")).map(noteOf));
      case "recordDocument": {
        const d = m.doc;
        const changes = s.docInsert.run(d.kind, d.document, d.customer, d.orderKey ?? null, d.at, d.amount ?? null, d.currency ?? null, JSON.stringify(d.body ?? {}), d.recordedAt).changes;
        return { committed: changes === 1, result: changes === 1 ? "recorded" : "repeat" };
      }
      case "documents":
        return read(documents(m.query));
      case "recordAllocations":
        return recordAllocations(m.allocations, m.now);
      case "allocations":
        return read(m.query.invoices ? m.query.invoices.flatMap((i) => s.allocInvoice.all(i).map(allocOf)) : s.allocCustomer.all(m.query.customer ?? "").map(allocOf));
      case "saveRun": {
        const id = Number(s.runInsert.run(m.date, m.report.mismatches.length, JSON.stringify(m.report), m.now).lastInsertRowid);
        return { committed: true, result: id };
      }
      case "run":
        return read(runOf(s.runGet.get(m.runId)) ?? null);
      case "previousRun":
        return read(runOf(s.runBefore.get(m.runId)) ?? null);
      case "dunningSent":
        return read(m.invoiceIds.map((i) => [i, s.dunningOf.all(i)]));
      case "recordNotices":
        return recordNotices(m.notices, m.now);
      case "recordLinks":
        return recordLinks(m.links);
      case "links":
        return read(s.links.all(m.orderKey).map(linkOf));
      default:
        throw new Error(`unknown settlement operation "${m.settlement}"`);
    }
  }

  /** Answers a `settlement` message: `{ committed, result }`, or throws (then nothing was written). */
  return { handle };
}

module.exports = { settlementStore };
