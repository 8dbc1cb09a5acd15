// The store's writer thread: owns the write connection and runs each batch of operations the main thread sends in
// one transaction (group commit), so SQLite's work happens beside the event loop that moves the messages.
// Plain JavaScript so the same file runs from the sources (tests) and from dist/ (the build copies it).
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");

const db = new Database(workerData.file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 5000");

const sql = require("./sqlite-sql.cjs");
/** Keys a purge operation deletes at most; the main thread sends another while a chunk comes back full. */
const purgeChunk = workerData.purgeChunk;
const insert = db.prepare(sql.insert);
const select = db.prepare(sql.select);
const done = db.prepare(sql.done);
const purgeMarks = db.prepare(sql.purgeMarks);
const purgeKeys = db.prepare(sql.purgeKeys);
const master = require("./sqlite-master.cjs").masterStore(db);
const approvals = require("./sqlite-approvals.cjs").approvalStore(db);
const orders = require("./sqlite-orders.cjs").orderStore(db);
const invoices = require("./sqlite-invoices.cjs").invoiceStore(db);
const timeline = require("./sqlite-timeline.cjs").timelineStore(db);
const planning = require("./sqlite-planning.cjs").planningStore(db);
const production = require("./sqlite-production.cjs").productionStore(db);
const apiKeys = require("./sqlite-api-keys.cjs").apiKeyStore(db);
const settlement = require("./sqlite-settlement.cjs").settlementStore(db);

/** Operation codes, as the main thread sends them (see unpack below for the rest of an operation). */
const CLAIM = 0;
const DONE = 1;
const PURGE = 2;
/** Strings per operation, as the main thread packs them. */
const STRINGS = 6;

function apply(batch, i) {
  switch (batch.code[i]) {
    case CLAIM:
      // the key's row, else the earlier key's (nothing inserted then), else null once inserted now
      if (batch.earlier[i]) {
        const stored = select.get(batch.scope[i], batch.key[i]) ?? select.get(batch.scope[i], batch.earlier[i]);
        if (stored) return stored;
      }
      return insert.run(batch.scope[i], batch.key[i], batch.messageId[i], batch.payload[i], batch.time[i], batch.origin[i] || null).changes === 1
        ? null
        : select.get(batch.scope[i], batch.key[i]);
    case DONE:
      done.run(batch.time[i], batch.scope[i], batch.key[i]);
      return null;
    case PURGE:
      purgeMarks.run(batch.time[i], purgeChunk);
      return purgeKeys.run(batch.time[i], purgeChunk).changes;
    default:
      throw new Error(`unknown store operation ${batch.code[i]}`);
  }
}

/** One transaction per batch; an operation that fails answers with { error } and the others still commit. */
const runBatch = db.transaction((batch) => {
  const results = new Array(batch.code.length);
  for (let i = 0; i < batch.code.length; i++) {
    try {
      results[i] = apply(batch, i);
    } catch (err) {
      results[i] = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  return results;
});

/**
 * A batch arrives packed: codes, times, and the six strings of each operation (scope, key, message id, payload, origin,
 * earlier key) joined into one text with their lengths beside it, cheaper to pass between threads than arrays of
 * strings.
 */
function unpack(message) {
  const n = message.code.length;
  const batch = { code: message.code, time: message.time, scope: new Array(n), key: new Array(n), messageId: new Array(n), payload: new Array(n), origin: new Array(n), earlier: new Array(n) };
  const { text, lens } = message;
  let at = 0;
  for (let i = 0; i < n; i++) {
    batch.scope[i] = text.slice(at, (at += lens[STRINGS * i]));
    batch.key[i] = text.slice(at, (at += lens[STRINGS * i + 1]));
    batch.messageId[i] = text.slice(at, (at += lens[STRINGS * i + 2]));
    batch.payload[i] = text.slice(at, (at += lens[STRINGS * i + 3]));
    batch.origin[i] = text.slice(at, (at += lens[STRINGS * i + 4]));
    batch.earlier[i] = text.slice(at, (at += lens[STRINGS * i + 5]));
  }
  return batch;
}

/** A master data write or read: one operation, in a transaction of its own (store/sqlite-master.cjs). */
function answerMaster(message) {
  try {
    const { committed, result } = immediately(() => master.handle(message));
    return { id: message.id, committed, results: [result] };
  } catch (err) {
    return { id: message.id, committed: false, results: [{ error: err instanceof Error ? err.message : String(err) }] };
  }
}

/**
 * Runs one operation in a transaction begun IMMEDIATE: the write lock is taken before the operation's first read, so
 * two hubs on one store file wait for each other (busy_timeout) instead of one failing with "database is locked" when
 * both read and then want to write (SQLite refuses that upgrade at once, busy handler or not). The operation's own
 * transactions become savepoints of this one.
 */
function immediately(operation) {
  return db.transaction(operation).immediate();
}

/** An approval operation: one transaction of its own (store/sqlite-approvals.cjs). */
function answerAlone(message, part) {
  try {
    const { committed, result } = immediately(() => part.handle(message));
    return { id: message.id, committed, results: [result] };
  } catch (err) {
    return { id: message.id, committed: false, results: [{ error: err instanceof Error ? err.message : String(err) }] };
  }
}

parentPort.on("message", (message) => {
  if (message.close) {
    db.close();
    parentPort.close();
    return;
  }
  if (message.master) {
    parentPort.postMessage(answerMaster(message));
    return;
  }
  if (message.approvals) {
    parentPort.postMessage(answerAlone(message, approvals));
    return;
  }
  if (message.orders) {
    parentPort.postMessage(answerAlone(message, orders));
    return;
  }
  if (message.invoices) {
    parentPort.postMessage(answerAlone(message, invoices));
    return;
  }
  if (message.timeline) {
    parentPort.postMessage(answerAlone(message, timeline));
    return;
  }
  if (message.planning) {
    parentPort.postMessage(answerAlone(message, planning));
    return;
  }
  if (message.production) {
    parentPort.postMessage(answerAlone(message, production));
    return;
  }
  if (message.settlement) {
    parentPort.postMessage(answerAlone(message, settlement));
    return;
  }
  if (message.apiKeys) {
    parentPort.postMessage(answerAlone(message, apiKeys));
    return;
  }
  let results;
  let committed = true;
  try {
    results = runBatch(unpack(message));
  } catch (err) {
    const error = `the commit failed: ${err instanceof Error ? err.message : String(err)}`;
    results = message.code.map(() => ({ error }));
    committed = false;
  }
  parentPort.postMessage({ id: message.id, committed, results });
});
