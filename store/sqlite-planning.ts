// Planning on its way to and from the writer thread (store/sqlite-planning.cjs): an operation and its arguments go
// (never under `id`: that is the request's own),
// plain records come back. Each operation is one transaction there.
import type { Eco } from "../domain/planning/eco";
import type { BomHistoryEntry, BomSnapshot, BomWrite, BomWriteResult, EcoMove, EcoRow, EcoStatus, PlanningStore } from "./planning-types";

/** Sends one operation to the writer thread and resolves with its answer. */
export type SendToWriter = (message: Record<string, unknown>) => Promise<unknown>;

export class SqlitePlanningStore implements PlanningStore {
  constructor(private readonly send: SendToWriter) {}

  async readBoms(): Promise<BomSnapshot> {
    return (await this.send({ planning: "read" })) as BomSnapshot;
  }

  async writeBoms(write: BomWrite): Promise<BomWriteResult> {
    return (await this.send({ planning: "write", write })) as BomWriteResult;
  }

  async bomHistory(parent: string): Promise<BomHistoryEntry[]> {
    return (await this.send({ planning: "history", parent })) as BomHistoryEntry[];
  }

  async createEco(eco: Eco, now: number): Promise<{ created: boolean; row: EcoRow }> {
    return (await this.send({ planning: "eco-create", eco, now })) as { created: boolean; row: EcoRow };
  }

  async getEco(id: string): Promise<EcoRow | undefined> {
    return ((await this.send({ planning: "eco-get", ecoId: id })) as EcoRow | null) ?? undefined;
  }

  async listEcos(statuses?: readonly EcoStatus[]): Promise<EcoRow[]> {
    return (await this.send({ planning: "eco-list", statuses: statuses ? [...statuses] : undefined })) as EcoRow[];
  }

  async moveEco(id: string, from: readonly EcoStatus[], to: EcoStatus, fields: EcoMove): Promise<{ moved: boolean; row?: EcoRow }> {
    return (await this.send({ planning: "eco-move", ecoId: id, from: [...from], to, fields })) as { moved: boolean; row?: EcoRow };
  }
}
