/**
 * The order timeline in the store (schema step 8): every milestone of every order once, and a summary row per order
 * for the list queries (state, promised date, delivered). Part of HubStore (types.ts); store/timeline.ts records.
 */
import type { TimelineEntry } from "../domain/order/timeline";
import type { OrderProgress } from "../domain/order/timeline-progress";

/** A milestone as stored: the entry, and when the hub recorded it (epoch ms). */
export interface StoredTimelineEntry extends TimelineEntry {
  recordedAt: number;
}

/** An order's summary row, as the list reads it. */
export interface ProgressRow {
  orderRef: string;
  orderNumber: string;
  buyer: string;
  orderKey: string;
  state: string;
  promisedDate: string | null;
  delivered: boolean;
  /** Entries recorded for the order: a write expects the count it computed the summary from (compare-and-set). */
  version: number;
  updatedAt: number;
  lines: OrderProgress["lines"];
}

/** One order as read: its entries in the order they were recorded, and its summary (absent before the first entry). */
export interface TimelineRead {
  entries: StoredTimelineEntry[];
  progress?: ProgressRow;
}

export interface TimelineWrite {
  orderRef: string;
  /** The new entries (none of them recorded before), and the summary computed over the old and the new ones. */
  entries: readonly TimelineEntry[];
  progress: OrderProgress;
  /** The summary's version the entries were read at: another writer in between makes this write `stale`. */
  expectVersion: number;
  now: number;
}

/** `recorded`: entries and summary written. `stale`: another write came in between, nothing written: read and try again. */
export type TimelineWriteResult = { outcome: "recorded"; version: number } | { outcome: "stale" };

export interface ProgressQuery {
  states?: readonly string[];
  /** Late (true) or not late (false) on `asOf`: promised date passed, not delivered, not cancelled, rejected or closed. */
  late?: boolean;
  asOf?: string;
  buyer?: string;
  limit?: number;
}

export interface TimelineStore {
  /** Entries and summary in one transaction, if the summary is still at `expectVersion`. */
  write(write: TimelineWrite): Promise<TimelineWriteResult>;
  /** One order (`<buyer>/<order number>`), its entries oldest recorded first. */
  read(orderRef: string): Promise<TimelineRead>;
  /** The orders with this number (of one buyer, with `buyer`). */
  byNumber(orderNumber: string, buyer?: string): Promise<TimelineRead[]>;
  /** Summaries, most recently moved first. */
  list(query: ProgressQuery): Promise<ProgressRow[]>;
  /** How many orders stand in each state, and how many are late as of `asOf` (a day): for the ops page. */
  counts(asOf: string): Promise<{ byState: Record<string, number>; late: number }>;
  /** The order a document belongs to (the order an invoice number names, for a payment that names only the invoice). */
  orderOfDocument(milestone: string, document: string): Promise<string | undefined>;
}
