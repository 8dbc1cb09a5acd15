// The writer thread's part for the order timeline (store/sqlite-writer.cjs hands it the messages marked `timeline`):
// an event's milestones and the order's summary in one transaction, written only if the summary is still at the
// version the main thread computed it from (compare-and-set), so two events of one order never overwrite each other's
// summary. A milestone recorded before (same message id, or same event and document) is never written twice: the
// main thread leaves those out, and the UNIQUE constraints refuse the whole write should one slip through. Plain
// JavaScript, as the writer is. The tables are schema step 8 (store/sqlite-schema.ts).
"use strict";

const SQL = {
  entry: `INSERT INTO order_timeline (order_ref, order_key, order_number, buyer, revision, milestone, event, message_id, system, document, at, recorded_at, detail)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  version: `SELECT version FROM order_progress WHERE order_ref = ?`,
  progress: `INSERT INTO order_progress (order_ref, order_number, buyer, order_key, state, promised_date, delivered, version, updated_at, lines)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (order_ref) DO UPDATE SET order_number = excluded.order_number, buyer = excluded.buyer, order_key = excluded.order_key,
             state = excluded.state, promised_date = excluded.promised_date, delivered = excluded.delivered, version = excluded.version,
             updated_at = excluded.updated_at, lines = excluded.lines`,
  entries: `SELECT * FROM order_timeline WHERE order_ref = ? ORDER BY id`,
  progressRead: `SELECT * FROM order_progress WHERE order_ref = ?`,
  refsByNumber: `SELECT order_ref FROM order_progress WHERE order_number = ? ORDER BY buyer`,
  refsByBuyer: `SELECT order_ref FROM order_progress WHERE order_number = ? AND buyer = ?`,
  byDocument: `SELECT order_ref FROM order_timeline WHERE milestone = ? AND document = ? ORDER BY id LIMIT 1`,
};

class Stale extends Error {}

function entryOf(r) {
  return {
    orderRef: r.order_ref,
    orderKey: r.order_key,
    orderNumber: r.order_number,
    buyer: r.buyer,
    revision: r.revision,
    milestone: r.milestone,
    event: r.event,
    messageId: r.message_id,
    system: r.system,
    document: r.document,
    at: r.at,
    recordedAt: r.recorded_at,
    ...(r.detail === null ? {} : { detail: JSON.parse(r.detail) }),
  };
}

function progressOf(r) {
  return {
    orderRef: r.order_ref,
    orderNumber: r.order_number,
    buyer: r.buyer,
    orderKey: r.order_key,
    state: r.state,
    promisedDate: r.promised_date,
    delivered: r.delivered === 1,
    version: r.version,
    updatedAt: r.updated_at,
    lines: JSON.parse(r.lines),
  };
}

function timelineStore(db) {
  const s = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]));

  const write = db.transaction((w) => {
    const current = s.version.get(w.orderRef);
    if ((current ? current.version : 0) !== w.expectVersion) throw new Stale();
    for (const e of w.entries) {
      const detail = e.detail === undefined ? null : JSON.stringify(e.detail);
      s.entry.run(e.orderRef, e.orderKey, e.orderNumber, e.buyer, e.revision, e.milestone, e.event, e.messageId, e.system, e.document, e.at, w.now, detail);
    }
    const p = w.progress;
    const version = w.expectVersion + w.entries.length;
    s.progress.run(w.orderRef, p.orderNumber, p.buyer, p.orderKey, p.state, p.promisedDate, p.delivered ? 1 : 0, version, w.now, JSON.stringify(p.lines));
    return { outcome: "recorded", version };
  });

  function read(orderRef) {
    const progress = s.progressRead.get(orderRef);
    return { entries: s.entries.all(orderRef).map(entryOf), ...(progress ? { progress: progressOf(progress) } : {}) };
  }

  function list(q) {
    const where = [];
    const args = [];
    if (q.states && q.states.length) {
      where.push(`state IN (${q.states.map(() => "?").join(", ")})`);
      args.push(...q.states);
    }
    if (q.buyer !== undefined) {
      where.push("buyer = ?");
      args.push(q.buyer);
    }
    const late = "(promised_date IS NOT NULL AND promised_date < ? AND delivered = 0 AND state NOT IN ('cancelled', 'rejected', 'closed'))";
    if (q.late === true) {
      where.push(late);
      args.push(q.asOf);
    } else if (q.late === false) {
      where.push(`NOT ${late}`);
      args.push(q.asOf);
    }
    const limit = Math.max(1, Math.min(1000, Number(q.limit) || 100));
    const sql = `SELECT * FROM order_progress${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY updated_at DESC, order_ref LIMIT ${limit}`;
    return db.prepare(sql).all(...args).map(progressOf);
  }

  /** Orders per state, and the late ones as of a day: counted by the indexes, nothing read row by row. */
  function counts(asOf) {
    const byState = Object.fromEntries(db.prepare("SELECT state, COUNT(*) AS n FROM order_progress GROUP BY state").all().map((r) => [r.state, r.n]));
    const late = db
      .prepare("SELECT COUNT(*) AS n FROM order_progress WHERE promised_date IS NOT NULL AND promised_date < ? AND delivered = 0 AND state NOT IN ('cancelled', 'rejected', 'closed')")
      .get(asOf).n;
    return { byState, late };
  }

  function handle(message) {
    switch (message.timeline) {
      case "write":
        try {
          return { committed: true, result: write(message.write) };
        } catch (err) {
          if (err instanceof Stale) return { committed: false, result: { outcome: "stale" } };
          if (err && err.code === "SQLITE_CONSTRAINT_UNIQUE") return { committed: false, result: { outcome: "stale" } };
          throw err;
        }
      case "read":
        return { committed: false, result: read(message.orderRef) };
      case "number": {
        const refs = message.buyer !== undefined ? s.refsByBuyer.all(message.orderNumber, message.buyer) : s.refsByNumber.all(message.orderNumber);
        return { committed: false, result: refs.map((r) => read(r.order_ref)) };
      }
      case "list":
        return { committed: false, result: list(message.query) };
      case "counts":
        return { committed: false, result: counts(message.asOf) };
      case "document": {
        const row = s.byDocument.get(message.milestone, message.document);
        return { committed: false, result: row ? row.order_ref : null };
      }
      default:
        throw new Error(`unknown timeline operation "${message.timeline}"`);
    }
  }

  /** Answers a `timeline` message: `{ committed, result }`, or throws (then nothing was written). */
  return { handle };
}

module.exports = { timelineStore };
