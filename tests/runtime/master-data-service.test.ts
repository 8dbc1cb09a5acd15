import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MasterDataError } from "../../mappings/master-data";
import { SqliteStore } from "../../store";
import { MasterDataService, type MasterChange } from "../../runtime/master-data";
import { customer, masterFixture } from "../fixtures/master/master-data";

let dir: string;
let store: SqliteStore;
let master: MasterDataService;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-master-"));
  store = new SqliteStore(join(dir, "orderhub.db"));
  master = new MasterDataService(store);
  await master.applyBundle(masterFixture(), "replace", "test");
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the master data service", () => {
  it("indexes the master data for the rules, with the settings as given and defaults for the rest", async () => {
    const index = master.current();
    expect(index.customers.get("IN260-UserXX")).toMatchObject({ name: "IN260-UserXX GmbH", creditLimit: 50000 });
    expect(index.items.get("FG-1003")?.productionMode).toBe("ATO");
    expect(index.warehouses.map((w) => w.id)).toEqual(["WH-WALLDORF", "WH-BERLIN", "WH-STOCKHOLM"]);
    expect(index.priceLists.byCustomer.get("IN260-UserXX")?.[0].list.id).toBe("PL-IN260-2025");
    expect(index.settings.warehouseStrategy).toBe("priority");
    await master.setSettings({}, "replace", "test");
    expect(master.current().settings).toMatchObject({ priceTolerancePercent: 0.5, warehouseStrategy: "priority" });
  });

  it("loads what the store holds when the hub starts again, and refuses to be read before", async () => {
    const again = new MasterDataService(store);
    expect(() => again.current()).toThrow("master data: not loaded yet");
    const index = await again.ready();
    expect(index.customers.size).toBe(masterFixture().customers.length);
    expect(index.supply.get("BR-FFSM-004")?.get("WH-WALLDORF")?.map((s) => s.type)).toEqual(["on-hand", "in-transit"]);
  });

  it("applies nothing of a batch with a bad record: the store and the index stay as they were", async () => {
    const before = master.current();
    const batch = [customer("C-NEW"), { ...customer("C-BAD"), creditLimit: "lots" }];
    await expect(master.replace("customers", batch, "test")).rejects.toThrow(MasterDataError);
    expect(master.current()).toBe(before);
    expect((await store.readMaster()).records.customers).toHaveLength(masterFixture().customers.length);
  });

  it("upserts into a new index and tells the listeners; an index already handed out stays as it was", async () => {
    const changes: MasterChange[] = [];
    master.onChange((c) => changes.push(c));
    const before = master.current();
    const change = await master.upsert("customers", [customer("C-NEW"), { ...customer("C-NORTH"), creditLimit: 25000 }], "test");
    expect(change).toEqual({ mode: "upsert", source: "test", kinds: [{ kind: "customers", changed: 2, total: 9 }] });
    expect(changes).toEqual([change]);
    const after = master.current();
    expect(after.customers.get("C-NEW")).toBeDefined();
    expect(after.customers.get("C-NORTH")?.creditLimit).toBe(25000);
    expect(before.customers.get("C-NORTH")?.creditLimit).toBe(20000);
    expect(before.customers.has("C-NEW")).toBe(false);
  });

  it("applies changes in the order they were asked for", async () => {
    const replaced = master.replace("warehouses", [{ id: "WH-A", priority: 1 }], "test");
    const upserted = master.upsert("warehouses", [{ id: "WH-B", priority: 2 }], "test");
    await Promise.all([replaced, upserted]);
    expect(master.current().warehouses.map((w) => w.id)).toEqual(["WH-A", "WH-B"]);
  });

  it("replaces the whole master data with a bundle: a kind left out becomes empty", async () => {
    const change = await master.applyBundle({ customers: [customer("C-ONLY")] }, "replace", "test");
    expect(change.kinds.map((k) => [k.kind, k.total])).toEqual([
      ["customers", 1], ["items", 0], ["priceLists", 0], ["promotions", 0], ["warehouses", 0], ["supply", 0], ["reservations", 0], ["openItems", 0], ["companies", 0], ["transferPrices", 0], ["settings", 1],
    ]);
    expect(master.data()).toMatchObject({ customers: [customer("C-ONLY")], items: [], settings: {} });
  });

  it("upserts a bundle kind by kind and merges its settings", async () => {
    await master.applyBundle({ items: [{ sku: "NEW-1", name: "New", unit: "H87", productionMode: "MTO", leadTimeDays: 30 }], settings: { priceTolerancePercent: 1 } }, "upsert", "test");
    expect(master.current().items.size).toBe(masterFixture().items.length + 1);
    expect(master.givenSettings()).toEqual({ ...masterFixture().settings, priceTolerancePercent: 1 });
  });

  describe("master.* events", () => {
    it("upserts, replaces and deletes by the routing key, with the body as records, text or bytes", async () => {
      await master.applyEvent("master.customers.upserted", [customer("C-EVT")]);
      await master.applyEvent("master.price-lists.upserted", JSON.stringify([{ id: "PL-EVT", currency: "EUR", validFrom: "2026-01-01", prices: [] }]));
      await master.applyEvent("master.open-items.deleted", Buffer.from(JSON.stringify([{ customer: "C-NORTH", document: "CN-2026-0042" }])));
      await master.applyEvent("master.warehouses.replaced", [{ id: "WH-ONE", priority: 1 }]);
      await master.applyEvent("master.settings.upserted", { warehouseStrategy: "nearest" });
      const index = master.current();
      expect(index.customers.has("C-EVT")).toBe(true);
      expect(index.priceLists.general.map((l) => l.list.id)).toContain("PL-EVT");
      expect(index.openItems.get("C-NORTH")?.map((o) => o.document)).toEqual(["INV-2026-1012"]);
      expect(index.warehouses.map((w) => w.id)).toEqual(["WH-ONE"]);
      expect(index.settings).toMatchObject({ warehouseStrategy: "nearest", priceTolerancePercent: 0.5 });
    });

    it.each([
      ["master.customer.upserted", [], '"master.customer.upserted" is not a master data event (they are master.<customers|items|price-lists|promotions|warehouses|supply|reservations|open-items|companies|transfer-prices|settings>.<replaced|upserted|deleted>)'],
      ["master.customers.upserted", "{ not json", "master.customers.upserted: the body is not JSON"],
      ["master.customers.upserted", [{ ...customer("C-1"), blocked: "no" }], 'customers[0].blocked: must be boolean (is "no")'],
    ])("refuses %s with a reason a dead letter can carry", async (topic, body, reason) => {
      const err = await master.applyEvent(topic, body).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MasterDataError);
      expect((err as Error).message).toContain(reason);
    });
  });
});
