/** The hub's own state, behind one interface: SQLite embedded (default) or, later, PostgreSQL for several instances. */

export type IdempotencyStatus = "pending" | "done";

export interface IdempotencyRecord {
  scope: string;
  key: string;
  /** Outgoing message id derived from the business key: the same key always yields the same id. */
  messageId: string;
  status: IdempotencyStatus;
  /**
   * The outgoing message body as first produced (the outbox copy): a redelivery re-sends this, never a new one. Kept
   * after the effect is confirmed, to compare a later message with the same key against (empty in records confirmed
   * before schema version 2, which emptied it).
   */
  payload: string;
  /** The inbound message id the key was first claimed for, when known: its redelivery is no other message. */
  origin: string | null;
  createdAt: number;
  doneAt: number | null;
}

export type ClaimOutcome =
  /** First time this key is seen: the record was written now. */
  | "new"
  /** Seen before, its effect not yet confirmed (a crash or a lost channel in between): re-send the stored payload. */
  | "pending"
  /** Seen before and its effect confirmed: a duplicate. */
  | "done";

export interface ClaimResult {
  outcome: ClaimOutcome;
  record: IdempotencyRecord;
}

export interface HubStore {
  readonly kind: "sqlite" | "postgres";
  /**
   * Insert the key with its outgoing message (outbox) unless present; return what is stored either way. `origin` is
   * the inbound message's id ("" when there is none). With `earlierKey` (the same thing's key as an earlier release
   * made it), a key not stored yet is first looked for under that one, and that record is returned as it is, nothing
   * inserted; `record.key` tells which key the record is stored under.
   */
  claim(scope: string, key: string, messageId: string, payload: string, now: number, origin?: string, earlierKey?: string): Promise<ClaimResult>;
  /** The effect of the key was handed on durably (publish confirmed). */
  markDone(scope: string, key: string, now: number): Promise<void>;
  /** Remove keys created before `olderThan` (epoch ms); returns how many. */
  purgeBefore(olderThan: number): Promise<number>;
  /** Cheap liveness check for /health. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
