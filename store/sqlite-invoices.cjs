// The writer thread's part for invoices (store/sqlite-writer.cjs hands it the messages marked `invoices`): recording an
// invoice is one transaction that first counts the order's invoices, so two shipments of one order invoiced at the
// same time cannot both bill the same rest. Plain JavaScript, as the writer is. The table is schema step 12.
"use strict";

const SQL = {
  insert: `INSERT INTO invoices (invoice_id, order_ref, order_key, shipment, delivery_note, lines, amount, currency, issued_at, recorded_at, summary, xml)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  get: `SELECT * FROM invoices WHERE invoice_id = ?`,
  count: `SELECT COUNT(*) FROM invoices WHERE order_ref = ?`,
  forOrder: `SELECT * FROM invoices WHERE order_ref = ? ORDER BY recorded_at, rowid`,
  payments: `SELECT payment, invoice, amount, customer, applied_at FROM payments WHERE invoice = ? ORDER BY applied_at, payment`,
};

const recordOf = (r) =>
  r && {
    invoiceId: r.invoice_id,
    orderRef: r.order_ref,
    orderKey: r.order_key,
    shipment: r.shipment,
    deliveryNote: r.delivery_note,
    lines: JSON.parse(r.lines),
    amount: r.amount,
    currency: r.currency,
    issuedAt: r.issued_at,
    recordedAt: r.recorded_at,
    summary: r.summary,
    xml: r.xml,
  };

function invoiceStore(db) {
  const s = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]));
  s.count.pluck();

  const record = db.transaction((i, expected) => {
    const existing = s.get.get(i.invoiceId);
    if (existing) return { committed: false, result: { outcome: "exists", record: recordOf(existing) } };
    const count = s.count.get(i.orderRef);
    if (count !== expected) return { committed: false, result: { outcome: "moved", invoices: count } };
    s.insert.run(i.invoiceId, i.orderRef, i.orderKey, i.shipment, i.deliveryNote, JSON.stringify(i.lines), i.amount, i.currency, i.issuedAt, i.recordedAt, i.summary, i.xml);
    return { committed: true, result: { outcome: "recorded" } };
  });

  function handle(message) {
    switch (message.invoices) {
      case "record":
        return record(message.invoice, message.expected);
      case "get":
        return { committed: false, result: recordOf(s.get.get(message.invoiceId)) ?? null };
      case "order":
        return { committed: false, result: s.forOrder.all(message.orderRef).map(recordOf) };
      case "payments":
        return {
          committed: false,
          result: message.invoiceIds.flatMap((id) => s.payments.all(id).map((p) => ({ payment: p.payment, invoice: p.invoice, amount: p.amount, customer: p.customer, appliedAt: p.applied_at }))),
        };
      default:
        throw new Error(`unknown invoice operation "${message.invoices}"`);
    }
  }

  /** Answers an `invoices` message: `{ committed, result }`, or throws (then nothing was written). */
  return { handle };
}

module.exports = { invoiceStore };
