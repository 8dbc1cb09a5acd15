import type Database from "better-sqlite3";

/** Schema steps, applied in order; PRAGMA user_version remembers how far a database file has come. */
const MIGRATIONS: string[] = [
  `CREATE TABLE idempotency_keys (
     scope       TEXT    NOT NULL,
     key         TEXT    NOT NULL,
     message_id  TEXT    NOT NULL,
     status      TEXT    NOT NULL CHECK (status IN ('pending', 'done')),
     payload     TEXT    NOT NULL,
     created_at  INTEGER NOT NULL,
     done_at     INTEGER,
     PRIMARY KEY (scope, key)
   );
   CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);`,
  // The inbound message a key was first claimed for: its own redelivery is told apart from another message.
  `ALTER TABLE idempotency_keys ADD COLUMN origin TEXT;`,
  // Done marks in a table of their own, by the key's rowid: a mark appends a small row instead of rewriting the page
  // that holds the key's payload: a fifth fewer WAL writes per commit (docs/BENCHMARKS.md). Rows marked done before
  // this step keep status 'done'; the writer deletes a key's mark with the key, so a rowid used again starts unmarked.
  `CREATE TABLE idempotency_done (
     id       INTEGER PRIMARY KEY,
     done_at  INTEGER NOT NULL
   );`,
];

/** WAL, and synchronous=NORMAL: a killed process loses nothing committed; a power cut may lose the last commits. */
export function configure(db: Database.Database): void {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
}

export function migrate(db: Database.Database): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  for (let step = version; step < MIGRATIONS.length; step++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[step]);
      db.pragma(`user_version = ${step + 1}`);
    })();
  }
}
