import amqp from "amqplib";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MasterData } from "../../domain/master/types";
import { buildBom } from "../../domain/planning/bom";
import { explode } from "../../domain/planning/bom-explosion";
import { createPlm } from "../../sandbox/plm";
import { BOM_RELEASED, PLM_EXCHANGE } from "../../sandbox/plm/publisher";
import { SEED_ITEMS, SEED_LINES, applyEco, type Eco } from "../../sandbox/plm/structure";
import type { StandIn } from "../../sandbox/types";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { call, contextFor, serve, startReceiver, type HubReceiver } from "./hub-receiver";

const manufacturer = JSON.parse(readFileSync(path.resolve(__dirname, "../fixtures/master/manufacturer.json"), "utf8")) as MasterData;
const ITEMS = new Map(SEED_ITEMS.map((i) => [i.item, i]));
const eco = (changes: Eco["changes"], effectiveDate = "2026-04-01"): Eco => ({ id: "ECO-T", reason: "test", effectiveDate, changes });

describe("the sandbox PLM's product structure", () => {
  it("makes the demo manufacturer's make items, under their names, of parts it knows, without a loop", () => {
    const fixture = new Map(manufacturer.items!.map((i) => [i.sku, i]));
    const finished = SEED_ITEMS.filter((i) => fixture.has(i.item));
    expect(finished.map((i) => i.item).sort()).toEqual(["DRV-CTO-200", "FG-1000", "FG-1001", "FG-1002", "FG-1003", "FG-1004"]);
    for (const i of finished) if (i.item.startsWith("FG-")) expect(i.name).toBe(fixture.get(i.item)!.name);
    for (const l of SEED_LINES) {
      expect(ITEMS.get(l.parent)?.type, l.parent).toBe("make");
      expect(ITEMS.has(l.child), l.child).toBe(true);
    }
    const bom = buildBom(SEED_LINES);
    expect(bom.lowLevelCodes.get("RM-CAST-2")).toBe(3); // DRV-CTO-200 → FG-1004 → SF-HSG-2 → RM-CAST-2
    const drive = explode(bom, "DRV-CTO-200", 10);
    expect(drive.totals.find((t: { sku: string }) => t.sku === "RM-CAST-2")).toBeDefined();
  });

  const cases: Array<[string, Eco["changes"], string]> = [
    ["a component PLM does not know", [{ action: "add", parent: "FG-1000", child: "NUT-M8", quantity: 8 }], "changes[0].child: PLM has no item NUT-M8"],
    ["a BOM for a bought part", [{ action: "add", parent: "BOLT-M8", child: "SEAL-45", quantity: 1 }], "changes[0].parent: BOLT-M8 is a bought item; it has no BOM"],
    ["a component added twice", [{ action: "add", parent: "FG-1000", child: "BOLT-M8", quantity: 4 }], 'changes[0]: BOLT-M8 is in the BOM of FG-1000 on 2026-04-01 already (quantity 8); use "change"'],
    ["a change of a component that is not there", [{ action: "change", parent: "FG-1000", child: "SEAL-45", quantity: 1 }], "changes[0]: SEAL-45 is not in the BOM of FG-1000 on 2026-04-01"],
    ["a loop", [{ action: "add", parent: "SF-HSG-1", child: "FG-1003", quantity: 1 }], "changes: ECO ECO-T would make a loop in the BOM: SF-HSG-1 → FG-1003 → SF-HSG-1"],
  ];
  it.each(cases)("refuses an ECO with %s, naming it", (_name, changes, error) => {
    expect(() => applyEco(SEED_LINES, eco(changes), ITEMS)).toThrow(error);
  });

  it("ends the old line on the effective date and starts the new one the same day; a removal only ends it", () => {
    const after = applyEco(SEED_LINES, eco([{ action: "change", parent: "FG-1000", child: "BOLT-M8", quantity: 6 }, { action: "remove", parent: "FG-1003", child: "SEAL-45" }]), ITEMS);
    expect(after.filter((l) => l.parent === "FG-1000" && l.child === "BOLT-M8")).toEqual([
      { parent: "FG-1000", child: "BOLT-M8", quantity: 8, lossRate: 0.02, validTo: "2026-04-01" },
      { parent: "FG-1000", child: "BOLT-M8", quantity: 6, lossRate: 0.02, validFrom: "2026-04-01" },
    ]);
    expect(after.filter((l) => l.parent === "FG-1003" && l.child === "SEAL-45")).toEqual([{ parent: "FG-1003", child: "SEAL-45", quantity: 2, validTo: "2026-04-01" }]);
    const bom = buildBom(after, { date: "2026-04-01" });
    expect(bom.components.get("FG-1000")!.find((l) => l.child === "BOLT-M8")!.quantity).toBe(6);
    expect(buildBom(after, { date: "2026-03-31" }).components.get("FG-1000")!.find((l) => l.child === "BOLT-M8")!.quantity).toBe(8);
  });
});

