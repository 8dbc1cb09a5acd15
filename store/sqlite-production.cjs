// The writer thread's part for production tasks and quotes (store/sqlite-writer.cjs hands it the messages marked
// `production`): schema step 11. Creating a batch of tasks, changing tasks and issuing to a task are one transaction
// each. Plain JavaScript, as the writer is.
"use strict";

const SQL = {
  insert: `INSERT INTO production_tasks (id, order_key, order_ref, line, item, quantity, due, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  update: `UPDATE production_tasks SET order_key = ?, item = ?, quantity = ?, due = ?, status = ?, updated_at = ? WHERE id = ?`,
  exists: `SELECT 1 FROM production_tasks WHERE id = ?`,
  issue: `INSERT INTO task_issues (task, sku, quantity) VALUES (?, ?, ?)
          ON CONFLICT (task, sku) DO UPDATE SET quantity = quantity + excluded.quantity`,
  touch: `UPDATE production_tasks SET updated_at = ? WHERE id = ?`,
  issuesOf: `SELECT sku, quantity FROM task_issues WHERE task = ? ORDER BY sku`,
  quoteSave: `INSERT INTO quotes (id, body, answer, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  quoteGet: `SELECT id, body, answer, created_at FROM quotes WHERE id = ?`,
};

const placeholders = (n) => Array.from({ length: n }, () => "?").join(", ");

function productionStore(db) {
  const s = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]));

  const taskOf = (r) => {
    const issued = {};
    for (const i of s.issuesOf.all(r.id)) issued[i.sku] = i.quantity;
    return {
      id: r.id,
      orderKey: r.order_key,
      orderRef: r.order_ref,
      line: r.line,
      item: r.item,
      quantity: r.quantity,
      due: r.due,
      status: r.status,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      issued,
    };
  };

  const create = db.transaction((tasks, now) => {
    const inserted = [];
    for (const t of tasks) {
      if (s.insert.run(t.id, t.orderKey, t.orderRef, t.line, t.item, t.quantity, t.due, t.status, now, now).changes === 1) inserted.push(t.id);
    }
    return inserted;
  });

  const update = db.transaction((tasks, now) => {
    let n = 0;
    for (const t of tasks) n += s.update.run(t.orderKey, t.item, t.quantity, t.due, t.status, now, t.id).changes;
    return n;
  });

  const issue = db.transaction((task, quantities, now) => {
    if (!s.exists.get(task)) return false;
    for (const [sku, q] of Object.entries(quantities)) s.issue.run(task, sku, q);
    s.touch.run(now, task);
    return true;
  });

  function query(q) {
    const where = [];
    const args = [];
    if (q.orderRef !== undefined) {
      where.push("order_ref = ?");
      args.push(q.orderRef);
    }
    if (q.ids) {
      if (q.ids.length === 0) return [];
      where.push(`id IN (${placeholders(q.ids.length)})`);
      args.push(...q.ids);
    }
    if (q.status && q.status.length) {
      where.push(`status IN (${placeholders(q.status.length)})`);
      args.push(...q.status);
    }
    const limit = Math.max(1, Math.min(10000, q.limit ?? 1000));
    const sql = `SELECT * FROM production_tasks ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, rowid LIMIT ${limit}`;
    return db.prepare(sql).all(...args).map(taskOf);
  }

  function handle(message) {
    switch (message.production) {
      case "create":
        return { committed: true, result: create(message.tasks, message.now) };
      case "update":
        return { committed: true, result: update(message.tasks, message.now) };
      case "issue":
        return { committed: true, result: issue(message.task, message.quantities, message.now) };
      case "tasks":
        return { committed: false, result: query(message.query ?? {}) };
      case "quote-save": {
        const q = message.quote;
        s.quoteSave.run(q.id, q.body, q.answer, q.createdAt);
        return { committed: true, result: null };
      }
      case "quote-get": {
        const r = s.quoteGet.get(message.quoteId);
        return { committed: false, result: r ? { id: r.id, body: r.body, answer: r.answer, createdAt: r.created_at } : null };
      }
      default:
        throw new Error(`unknown production operation "${message.production}"`);
    }
  }

  /** Answers a `production` message: `{ committed, result }`, or throws (then nothing was written). */
  return { handle };
}

module.exports = { productionStore };
