import { indexMasterData, reindexGroups, reindexMasterData, type IndexedKind, type MasterIndex } from "../domain/master/master-index";
import type { MasterData, OpenItem, Reservation, Settings } from "../domain/master/types";
import { MasterDataError, validateMasterBundle, validateMasterKeys, validateMasterRecords, validateMasterSettings } from "../mappings/master-data";
import { MASTER_KINDS, kindOfPath, kindSpec, recordKey, type MasterKind, type MasterMode } from "../store/master-kinds";
import { masterChangesTotal, masterRecords } from "../observability/metrics";
import { logger } from "../observability/logger";
import { getHubStore } from "../store";
import type { HubStore, MasterWrite, MasterWriteResult } from "../store/types";

/** What one change did: per kind written, the records written (removed, for a delete) and how many it holds now. */
export interface MasterChange {
  mode: MasterMode;
  kinds: MasterWriteResult[];
  /** Who asked, for the log: `PUT /api/master/customers`, `master.customers.upserted` … */
  source: string;
}

export type MasterChangeListener = (change: MasterChange) => void;

const EVENT = /^master\.([a-z-]+)\.(replaced|upserted|deleted)$/;
const MODE_OF_VERB: Record<string, MasterMode> = { replaced: "replace", upserted: "upsert", deleted: "delete" };

/** A message body as JSON: parsed already, or text / bytes to parse. */
function bodyOf(topic: string, payload: unknown): unknown {
  if (typeof payload !== "string" && !Buffer.isBuffer(payload)) return payload;
  try {
    return JSON.parse(payload.toString());
  } catch (err) {
    throw new MasterDataError([`${topic}: the body is not JSON (${(err as Error).message})`]);
  }
}

/**
 * The hub's master data: kept in the store, held in memory, and indexed for the rules (domain/master/master-index.ts).
 * Every change is checked against mappings/master-data.schema.json (a bad record refuses its whole batch, naming it:
 * MasterDataError), committed in one transaction, then applied to the memory copy; the index is rebuilt from that at
 * the next `current()`, and the change listeners hear of it. Changes are applied one after the other, in the order
 * they were asked for. Several hub processes stay in step by applying the same `master.*` events (`applyEvent`).
 */
export class MasterDataService {
  private readonly byKind = new Map<MasterKind, Map<string, object>>(MASTER_KINDS.map(({ kind }) => [kind, new Map()]));
  private settings: Partial<Settings> = {};
  private index: MasterIndex | undefined;
  /** Kinds changed since `index` was built: the next `current()` rebuilds only their parts. */
  private readonly stale = new Set<IndexedKind>();
  /** Within reservations and open items, the SKUs and customers upserts or deletes touched since `index` was built. */
  private readonly staleGroups = { reservationSkus: new Set<string>(), openItemCustomers: new Set<string>() };
  private loading: Promise<void> | undefined;
  private loaded = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<MasterChangeListener>();

  constructor(readonly store: HubStore) {}

  /** Loads the master data from the store, once; resolves with the index. The hub calls it before the flows start. */
  async ready(): Promise<MasterIndex> {
    await this.loadOnce();
    return this.current();
  }

