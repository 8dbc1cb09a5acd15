import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient, json } from "../support/amqp";
import { ensureBuilt } from "../support/build";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { shippedFlowFiles, startHubProcess, type HubProcess } from "../runtime/support/hub-process";

// A workshop that makes stools: STOOL = SEAT + 3 LEG. Seats come from ACME in two weeks, legs from WOODCO in one; a
// stool takes a week to make. Two customers' released orders wait for stools in weeks 3 and 4 of the plan.
const item = (sku: string, extra: Record<string, unknown>) => ({ sku, name: sku, unit: "H87", productionMode: "MTS", ...extra });
const MASTER = {
  items: [
    item("STOOL", { leadTimeDays: 7, source: "make" }),
    item("SEAT", { leadTimeDays: 14, source: "buy", supplier: "ACME" }),
    item("LEG", { leadTimeDays: 7, source: "buy", supplier: "WOODCO" }),
  ],
  supply: [
    { sku: "LEG", warehouse: "WH-A", type: "on-hand", quantity: 9 },
    { sku: "SEAT", warehouse: "WH-A", type: "on-hand", quantity: 1 },
  ],
  reservations: [
    { sku: "STOOL", warehouse: "WH-A", quantity: 5, date: "2026-06-15", order: "C-1/PO-1/0" },
    { sku: "STOOL", warehouse: "WH-A", quantity: 4, date: "2026-06-22", order: "C-2/PO-7/0" },
  ],
};

let vhost: TestVhost;
let hub: HubProcess;
let client: TestClient;
let oa: Server;
const oaRequests: { headers: Record<string, unknown>; body: any }[] = [];