describe("the sandbox PLM over HTTP, publishing on a fresh vhost", () => {
  let vhost: TestVhost;
  let hub: HubReceiver;
  let plm: StandIn;
  let server: { base: string; close(): Promise<void> };
  let connection: Awaited<ReturnType<typeof amqp.connect>>;
  let channel: amqp.Channel;
  const QUEUE = "test.plm.releases";

  beforeAll(async () => {
    vhost = createVhost("orderhub-sandbox-plm");
    hub = await startReceiver();
    plm = createPlm(contextFor(hub, "sandbox-key", vhost.url), { retry: { retries: 0 } });
    server = await serve(plm);
    connection = await amqp.connect(vhost.url);
    channel = await connection.createChannel();
    await channel.assertExchange(PLM_EXCHANGE, "topic", { durable: true });
    await channel.assertQueue(QUEUE, { durable: true });
    await channel.bindQueue(QUEUE, PLM_EXCHANGE, "plm.#");
  });
  afterAll(async () => {
    await connection?.close();
    await server.close();
    await hub.close();
    vhost.drop();
  });
  beforeEach(async () => {
    plm.reset();
    hub.calls.length = 0;
    hub.answer = () => ({ status: 200 });
    await channel.purgeQueue(QUEUE);
  });

  it("shows items and BOMs", async () => {
    expect((await call("GET", `${server.base}/items`)).body.count).toBe(SEED_ITEMS.length);
    const drive = await call("GET", `${server.base}/boms/DRV-CTO-200`);
    expect(drive.body.lines.map((l: { child: string }) => l.child)).toEqual(["FG-1004", "MOT-075", "CAB-CTRL", "BOLT-M8"]);
    expect(new Set(drive.body.structure.map((l: { parent: string }) => l.parent))).toEqual(new Set(["DRV-CTO-200", "FG-1004", "SF-HSG-2"]));
    expect((await call("GET", `${server.base}/boms`)).body.count).toBe(9);
    expect((await call("GET", `${server.base}/boms/BOLT-M8`)).body.error).toBe("BOLT-M8 is a bought item; it has no BOM");
    expect((await call("GET", `${server.base}/boms/NOPE`)).status).toBe(404);
  });

  it("records an ECO once, refuses one it cannot apply, naming the field", async () => {
    const change = { id: "ECO-100", reason: "bolt count reduced after FEA", effectiveDate: "2026-04-01", changes: [{ action: "change", parent: "FG-1000", child: "BOLT-M8", quantity: 6 }] };
    expect((await call("POST", `${server.base}/ecos`, change)).status).toBe(201);
    expect(await call("POST", `${server.base}/ecos`, change)).toMatchObject({ status: 200, body: { repeat: true } });
    expect((await call("POST", `${server.base}/ecos`, { ...change, reason: "another" })).status).toBe(409);
    expect((await call("POST", `${server.base}/ecos`, { ...change, id: "ECO-101", effectiveDate: "1 April" })).body.error).toBe('effectiveDate: must be a date YYYY-MM-DD (is "1 April")');
    expect((await call("POST", `${server.base}/ecos`, { ...change, id: "ECO-102", changes: [{ action: "swap", parent: "FG-1000", child: "BOLT-M8" }] })).body.error).toBe('changes[0].action: must be "add", "change" or "remove" (is "swap")');
    expect((await call("POST", `${server.base}/ecos`, { ...change, id: "ECO-103", changes: [{ action: "change", parent: "FG-1000", child: "BOLT-M8", lossRate: 1 }] })).body.error).toBe("changes[0].lossRate: must be below 1 (0.05 is 5 % loss; is 1)");
    expect((await call("POST", `${server.base}/ecos`, { ...change, id: "ECO-104", changes: [] })).status).toBe(422);
    expect((plm.state() as any).ecos).toHaveLength(1);
  });

  it("releases a BOM: plm.bom.released persistent on orderhub.plm with the lines, then PUT to the hub; a 404 there is only noted", async () => {
    hub.answer = (c) => (c.path === "/api/planning/boms" ? { status: 404, body: { error: "no route" } } : { status: 200 });
    await call("POST", `${server.base}/ecos`, { id: "ECO-200", reason: "second seal", effectiveDate: "2026-05-01", changes: [{ action: "add", parent: "SF-HSG-1", child: "SEAL-45", quantity: 1 }] });
    const released = await call("POST", `${server.base}/releases`, { item: "FG-1000" });
    expect(released).toMatchObject({ status: 201, body: { item: "FG-1000", revision: 1, messageId: "plm:FG-1000:1", ecos: ["ECO-200"] } });

    const message = await until("the release on the broker", async () => (await channel.get(QUEUE, { noAck: true })) || undefined);
    expect(message.fields).toMatchObject({ exchange: PLM_EXCHANGE, routingKey: BOM_RELEASED });
    expect(message.properties).toMatchObject({ deliveryMode: 2, messageId: "plm:FG-1000:1", contentType: "application/json", type: BOM_RELEASED });
    const body = JSON.parse(message.content.toString("utf8"));
    expect(body).toMatchObject({ event: BOM_RELEASED, item: "FG-1000", revision: 1 });
    expect(body.lines).toEqual([
      { parent: "FG-1000", child: "SF-HSG-1", quantity: 1 },
      { parent: "FG-1000", child: "BOLT-M8", quantity: 8, lossRate: 0.02 },
      { parent: "SF-HSG-1", child: "RM-CAST-1", quantity: 1, lossRate: 0.03 },
      { parent: "SF-HSG-1", child: "SEAL-45", quantity: 1, validFrom: "2026-05-01" },
    ]);

    const put = await until("the PUT to the hub", () => hub.on("/api/planning/boms")[0]);
    expect(put.method).toBe("PUT");
    expect(put.body).toMatchObject({ item: "FG-1000", revision: 1, lines: body.lines });
    await until("the 404 noted", () => (plm.state() as any).failedCallbacks.length === 1);
    expect((plm.state() as any).failedCallbacks[0]).toMatchObject({ method: "PUT", path: "/api/planning/boms", status: 404 });

    // nothing changed: the same release, nothing published again
    expect(await call("POST", `${server.base}/releases`, { item: "FG-1000" })).toMatchObject({ status: 200, body: { revision: 1, repeat: true } });
    expect(await channel.get(QUEUE, { noAck: true })).toBe(false);
    expect((await call("POST", `${server.base}/releases`, { item: "RM-CAST-1" })).status).toBe(422);
    expect((await call("POST", `${server.base}/releases`, { item: "NOPE" })).status).toBe(404);
  });

  it("answers 503 and releases nothing when the broker cannot be reached", async () => {
    const offline = createPlm(contextFor(hub, undefined, "amqp://guest:guest@127.0.0.1:1"));
    const s = await serve(offline);
    try {
      const answer = await call("POST", `${s.base}/releases`, { item: "FG-1001" });
      expect(answer.status).toBe(503);
      expect(answer.body.error).toContain("the release of FG-1001 could not be published on orderhub.plm");
      expect((offline.state() as any).releases).toHaveLength(0);
      expect(hub.on("/api/planning/boms")).toHaveLength(0);
    } finally {
      await s.close();
    }
  });
});