  private loadOnce(): Promise<void> {
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  get isReady(): boolean {
    return this.loaded;
  }

  /**
   * The index the rules read, as of the last change applied. Synchronous, and cheap unless the master data changed
   * since the last call (then it is built again, linear in its size). An index is never changed once built: a rule
   * keeps reading a consistent state while a change is applied. Throws before `ready()` has loaded the store.
   */
  current(): MasterIndex {
    if (!this.loaded) throw new Error("master data: not loaded yet (await ready() first)");
    if (this.index && this.stale.size > 0) this.index = reindexMasterData(this.index, this.dataOf(this.stale), this.stale);
    const groups = this.staleGroups;
    if (this.index && (groups.reservationSkus.size > 0 || groups.openItemCustomers.size > 0)) {
      // the records of the SKUs and customers concerned only, read straight from the kinds' maps
      const of = <T>(kind: MasterKind, keep: (r: T) => boolean) => {
        const kept: T[] = [];
        for (const r of this.byKind.get(kind)!.values()) if (keep(r as T)) kept.push(r as T);
        return kept;
      };
      const data = {
        reservations: groups.reservationSkus.size > 0 ? of<Reservation>("reservations", (r) => groups.reservationSkus.has(r.sku)) : [],
        openItems: groups.openItemCustomers.size > 0 ? of<OpenItem>("openItems", (o) => groups.openItemCustomers.has(o.customer)) : [],
      };
      this.index = reindexGroups(this.index, data, groups);
    }
    this.stale.clear();
    groups.reservationSkus.clear();
    groups.openItemCustomers.clear();
    this.index ??= indexMasterData(this.data());
    return this.index;
  }

  /**
   * What the next `current()` must index again: an upsert or delete of reservations or open items only the SKUs or
   * customers it names (a release writes a handful of each), anything else the whole kind.
   */
  private markStale(write: MasterWrite): void {
    if (write.kind === "reservations" && write.mode !== "replace") {
      for (const r of write.records as Array<{ sku: string }>) this.staleGroups.reservationSkus.add(r.sku);
    } else if (write.kind === "openItems" && write.mode !== "replace") {
      for (const r of write.records as Array<{ customer: string }>) this.staleGroups.openItemCustomers.add(r.customer);
    } else {
      this.stale.add(write.kind);
    }
  }

  /** The records of the given kinds only (and the settings), as `data()` has them. */
  private dataOf(kinds: ReadonlySet<IndexedKind>): MasterData {
    const data: MasterData = { settings: { ...this.settings } };
    for (const kind of kinds) if (kind !== "settings") (data as Record<MasterKind, object[]>)[kind] = this.records(kind);
    return data;
  }

  /** Hears of every change once it is committed and applied; returns the function that stops it. */
  onChange(listener: MasterChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The whole master data, as a bundle (every kind, and the settings as given). The records must not be changed. */
  data(): MasterData {
    const data: MasterData = {};
    for (const { kind } of MASTER_KINDS) (data as Record<MasterKind, object[]>)[kind] = this.records(kind);
    data.settings = { ...this.settings };
    return data;
  }

  records(kind: MasterKind): object[] {
    return [...this.byKind.get(kind)!.values()];
  }

  /** The settings as given (the rules read them with defaults: `current().settings`). */
  givenSettings(): Partial<Settings> {
    return { ...this.settings };
  }

  /** Every record of the kind replaced by these. */
  async replace(kind: MasterKind, value: unknown, source: string): Promise<MasterChange> {
    const records = validateMasterRecords(kind, value);
    return this.change("replace", source, () => [{ kind, mode: "replace", records }]);
  }

  /** Each record added, or in place of the one with its key. */
  async upsert(kind: MasterKind, value: unknown, source: string): Promise<MasterChange> {
    const records = validateMasterRecords(kind, value);
    return this.change("upsert", source, () => [{ kind, mode: "upsert", records }]);
  }

  /** The records with these keys removed (records named that are not there are no problem). */
  async remove(kind: MasterKind, value: unknown, source: string): Promise<MasterChange> {
    const keys = validateMasterKeys(kind, value);
    return this.change("delete", source, () => [{ kind, mode: "delete", records: keys }]);
  }

  /** The settings replaced (`upsert`: the fields given replace those stored, the others stay). */
  async setSettings(value: unknown, mode: "replace" | "upsert", source: string): Promise<MasterChange> {
    const given = validateMasterSettings(value);
    return this.change(mode, source, () => [{ kind: "settings", settings: mode === "upsert" ? { ...this.settings, ...given } : given }]);
  }

  /**
   * A whole bundle. `replace`: the master data becomes the bundle (a kind it leaves out becomes empty, settings left
   * out take their defaults). `upsert`: each kind it gives is upserted, and the settings it gives are merged.
   */
  async applyBundle(value: unknown, mode: "replace" | "upsert", source: string): Promise<MasterChange> {
    const bundle = validateMasterBundle(value);
    return this.change(mode, source, () => {
      const writes: MasterWrite[] = [];
      for (const { kind } of MASTER_KINDS) {
        const records = bundle[kind];
        if (mode === "replace" || records) writes.push({ kind, mode, records: records ?? [] });
      }
      if (mode === "replace") writes.push({ kind: "settings", settings: bundle.settings ?? {} });
      else if (bundle.settings) writes.push({ kind: "settings", settings: { ...this.settings, ...bundle.settings } });
      return writes;
    });
  }

  /**
   * A `master.<kind>.<replaced|upserted|deleted>` event (`master.price-lists.upserted`, `master.settings.upserted` …)
   * with its body: a JSON array of records (of keys, for deleted), an object for settings; parsed when it is text.
   */
  async applyEvent(topic: string, payload: unknown): Promise<MasterChange> {
    const [, path, verb] = EVENT.exec(topic ?? "") ?? [];
    const spec = path ? kindOfPath(path) : undefined;
    const mode = MODE_OF_VERB[verb];
    if (path === "settings" && mode !== "delete") return this.setSettings(bodyOf(topic, payload), mode as "replace" | "upsert", topic);
    if (!spec || !mode) {
      const kinds = [...MASTER_KINDS.map((k) => k.path), "settings"].join("|");
      throw new MasterDataError([`"${topic}" is not a master data event (they are master.<${kinds}>.<replaced|upserted|deleted>)`]);
    }
    const body = bodyOf(topic, payload);
    if (mode === "delete") return this.remove(spec.kind, body, topic);
    return mode === "replace" ? this.replace(spec.kind, body, topic) : this.upsert(spec.kind, body, topic);
  }

  private async load(): Promise<void> {
    const stored = await this.store.readMaster();
    for (const { kind } of MASTER_KINDS) {
      const spec = kindSpec(kind);
      this.byKind.set(kind, new Map(stored.records[kind].map((r) => [recordKey(spec, r), r])));
      masterRecords.set({ kind }, stored.records[kind].length);
    }
    this.settings = (stored.settings ?? {}) as Partial<Settings>;
    this.index = undefined;
    this.stale.clear();
    this.staleGroups.reservationSkus.clear();
    this.staleGroups.openItemCustomers.clear();
    this.loaded = true;
  }

  /**
   * One change at a time, in the order asked: committed to the store (all of it or nothing), then applied here. `plan`
   * runs once the changes before it are applied (a settings merge reads the settings as they are then).
   */
  private change(mode: MasterMode, source: string, plan: () => MasterWrite[]): Promise<MasterChange> {
    const run = async (): Promise<MasterChange> => {
      // loaded, not indexed: an index built here would be thrown away by this very change
      await this.loadOnce();
      const writes = plan();
      const kinds = await this.store.writeMaster(writes);
      writes.forEach((w) => this.applyHere(w));
      for (const w of writes) this.markStale(w);
      const change: MasterChange = { mode, kinds, source };
      for (const k of kinds) {
        if (k.kind !== "settings") masterRecords.set({ kind: k.kind }, k.total);
        masterChangesTotal.inc({ kind: k.kind, mode });
      }
      logger.info({ mode, source, kinds }, `master data: ${kinds.map((k) => `${k.kind} ${mode === "delete" ? "−" : ""}${k.changed} (now ${k.total})`).join(", ")} by ${source}`);
      this.tell(change);
      return change;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private applyHere(write: MasterWrite): void {
    if (write.kind === "settings") {
      this.settings = write.settings as Partial<Settings>;
      return;
    }
    const spec = kindSpec(write.kind);
    const records = write.mode === "replace" ? new Map<string, object>() : this.byKind.get(write.kind)!;
    for (const r of write.records) {
      if (write.mode === "delete") records.delete(recordKey(spec, r));
      else records.set(recordKey(spec, r), r);
    }
    this.byKind.set(write.kind, records);
  }

  private tell(change: MasterChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        logger.error({ err }, `master data: a change listener failed: ${(err as Error).message}`);
      }
    }
  }
}

let service: MasterDataService | undefined;

/**
 * The process's master data, on the process's store (`getHubStore()`). A store replaced (tests) gets a service of its
 * own. Nodes and rules read `getMasterData().current()`; the hub loads it (`ready()`) before the flows start.
 */
export function getMasterData(): MasterDataService {
  const store = getHubStore();
  if (service?.store !== store) service = new MasterDataService(store);
  return service;
}
