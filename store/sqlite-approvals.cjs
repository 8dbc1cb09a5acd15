// The writer thread's part for approvals (store/sqlite-writer.cjs hands it the messages marked `approvals`): each
// operation is one transaction, and every change of state is a compare-and-set on the row's state, so that a person's
// decision and a deadline, or two hub processes, never both win. Plain JavaScript, as the writer is.
"use strict";

const COLUMNS = `id, order_key, correlation_id, state, request, context, created_at, sent_at, announced_at, escalate_after_ms,
  reject_after_ms, escalate_to, escalate_at, escalated_at, reject_at, escalation_published_at, decided_at, decided_by,
  comment, published_at`;

/** The event marks, by the name the main thread sends. */
const MARKS = { announced: "announced_at", "escalation-published": "escalation_published_at", published: "published_at" };

const STATES = ["pending", "escalated", "approved", "rejected"];

function approvalStore(db) {
  const select = db.prepare(`SELECT ${COLUMNS} FROM approvals WHERE id = ?`);
  const insert = db.prepare(`INSERT INTO approvals (id, order_key, correlation_id, state, request, context, created_at, escalate_after_ms, reject_after_ms, escalate_to)
                             VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`);
  const markSent = db.prepare(`UPDATE approvals SET sent_at = @at, escalate_at = @at + escalate_after_ms WHERE id = @id AND sent_at IS NULL`);
  const marks = Object.fromEntries(Object.entries(MARKS).map(([name, column]) => [name, db.prepare(`UPDATE approvals SET ${column} = ? WHERE id = ? AND ${column} IS NULL`)]));
  const escalate = db.prepare(`UPDATE approvals SET state = 'escalated', escalated_at = @at, reject_at = @at + reject_after_ms
                               WHERE id = @id AND state = 'pending' AND escalate_at <= @at`);
  const expire = db.prepare(`UPDATE approvals SET state = 'rejected', decided_at = @at, decided_by = @by, comment = @comment
                             WHERE id = @id AND state = 'escalated' AND reject_at <= @at`);
  const decide = db.prepare(`UPDATE approvals SET state = @state, decided_at = @at, decided_by = @by, comment = @comment
                             WHERE id = @id AND state IN ('pending', 'escalated')`);
  const toEscalate = db.prepare(`SELECT id FROM approvals WHERE state = 'pending' AND escalate_at <= ? ORDER BY escalate_at`).pluck();
  const toExpire = db.prepare(`SELECT id FROM approvals WHERE state = 'escalated' AND reject_at <= ? ORDER BY reject_at`).pluck();
  const unpublished = db.prepare(`SELECT ${COLUMNS} FROM approvals
                                  WHERE (escalated_at IS NOT NULL AND escalation_published_at IS NULL)
                                     OR (state IN ('approved', 'rejected') AND published_at IS NULL)
                                  ORDER BY created_at`);
  const next = db.prepare(`SELECT MIN(CASE state WHEN 'pending' THEN escalate_at ELSE reject_at END) FROM approvals
                           WHERE state IN ('pending', 'escalated')`).pluck();
  const byState = db.prepare(`SELECT state, COUNT(*) AS n FROM approvals GROUP BY state`);
  const unsent = db.prepare(`SELECT COUNT(*) FROM approvals WHERE state = 'pending' AND sent_at IS NULL`).pluck();
  const owed = db.prepare(`SELECT COUNT(*) FROM approvals WHERE (escalated_at IS NOT NULL AND escalation_published_at IS NULL)
                             OR (state IN ('approved', 'rejected') AND published_at IS NULL)`).pluck();

  /** Oldest first; the order context is left out of a list (it is the whole order). */
  function list(states, limit) {
    const wanted = states.filter((s) => STATES.includes(s));
    if (wanted.length === 0) return [];
    const listed = COLUMNS.replace("context", "'' AS context");
    return db
      .prepare(`SELECT ${listed} FROM approvals WHERE state IN (${wanted.map(() => "?").join(", ")}) ORDER BY created_at, id LIMIT ?`)
      .all(...wanted, limit);
  }

  /** A state change: the row when this call changed it, else null. */
  const changed = (result, id) => (result.changes === 1 ? select.get(id) : null);

  const operations = {
    create(a) {
      const created = insert.run(a.id, a.orderKey, a.correlationId, a.request, a.context, a.createdAt, a.escalateAfterMs, a.rejectAfterMs, a.escalateTo).changes === 1;
      return { created, row: select.get(a.id) };
    },
    get: (id) => select.get(id) ?? null,
    list,
    markSent(id, at) {
      markSent.run({ at, id });
      return select.get(id) ?? null;
    },
    mark(id, what, at) {
      if (!marks[what]) throw new Error(`no approval mark "${what}"`);
      marks[what].run(at, id);
      return null;
    },
    escalate: (id, at) => changed(escalate.run({ at, id }), id),
    expire: (id, at, by, comment) => changed(expire.run({ at, id, by, comment }), id),
    decide(id, state, by, comment, at) {
      if (state !== "approved" && state !== "rejected") throw new Error(`an approval is decided approved or rejected, not "${state}"`);
      const decided = decide.run({ id, state, at, by, comment }).changes === 1;
      return { decided, row: select.get(id) ?? null };
    },
    due: (at) => ({ escalate: toEscalate.all(at), expire: toExpire.all(at), unpublished: unpublished.all(), next: next.get() ?? null }),
    counts() {
      const states = Object.fromEntries(STATES.map((s) => [s, 0]));
      for (const { state, n } of byState.all()) states[state] = n;
      return { byState: states, unsent: unsent.get(), eventsOwed: owed.get() };
    },
  };
  const reads = new Set(["get", "list", "due", "counts"]);
  const run = db.transaction((op, args) => operations[op](...args));

  return {
    /** Answers an `approvals` message: `{ committed, result }`, or throws (then nothing was written). */
    handle(message) {
      const op = message.approvals;
      if (!Object.hasOwn(operations, op)) throw new Error(`unknown approval operation "${op}"`);
      return { committed: !reads.has(op), result: run(op, message.args ?? []) };
    },
  };
}

module.exports = { approvalStore };
