/**
 * Production tasks and quotes in the store (schema step 11): each task tied to its sales order line (or made to
 * stock), what was issued to it per component, and every quote with the request it answered. Part of HubStore
 * (types.ts) as `production`; the rules are domain/planning's (production-tasks.ts, shortage.ts, quote.ts).
 */
import type { ProductionTask, TaskStatus } from "../domain/planning/production-tasks";

export interface StoredTask extends ProductionTask {
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  /** Issued to the task so far, by SKU. */
  issued: Record<string, number>;
}

export interface TaskQuery {
  /** `<buyer>/<order number>`: the order's tasks. */
  orderRef?: string;
  ids?: string[];
  status?: TaskStatus[];
  limit?: number;
}

export interface StoredQuote {
  id: string;
  /** The request, as JSON. */
  body: string;
  /** The quote, as JSON. */
  answer: string;
  createdAt: number;
}

export interface ProductionStore {
  /** Inserts the tasks whose id is new, in one transaction; answers the ids inserted (a task already there is kept as it is). */
  createTasks(tasks: readonly ProductionTask[], now: number): Promise<string[]>;
  /** Tasks by order, ids or status, oldest first, each with what was issued to it. */
  tasks(query?: TaskQuery): Promise<StoredTask[]>;
  /** Replaces quantity, due date, status, item and order key of the tasks given (by id), in one transaction. */
  updateTasks(tasks: readonly ProductionTask[], now: number): Promise<number>;
  /** Adds to what was issued to a task, per SKU; false for a task that is not known. */
  issue(task: string, quantities: Readonly<Record<string, number>>, now: number): Promise<boolean>;
  saveQuote(quote: StoredQuote): Promise<void>;
  getQuote(id: string): Promise<StoredQuote | undefined>;
}
