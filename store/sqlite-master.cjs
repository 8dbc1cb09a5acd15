// The writer thread's part for master data (store/sqlite-writer.cjs hands it the messages marked `master`): a write
// is one transaction, whatever it holds (a kind replaced, records upserted or removed, several kinds at once), so a
// batch is applied whole or not at all; a read takes every table in one transaction, so it sees one state.
// Plain JavaScript, as the writer is.
"use strict";

const sql = require("./sqlite-sql.cjs");

/**
 * The strings of a write arrive joined into one text with their lengths beside it (cheaper to pass between threads
 * than an array of strings): per record its key values, then its JSON.
 */
function* strings(text, lens) {
  let at = 0;
  for (let i = 0; i < lens.length; i++) yield text.slice(at, (at += lens[i]));
}

function masterStore(db) {
  const prepared = new Map();
  const statementsOf = (kind) => {
    let s = prepared.get(kind);
    if (!s) {
      if (!sql.masterTables[kind]) throw new Error(`no master data kind "${kind}"`);
      const text = sql.masterStatements(kind);
      s = {
        keys: sql.masterTables[kind].keys.length,
        upsert: db.prepare(text.upsert),
        remove: db.prepare(text.remove),
        clear: db.prepare(text.clear),
        count: db.prepare(text.count).pluck(),
        all: db.prepare(text.all).pluck(),
      };
      prepared.set(kind, s);
    }
    return s;
  };
  const settingsWrite = db.prepare(sql.masterSettingsWrite);
  const settingsRead = db.prepare(sql.masterSettingsRead).pluck();

  /** One kind's part of a write: how many records it changed, and how many the kind holds afterwards. */
  function apply(write) {
    if (write.kind === "settings") {
      settingsWrite.run(write.text);
      return { kind: "settings", changed: 1, total: 1 };
    }
    const s = statementsOf(write.kind);
    if (write.mode === "replace") s.clear.run();
    const next = strings(write.text, write.lens);
    const args = new Array(s.keys + 1);
    let changed = 0;
    for (let r = 0; r < write.count; r++) {
      for (let k = 0; k < s.keys; k++) args[k] = next.next().value;
      const record = next.next().value;
      if (write.mode === "delete") changed += s.remove.run(args.slice(0, s.keys)).changes;
      else {
        args[s.keys] = record;
        s.upsert.run(args);
        changed++;
      }
    }
    return { kind: write.kind, changed, total: s.count.get() };
  }

  const write = db.transaction((writes) => writes.map(apply));

  /** Every kind as one JSON array text (records joined as they are stored: nothing parsed here), and the settings. */
  const read = db.transaction(() => {
    const answer = {};
    for (const kind of Object.keys(sql.masterTables)) answer[kind] = `[${statementsOf(kind).all.all().join(",")}]`;
    answer.settings = settingsRead.get() ?? null;
    return answer;
  });

  return {
    /** Answers a `master` message: `{ committed, result }`, or throws (then nothing was written). */
    handle(message) {
      if (message.master === "write") return { committed: true, result: write(message.writes) };
      if (message.master === "read") return { committed: false, result: read() };
      throw new Error(`unknown master data operation "${message.master}"`);
    },
  };
}

module.exports = { masterStore };
