// The writer thread's part for the order book (store/sqlite-writer.cjs hands it the messages marked `orders`): every
// write is one transaction holding the order's history entries, held orders, releases, a payment and the master data
// that goes with them (reservations, open items), so that a crash leaves all of it or none. Plain JavaScript, as the
// writer is. The tables are schema step 5 (store/sqlite-schema.ts).
"use strict";

const { masterStore } = require("./sqlite-master.cjs");

const SQL = {
  entry: `INSERT INTO order_decisions (order_key, order_number, buyer, revision, event, rule, outcome, at, reasons, detail, by_whom, comment, recorded_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_key, event, rule) DO NOTHING`,
  hold: `INSERT INTO held_orders (order_key, order_number, buyer, revision, customer, amount, currency, held_at, at, event, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'held') ON CONFLICT (order_key) DO NOTHING`,
  release: `UPDATE held_orders SET status = 'released', released_at = ?, released_by = ?, comment = ?, payment = ?, release_event = ?
            WHERE order_key = ? AND status = 'held'`,
  payment: `INSERT INTO payments (payment, customer, amount, invoice, applied_at, releases) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (payment) DO NOTHING`,
  paymentRead: `SELECT payment, customer, amount, invoice, applied_at, releases FROM payments WHERE payment = ?`,
  revisionByDocument: `SELECT revision FROM order_revisions WHERE order_ref = ? AND document = ?`,
  revisionMax: `SELECT MAX(revision) AS top FROM order_revisions WHERE order_ref = ?`,
  stateRevision: `SELECT revision FROM order_states WHERE order_ref = ?`,
  revisionNumbered: `INSERT INTO order_revisions (order_ref, revision, purpose, document, state, recorded_at) VALUES (?, ?, ?, ?, 'received', ?)
                     ON CONFLICT (order_ref, revision) DO NOTHING`,
  revisionDecided: `INSERT INTO order_revisions (order_ref, revision, purpose, order_json, event, state, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (order_ref, revision) DO UPDATE SET purpose = excluded.purpose, order_json = excluded.order_json,
                    event = excluded.event, state = excluded.state, recorded_at = excluded.recorded_at`,
  stateMoved: `INSERT INTO order_states (order_ref, revision, state, updated_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (order_ref) DO UPDATE SET revision = excluded.revision, state = excluded.state, updated_at = excluded.updated_at
               WHERE excluded.revision >= order_states.revision`,
  stateRead: `SELECT * FROM order_states WHERE order_ref = ?`,
  revisionsRead: `SELECT revision, purpose, state, order_json, event, document FROM order_revisions WHERE order_ref = ? ORDER BY revision`,
  picked: `UPDATE order_states SET picked_at = COALESCE(picked_at, ?) WHERE order_ref = ?`,
  historyByKey: `SELECT * FROM order_decisions WHERE order_key = ? ORDER BY id`,
  historyByNumber: `SELECT * FROM order_decisions WHERE order_number = ? ORDER BY id`,
  historyByBuyer: `SELECT * FROM order_decisions WHERE order_number = ? AND buyer = ? ORDER BY id`,
};

/** Refuses the whole transaction with an answer instead of an error. */
class Refused extends Error {
  constructor(answer) {
    super(answer.outcome);
    this.answer = answer;
  }
}

const text = (v) => (v === undefined || v === null ? null : String(v));

