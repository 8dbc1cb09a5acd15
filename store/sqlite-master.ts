// Master data on its way to and from the writer thread (store/sqlite-master.cjs): records go as their key values and
// their JSON, joined into one text per write; they come back as one JSON array text per kind, parsed here.
import { MASTER_KINDS, kindSpec, keyValues, type MasterKind } from "./master-kinds";
import type { MasterWrite, StoredMasterData } from "./types";

/** A write as the writer thread takes it. */
export interface PackedMasterWrite {
  kind: string;
  mode?: string;
  count: number;
  text: string;
  lens: Int32Array;
}

const known = new Set<string>(MASTER_KINDS.map((k) => k.kind));

function packRecords(kind: MasterKind, records: readonly object[], keysOnly: boolean): { text: string; lens: Int32Array } {
  const spec = kindSpec(kind);
  const parts: string[] = [];
  records.forEach((record, i) => {
    if (typeof record !== "object" || record === null) throw new Error(`store: ${kind}[${i}] is not a record`);
    const keys = keyValues(spec, record);
    spec.keyFields.forEach((field, k) => {
      // a supply record without a date is the undated one, a transfer price without `to` the one for any buyer;
      // every other key part must be there
      if (keys[k] === "" && !(kind === "supply" && field === "date") && !(kind === "transferPrices" && field === "to")) throw new Error(`store: ${kind}[${i}] has no ${field}`);
    });
    parts.push(...keys, keysOnly ? "" : JSON.stringify(record));
  });
  const lens = new Int32Array(parts.length);
  for (let i = 0; i < parts.length; i++) lens[i] = parts[i].length;
  return { text: parts.join(""), lens };
}

/** Throws, before anything reaches the store, for a record without its key. */
export function packMasterWrites(writes: readonly MasterWrite[]): PackedMasterWrite[] {
  return writes.map((w) => {
    if (w.kind === "settings") return { kind: "settings", count: 1, text: JSON.stringify(w.settings), lens: new Int32Array(0) };
    // a kind this side does not know goes as it is: the writer refuses it, and the whole write with it
    if (!known.has(w.kind)) return { kind: w.kind, mode: w.mode, count: 0, text: "", lens: new Int32Array(0) };
    return { kind: w.kind, mode: w.mode, count: w.records.length, ...packRecords(w.kind, w.records, w.mode === "delete") };
  });
}

/** The writer's answer to a read: a JSON array text per kind, and the settings' JSON or null. */
export function unpackMasterData(answer: Record<string, string | null>): StoredMasterData {
  const records = {} as Record<MasterKind, object[]>;
  for (const { kind } of MASTER_KINDS) records[kind] = JSON.parse(answer[kind] ?? "[]") as object[];
  return { records, settings: answer.settings ? (JSON.parse(answer.settings) as object) : null };
}
