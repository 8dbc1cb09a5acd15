// Production tasks and quotes on their way to and from the writer thread (store/sqlite-production.cjs): an operation
// and its arguments go, plain records come back. Each operation is one transaction there.
import type { ProductionTask } from "../domain/planning/production-tasks";
import type { ProductionStore, StoredQuote, StoredTask, TaskQuery } from "./production-types";
import type { SendToWriter } from "./sqlite-orders";

export class SqliteProductionStore implements ProductionStore {
  constructor(private readonly send: SendToWriter) {}

  async createTasks(tasks: readonly ProductionTask[], now: number): Promise<string[]> {
    return (await this.send({ production: "create", tasks: [...tasks], now })) as string[];
  }

  async tasks(query: TaskQuery = {}): Promise<StoredTask[]> {
    return (await this.send({ production: "tasks", query })) as StoredTask[];
  }

  async updateTasks(tasks: readonly ProductionTask[], now: number): Promise<number> {
    return (await this.send({ production: "update", tasks: [...tasks], now })) as number;
  }

  async issue(task: string, quantities: Readonly<Record<string, number>>, now: number): Promise<boolean> {
    return (await this.send({ production: "issue", task, quantities: { ...quantities }, now })) as boolean;
  }

  async saveQuote(quote: StoredQuote): Promise<void> {
    await this.send({ production: "quote-save", quote });
  }

  async getQuote(id: string): Promise<StoredQuote | undefined> {
    return ((await this.send({ production: "quote-get", quoteId: id })) as StoredQuote | null) ?? undefined;
  }
}