beforeAll(async () => {
  ensureBuilt("dist/runtime/api/planning.js", "dist/nodes/bom-import/index.js");
  vhost = createVhost("orderhub-planning-api");
  client = await TestClient.connect(vhost.url);
  await client.ch.assertExchange("orderhub.plm", "topic", { durable: true }); // PLM's exchange
  oa = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      oaRequests.push({ headers: req.headers, body: JSON.parse(body) });
      res.writeHead(202, { "content-type": "application/json" }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((r) => oa.listen(0, "127.0.0.1", r));
  const oaUrl = `http://127.0.0.1:${(oa.address() as AddressInfo).port}/approvals`;
  hub = await startHubProcess({ env: { AMQP_URL: vhost.url, ORDERHUB_OA_URL: oaUrl, ORDERHUB_SANDBOX: "off" }, flows: shippedFlowFiles("config.json", "planning.json") });
  for (const kind of ["items", "supply", "reservations"] as const) expect((await call("PUT", `/api/master/${kind}`, MASTER[kind])).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await client?.close();
  await new Promise((r) => oa?.close(r));
  vhost?.drop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe("BOMs over REST", () => {
  it("PUT /api/planning/boms stores JSON lines; the BOM, its explosion and where-used come back", async () => {
    const put = await call("PUT", "/api/planning/boms", [{ parent: "STOOL", child: "SEAT", quantity: 1 }, { parent: "STOOL", child: "LEG", quantity: 3 }], { "x-user": "plm.jane" });
    expect(put).toMatchObject({ status: 200, body: { replaced: ["STOOL"], lines: 2 } });
    expect((await call("GET", "/api/planning/boms/STOOL")).body).toEqual({ item: "STOOL", lowLevelCode: 0, lines: [{ parent: "STOOL", child: "SEAT", quantity: 1 }, { parent: "STOOL", child: "LEG", quantity: 3 }] });
    const exploded = (await call("GET", "/api/planning/boms/STOOL/explode?quantity=10")).body;
    expect(exploded.totals).toEqual([{ sku: "LEG", lowLevelCode: 1, quantity: 30 }, { sku: "SEAT", lowLevelCode: 1, quantity: 10 }]);
    expect((await call("GET", "/api/planning/boms/LEG/where-used")).body.usedIn).toEqual([{ level: 1, parent: "STOOL", component: "LEG", quantityPer: 3, path: ["STOOL", "LEG"] }]);
    expect((await call("GET", "/api/planning/boms/NOPE")).status).toBe(404);
  });

  it("takes CSV with the header parent,child,quantity,lossRate,validFrom,validTo, and names a bad cell by its row", async () => {
    const csv = "parent,child,quantity,lossRate,validFrom,validTo\nBENCH,LEG,4,0.05,,\nBENCH,PLANK,2,,2026-01-01,\n";
    const put = await fetch(`${hub.url}/api/planning/boms`, { method: "PUT", headers: { "content-type": "text/csv" }, body: csv });
    expect(put.status).toBe(200);
    expect((await call("GET", "/api/planning/boms/BENCH")).body.lines).toEqual([{ parent: "BENCH", child: "LEG", quantity: 4, lossRate: 0.05 }, { parent: "BENCH", child: "PLANK", quantity: 2, validFrom: "2026-01-01" }]);
    const bad = await fetch(`${hub.url}/api/planning/boms`, { method: "PUT", headers: { "content-type": "text/csv" }, body: "parent,child,quantity\nBENCH,LEG,four\n" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('CSV row 2: quantity "four" is not a number');
  });

  it("refuses a cycle with 409 naming the loop, and stores nothing of it", async () => {
    const res = await call("PUT", "/api/planning/boms", [{ parent: "LEG", child: "BENCH", quantity: 1 }]);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "bom-cycle", loop: ["BENCH", "LEG", "BENCH"] });
    expect((await call("GET", "/api/planning/boms/LEG")).status).toBe(200); // LEG is a component, and has no BOM of its own
    expect((await call("GET", "/api/planning/boms/LEG")).body.lines).toEqual([]);
  });
});

describe("an ECO: previewed, sent to OA, approved, applied with its history", () => {
  const ECO = { id: "ECO-9", reason: "oak legs from March", effectiveDate: "2027-03-01", changes: [{ match: { component: "LEG", parents: ["STOOL"] }, action: "replace", to: "LEG-OAK" }] };

  it("preview lists every BOM it touches, before → after, and changes nothing", async () => {
    expect((await call("POST", "/api/planning/ecos", ECO)).status).toBe(201);
    const preview = await call("POST", "/api/planning/ecos/ECO-9/preview");
    expect(preview.status).toBe(200);
    expect(preview.body.boms).toEqual([
      {
        parent: "STOOL",
        changes: [0],
        before: [{ parent: "STOOL", child: "SEAT", quantity: 1 }, { parent: "STOOL", child: "LEG", quantity: 3 }],
        after: [{ parent: "STOOL", child: "SEAT", quantity: 1 }, { parent: "STOOL", child: "LEG", quantity: 3, validTo: "2027-03-01" }, { parent: "STOOL", child: "LEG-OAK", quantity: 3, validFrom: "2027-03-01" }],
      },
    ]);
    expect((await call("GET", "/api/planning/boms/STOOL")).body.lines).toHaveLength(2);
  });

  it("a decision before it is submitted is refused; submitted, OA gets the request with the BOMs it touches", async () => {
    expect((await call("POST", "/api/planning/ecos/ECO-9/decision", { decision: "approve", by: "eng.lead" })).status).toBe(409);
    const sent = await call("POST", "/api/planning/ecos/ECO-9/submit");
    expect(sent).toMatchObject({ status: 200, body: { status: "pending", approvalId: "eco-ECO-9" } });
    expect(oaRequests).toHaveLength(1);
    expect(oaRequests[0].headers["idempotency-key"]).toBe("eco-ECO-9");
    expect(oaRequests[0].body).toMatchObject({ kind: "eco", ecoId: "ECO-9", reason: "oak legs from March", effectiveDate: "2027-03-01", boms: [{ parent: "STOOL" }] });
  });

  it("approved: applied from its effective date, and GET …/history shows who, when, why, before, after", async () => {
    const decided = await call("POST", "/api/planning/ecos/ECO-9/decision", { decision: "approve", by: "eng.lead", comment: "ok" });
    expect(decided).toMatchObject({ status: 200, body: { status: "applied", decision: { by: "eng.lead", comment: "ok" } } });
    expect((await call("GET", "/api/planning/boms/STOOL?date=2027-02-28")).body.lines.map((l: { child: string }) => l.child)).toEqual(["SEAT", "LEG"]);
    expect((await call("GET", "/api/planning/boms/STOOL?date=2027-03-01")).body.lines.map((l: { child: string }) => l.child)).toEqual(["SEAT", "LEG-OAK"]);
    const history = (await call("GET", "/api/planning/boms/STOOL/history")).body.changes;
    expect(history.map((h: { who: string; why: string; ecoId?: string }) => [h.who, h.why, h.ecoId])).toEqual([
      ["plm.jane", "BOM import (PUT /api/planning/boms)", undefined],
      ["eng.lead", "oak legs from March", "ECO-9"],
    ]);
    expect(history[1].after).toHaveLength(3);
    expect((await call("POST", "/api/planning/ecos/ECO-9/decision", { decision: "reject", by: "late.larry" })).status).toBe(409);
  });
});

describe("kitting and MRP on the stored BOM, stock and released orders", () => {
  it("POST /api/planning/kitting: 1 stool from 1 seat and 9 legs; the seat is short for a second", async () => {
    const res = await call("POST", "/api/planning/kitting", { item: "STOOL", date: "2026-06-01" });
    expect(res.body).toEqual({ item: "STOOL", date: "2026-06-01", multiLevel: true, buildable: 1, shortages: [{ sku: "SEAT", required: 2, available: 1, short: 1 }] });
    expect((await call("POST", "/api/planning/kitting", { item: "STOOL", quantity: -1 })).body.error).toBe("quantity: must be a whole number from 0 (is -1)");
  });

  it("POST /api/planning/mrp: weekly buckets, suggestions with dates, suppliers and the demands they cover", async () => {
    const res = await call("POST", "/api/planning/mrp", { from: "2026-06-01", periods: 6, bucket: "week" });
    expect(res.status).toBe(200);
    const brief = res.body.plannedOrders.map((s: any) => [s.kind, s.item, s.quantity, s.releaseDate, s.dueDate, s.supplier ?? null, s.pastDue]);
    expect(brief).toEqual([
      ["production", "STOOL", 5, "2026-06-08", "2026-06-15", null, false],
      ["production", "STOOL", 4, "2026-06-15", "2026-06-22", null, false],
      ["purchase", "LEG", 6, "2026-06-01", "2026-06-08", "WOODCO", false],
      ["purchase", "LEG", 12, "2026-06-08", "2026-06-15", "WOODCO", false],
      ["purchase", "SEAT", 4, "2026-06-01", "2026-06-08", "ACME", true],
      ["purchase", "SEAT", 4, "2026-06-01", "2026-06-15", "ACME", false],
    ]);
    expect(res.body.plannedOrders[0].covers).toEqual([{ source: "order C-1/PO-1/0", date: "2026-06-15", quantity: 5 }]);
    expect(res.body.plannedOrders[4].covers).toEqual([{ source: "planned STOOL/3", date: "2026-06-08", quantity: 4 }]);
    expect(res.body.exceptions).toHaveLength(1);
  });

  it("?mergeWindow=2 merges an item's orders from one supplier released within two weeks, keeping what each covered", async () => {
    const res = await call("POST", "/api/planning/mrp?mergeWindow=2", { from: "2026-06-01", periods: 6, bucket: "week" });
    const legs = res.body.plannedOrders.filter((s: any) => s.item === "LEG");
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({ quantity: 18, releaseDate: "2026-06-01", dueDate: "2026-06-08", merged: ["LEG/2", "LEG/3"] });
    expect(legs[0].covers.map((c: any) => [c.source, c.quantity])).toEqual([["planned STOOL/3", 6], ["planned STOOL/4", 12]]);
  });

  it("?publish=true publishes one planning.suggestion per planned order, each under its own message id", async () => {
    const tap = await client.tap("planning.suggestion");
    const res = await call("POST", "/api/planning/mrp?publish=true", { from: "2026-06-01", periods: 6, bucket: "week" });
    expect(res.body.published).toBe(6);
    const got = await client.collect(tap, 6);
    expect(got).toHaveLength(6);
    expect(got.map((m) => m.properties.messageId).sort()).toContain("planning.suggestion:2026-06-01/week/STOOL/3");
    expect(json(got[0])).toMatchObject({ event: "planning.suggestion", kind: "production", item: "STOOL" });
  });
});

describe("plm.bom.released over AMQP (the Planning flow)", () => {
  it("stores the BOM and its items; a cycle is dead-lettered naming the loop", async () => {
    const table = { lines: [{ parent: "TABLE", child: "LEG", quantity: 4 }], items: [item("TABLE", { leadTimeDays: 3, source: "make" })], releasedBy: "plm.jane", reason: "release 7" };
    client.ch.publish("orderhub.plm", "plm.bom.released", Buffer.from(JSON.stringify(table)), { contentType: "application/json", messageId: "plm-1" });
    await client.confirmed();
    await until("TABLE's BOM stored", async () => (await call("GET", "/api/planning/boms/TABLE")).status === 200);
    expect((await call("GET", "/api/master/items")).body.map((i: { sku: string }) => i.sku)).toContain("TABLE");
    expect((await call("GET", "/api/planning/boms/TABLE/history")).body.changes[0]).toMatchObject({ who: "plm.jane", why: "release 7" });

    client.ch.publish("orderhub.plm", "plm.bom.released", Buffer.from(JSON.stringify({ lines: [{ parent: "LEG", child: "TABLE", quantity: 1 }] })), { contentType: "application/json", messageId: "plm-2" });
    await client.confirmed();
    const [letter] = await client.collect("orderhub.dlq", 1, 15_000);
    expect(String(letter.properties.headers?.["x-orderhub-error"])).toContain("BOM cycle: LEG → TABLE → LEG");
    expect((await call("GET", "/api/planning/boms/LEG")).body.lines).toEqual([]);
  });
});
