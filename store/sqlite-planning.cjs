// The writer thread's part for planning (store/sqlite-writer.cjs hands it the messages marked `planning`): BOM lines,
// low-level codes, ECOs and the BOM history (schema step 10, store/sqlite-schema-later.ts). A BOM change is one transaction:
// the parents' lines, the low-level codes, the history and an ECO's move to applied, or, when anything fails, none of
// it. Plain JavaScript, as the writer is; the checks (cycles, ECO rules) are made on the main thread (store/planning-book.ts).
"use strict";

const SQL = {
  version: `SELECT value FROM planning_state WHERE name = 'bom_version'`,
  bump: `UPDATE planning_state SET value = value + 1 WHERE name = 'bom_version'`,
  lines: `SELECT parent, child, valid_from, valid_to, quantity, loss_rate, substitutes FROM bom_lines ORDER BY parent, rowid`,
  codes: `SELECT item, low_level_code FROM bom_items`,
  removeParent: `DELETE FROM bom_lines WHERE parent = ?`,
  insertLine: `INSERT INTO bom_lines (parent, child, valid_from, valid_to, quantity, loss_rate, substitutes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  clearCodes: `DELETE FROM bom_items`,
  insertCode: `INSERT INTO bom_items (item, low_level_code) VALUES (?, ?)`,
  history: `INSERT INTO bom_history (parent, eco_id, who, at, why, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  historyOf: `SELECT * FROM bom_history WHERE parent = ? ORDER BY id`,
  ecoInsert: `INSERT INTO ecos (id, body, status, created_at) VALUES (?, ?, 'draft', ?) ON CONFLICT (id) DO NOTHING`,
  ecoRead: `SELECT * FROM ecos WHERE id = ?`,
  ecoAll: `SELECT * FROM ecos ORDER BY created_at, id`,
};

/** Refuses the whole transaction with an answer instead of an error. */
class Refused extends Error {
  constructor(answer) {
    super(answer.outcome);
    this.answer = answer;
  }
}

const lineOf = (r) => ({
  parent: r.parent,
  child: r.child,
  quantity: r.quantity,
  ...(r.loss_rate === null ? {} : { lossRate: r.loss_rate }),
  ...(r.valid_from === "" ? {} : { validFrom: r.valid_from }),
  ...(r.valid_to === null ? {} : { validTo: r.valid_to }),
  ...(r.substitutes === null ? {} : { substitutes: JSON.parse(r.substitutes) }),
});

const ecoOf = (r) =>
  r && {
    id: r.id,
    eco: JSON.parse(r.body),
    status: r.status,
    approvalId: r.approval_id,
    createdAt: r.created_at,
    submittedAt: r.submitted_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    comment: r.comment,
    appliedAt: r.applied_at,
    applyError: r.error,
  };

const placeholders = (n) => Array.from({ length: n }, () => "?").join(", ");

function planningStore(db) {
  const s = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]));
  const version = () => s.version.get().value;

  const read = db.transaction(() => ({
    version: version(),
    lines: s.lines.all().map(lineOf),
    lowLevelCodes: Object.fromEntries(s.codes.all().map((r) => [r.item, r.low_level_code])),
  }));

  function moveEco(id, from, to, f) {
    const sets = ["status = ?"];
    const args = [to];
    for (const [column, value] of [["approval_id", f.approvalId], ["submitted_at", f.submittedAt], ["decided_by", f.decidedBy], ["decided_at", f.decidedAt], ["comment", f.comment], ["applied_at", f.appliedAt], ["error", f.error]]) {
      if (value !== undefined) {
        sets.push(`${column} = ?`);
        args.push(value);
      }
    }
    const sql = `UPDATE ecos SET ${sets.join(", ")} WHERE id = ? AND status IN (${placeholders(from.length)})`;
    return db.prepare(sql).run(...args, id, ...from).changes === 1;
  }

  const write = db.transaction((w) => {
    const now = version();
    if (now !== w.expectVersion) throw new Refused({ outcome: "stale", version: now });
    for (const parent of w.parents) s.removeParent.run(parent);
    for (const l of w.lines) {
      s.insertLine.run(l.parent, l.child, l.validFrom ?? "", l.validTo ?? null, l.quantity, l.lossRate ?? null, l.substitutes && l.substitutes.length ? JSON.stringify(l.substitutes) : null);
    }
    s.clearCodes.run();
    for (const [item, code] of Object.entries(w.lowLevelCodes)) s.insertCode.run(item, code);
    const a = w.audit;
    for (const h of w.history) s.history.run(h.parent, a.ecoId ?? null, a.who, a.at, a.why, JSON.stringify(h.before), JSON.stringify(h.after));
    if (w.eco) {
      const moved = moveEco(w.eco.id, w.eco.from, "applied", { decidedBy: w.eco.decidedBy, decidedAt: w.eco.decidedBy === undefined ? undefined : a.at, comment: w.eco.comment, appliedAt: a.at, error: null });
      if (!moved) {
        const row = s.ecoRead.get(w.eco.id);
        throw new Refused({ outcome: "eco-moved", status: row ? row.status : null });
      }
    }
    s.bump.run();
    return { outcome: "done", version: now + 1 };
  });

  function handle(m) {
    switch (m.planning) {
      case "read":
        return { committed: false, result: read() };
      case "write":
        try {
          return { committed: true, result: write(m.write) };
        } catch (err) {
          if (err instanceof Refused) return { committed: false, result: err.answer };
          throw err;
        }
      case "history":
        return {
          committed: false,
          result: s.historyOf.all(m.parent).map((r) => ({
            parent: r.parent,
            ...(r.eco_id === null ? {} : { ecoId: r.eco_id }),
            who: r.who,
            at: r.at,
            why: r.why,
            before: JSON.parse(r.before),
            after: JSON.parse(r.after),
          })),
        };
      case "eco-create": {
        const created = s.ecoInsert.run(m.eco.id, JSON.stringify(m.eco), m.now).changes === 1;
        return { committed: created, result: { created, row: ecoOf(s.ecoRead.get(m.eco.id)) } };
      }
      case "eco-get":
        return { committed: false, result: ecoOf(s.ecoRead.get(m.ecoId)) ?? null };
      case "eco-list": {
        const rows = m.statuses && m.statuses.length ? db.prepare(`SELECT * FROM ecos WHERE status IN (${placeholders(m.statuses.length)}) ORDER BY created_at, id`).all(...m.statuses) : s.ecoAll.all();
        return { committed: false, result: rows.map(ecoOf) };
      }
      case "eco-move": {
        const moved = moveEco(m.ecoId, m.from, m.to, m.fields ?? {});
        return { committed: moved, result: { moved, row: ecoOf(s.ecoRead.get(m.ecoId)) ?? undefined } };
      }
      default:
        throw new Error(`unknown planning operation "${m.planning}"`);
    }
  }

  /** Answers a `planning` message: `{ committed, result }`, or throws (then nothing was written). */
  return { handle };
}

module.exports = { planningStore };