function orderStore(db) {
  const s = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]));
  const master = masterStore(db);

  const write = db.transaction((w) => {
    if (w.revision) {
      const r = w.revision;
      s.revisionDecided.run(r.orderRef, r.revision, r.purpose, r.order, r.event, r.state, r.recordedAt);
      s.stateMoved.run(r.orderRef, r.revision, r.state, r.recordedAt);
    }
    if (w.payment) {
      const p = w.payment;
      const inserted = s.payment.run(p.payment, p.customer, p.amount, text(p.invoice), p.appliedAt, JSON.stringify(p.releases)).changes;
      if (inserted === 0) throw new Refused({ outcome: "payment-known" });
    }
    const notHeld = [];
    for (const r of w.releases ?? []) {
      if (s.release.run(r.releasedAt, text(r.by), text(r.comment), text(r.payment), r.event, r.orderKey).changes === 0) notHeld.push(r.orderKey);
    }
    if (notHeld.length) throw new Refused({ outcome: "not-held", orders: notHeld });
    for (const h of w.held ?? []) s.hold.run(h.orderKey, h.orderNumber, h.buyer, h.revision, h.customer, h.amount, h.currency, h.heldAt, h.at, h.event);
    let first = true;
    for (const e of w.decisions ?? []) {
      const detail = e.detail === undefined ? null : JSON.stringify(e.detail);
      const added = s.entry.run(e.orderKey, e.orderNumber, e.buyer, e.revision, e.event, e.rule, e.outcome, e.at, JSON.stringify(e.reasons), detail, text(e.by), text(e.comment), e.recordedAt).changes;
      // a write made once per event (moved reservations are no upsert to repeat): recorded before, so nothing now
      if (first && w.once && added === 0) throw new Refused({ outcome: "recorded" });
      first = false;
    }
    // the master data writes, packed on the main thread (store/sqlite-master.ts), in this same transaction
    if (w.master && w.master.length) master.handle({ master: "write", writes: w.master });
    return { outcome: "done" };
  });

  function heldOrders(q) {
    const where = [];
    const args = [];
    for (const [column, value] of [["order_key", q.orderKey], ["order_number", q.orderNumber], ["buyer", q.buyer], ["customer", q.customer], ["payment", q.payment]]) {
      if (value !== undefined) {
        where.push(`${column} = ?`);
        args.push(value);
      }
    }
    const status = q.status ?? "held";
    if (status !== "any") {
      where.push("status = ?");
      args.push(status);
    }
    const sql = `SELECT * FROM held_orders${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY held_at, order_key`;
    return db.prepare(sql).all(...args).map((r) => ({
      orderKey: r.order_key,
      orderNumber: r.order_number,
      buyer: r.buyer,
      revision: r.revision,
      customer: r.customer,
      amount: r.amount,
      currency: r.currency,
      heldAt: r.held_at,
      at: r.at,
      event: r.event,
      status: r.status,
      releasedAt: r.released_at,
      releasedBy: r.released_by,
      comment: r.comment,
      payment: r.payment,
      releaseEvent: r.release_event,
    }));
  }

  function history(q) {
    const rows = q.orderKey !== undefined ? s.historyByKey.all(q.orderKey) : q.buyer !== undefined ? s.historyByBuyer.all(q.orderNumber, q.buyer) : s.historyByNumber.all(q.orderNumber);
    return rows.map((r) => ({
      orderKey: r.order_key,
      orderNumber: r.order_number,
      buyer: r.buyer,
      revision: r.revision,
      event: r.event,
      rule: r.rule,
      outcome: r.outcome,
      at: r.at,
      reasons: JSON.parse(r.reasons),
      ...(r.detail === null ? {} : { detail: JSON.parse(r.detail) }),
      ...(r.by_whom === null ? {} : { by: r.by_whom }),
      ...(r.comment === null ? {} : { comment: r.comment }),
      recordedAt: r.recorded_at,
    }));
  }

  const assign = db.transaction((orderRef, document, purpose, now) => {
    const known = s.revisionByDocument.get(orderRef, document);
    if (known) return known.revision;
    const top = s.revisionMax.get(orderRef).top;
    const current = s.stateRevision.get(orderRef);
    const highest = Math.max(top ?? -1, current ? current.revision : -1, 0);
    s.revisionNumbered.run(orderRef, highest + 1, purpose, document, now);
    return highest + 1;
  });

  function orderState(orderRef) {
    const st = s.stateRead.get(orderRef);
    const revisions = s.revisionsRead.all(orderRef).map((r) => ({
      revision: r.revision,
      purpose: r.purpose,
      state: r.state,
      ...(r.order_json === null ? {} : { order: r.order_json }),
      ...(r.event === null ? {} : { event: r.event }),
      ...(r.document === null ? {} : { document: r.document }),
    }));
    if (!st && revisions.length === 0) return null;
    return {
      orderRef,
      revision: st ? st.revision : -1,
      state: st ? st.state : "received",
      ...(st && st.picked_at !== null ? { pickedAt: st.picked_at } : {}),
      revisions,
    };
  }

  function payment(id) {
    const r = s.paymentRead.get(id);
    if (!r) return null;
    return { payment: r.payment, customer: r.customer, amount: r.amount, ...(r.invoice === null ? {} : { invoice: r.invoice }), appliedAt: r.applied_at, releases: JSON.parse(r.releases) };
  }

  function handle(message) {
    switch (message.orders) {
      case "write":
        try {
          return { committed: true, result: write(message.write) };
        } catch (err) {
          if (err instanceof Refused) return { committed: false, result: err.answer };
          throw err;
        }
      case "history":
        return { committed: false, result: history(message.query) };
      case "held":
        return { committed: false, result: heldOrders(message.query) };
      case "payment":
        return { committed: false, result: payment(message.payment) };
      case "assign":
        return { committed: true, result: assign(message.orderRef, message.document, message.purpose, message.now) };
      case "state":
        return { committed: false, result: orderState(message.orderRef) };
      case "picked":
        return { committed: true, result: s.picked.run(message.now, message.orderRef).changes > 0 };
      default:
        throw new Error(`unknown order book operation "${message.orders}"`);
    }
  }

  /** Answers an `orders` message: `{ committed, result }`, or throws (then nothing was written). */
  return { handle };
}

module.exports = { orderStore };
