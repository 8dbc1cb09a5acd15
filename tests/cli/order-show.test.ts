import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../support/amqp";
import { ensureBuilt } from "../support/build";
import { closedPort, runCliAsync, type CliRun } from "../support/cli";
import { createVhost, type TestVhost } from "../support/rabbit";
import { o2cEvent, publishEvent, releasedEvent } from "../support/timeline";
import { until } from "../support/wait";
import { shippedFlowFiles, startHubProcess, type HubProcess } from "../runtime/support/hub-process";

const KEY = "C-WEST/PO-77/0";

let vhost: TestVhost;
let hub: HubProcess;
let client: TestClient;

/** The command as an operator runs it, against the hub unless told another --hub. */
function orderhub(args: string[], url = hub.url): Promise<CliRun> {
  return runCliAsync([...args, "--hub", url]);
}

beforeAll(async () => {
  ensureBuilt("dist/cli/commands/order.js", "dist/nodes/timeline-record/index.html");
  vhost = createVhost("orderhub-order-show");
  hub = await startHubProcess({ env: { AMQP_URL: vhost.url }, flows: shippedFlowFiles("config.json", "order-timeline.json") });
  client = await TestClient.connect(vhost.url);
  await client.consumed("orderhub.timeline", 20_000);
  // an order promised long ago for two lines, shipped in part: late
  const released = releasedEvent(KEY, [
    { lineNumber: "1", sku: "GH-100", quantity: 10, date: "2020-01-08" },
    { lineNumber: "2", sku: "BR-200", quantity: 2.5, date: "2020-01-10" },
  ]);
  await publishEvent(client, "order.accepted", released.order, "accepted-77");
  await publishEvent(client, "order.released", released, "released-77");
  await publishEvent(client, "order.booked", o2cEvent("order.booked", KEY, "erp", "SO-900077", "2020-01-03T08:15:00Z"), "booked-77");
  await publishEvent(client, "order.shipped", o2cEvent("order.shipped", KEY, "wms", "DN-77-1", "2020-01-09T16:40:00Z", { lines: [{ lineNumber: "1", quantity: 6 }] }), "shipped-77");
  await until("the shipment on the timeline", async () => {
    const res = await fetch(`${hub.url}/api/orders/PO-77`);
    return res.ok && ((await res.json()) as { orders: Array<{ state: string }> }).orders[0].state === "shipped";
  });
}, 120_000);

afterAll(async () => {
  await client?.close();
  await hub?.stop();
  vhost?.drop();
});

describe("orderhub order show", () => {
  it("prints the timeline as an aligned table, with the state, the promise and what is still open", async () => {
    const run = await orderhub(["order", "show", "PO-77", "--buyer", "C-WEST"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("order C-WEST/PO-77/0 (buyer C-WEST): shipped, promised for 2020-01-10 — LATE");
    const header = lines[2];
    expect(header).toMatch(/^time \(UTC\)\s+milestone\s+system\s+document$/);
    const booked = lines.find((l) => l.includes("booked"))!;
    const shipped = lines.find((l) => l.includes("DN-77-1"))!;
    expect(booked).toMatch(/^2020-01-03 08:15:00\s+booked\s+erp\s+SO-900077$/);
    expect(shipped).toMatch(/^2020-01-09 16:40:00\s+shipped\s+wms\s+DN-77-1$/);
    // the columns line up under their heads
    for (const row of [booked, shipped]) {
      expect(row.indexOf("erp") === header.indexOf("system") || row.indexOf("wms") === header.indexOf("system")).toBe(true);
    }
    const milestones = lines.slice(3, lines.indexOf("", 3)).map((l) => l.split(/\s{2,}/)[1]);
    expect(milestones).toEqual(expect.arrayContaining(["received", "normalized", "audited", "priced", "credit-checked", "atp-confirmed", "approved", "booked", "shipped"]));
    expect(milestones).toHaveLength(9);
    const table = lines.slice(lines.findIndex((l) => l.startsWith("line"))).join("\n");
    expect(table).toContain(["line  sku     ordered  shipped  invoiced  open", "1     GH-100       10        6         0     4", "2     BR-200      2.5        0         0   2.5"].join("\n"));
    expect(run.stdout.endsWith("\n\ndocuments: ERP order SO-900077\n")).toBe(true);
  });

  it("says so, exit 1, for an order the hub was never told of, and when the hub cannot be reached", async () => {
    const unknown = await orderhub(["order", "show", "PO-NONE"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("orderhub order show: the timeline knows no order PO-NONE\n");
    const port = await closedPort();
    const down = await orderhub(["order", "show", "PO-77"], `http://127.0.0.1:${port}`);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/^orderhub order show: cannot reach the hub at http:\/\/127\.0\.0\.1:\d+: .*\(is it running\? set --hub or ORDERHUB_URL\)\n$/);
  });
});

describe("orderhub order list", () => {
  it("lists the late orders, and refuses a state that is none with exit 2", async () => {
    const late = await orderhub(["order", "list", "--late"]);
    expect(late.status).toBe(0);
    const [head, row, ...rest] = late.stdout.trimEnd().split("\n");
    expect(head).toMatch(/^order\s+buyer\s+state\s+promised\s+late\s+last moved \(UTC\)$/);
    expect(row).toMatch(/^PO-77\s+C-WEST\s+shipped\s+2020-01-10\s+LATE\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(rest).toEqual([]);
    expect((await orderhub(["order", "list", "--state", "delivered"])).stdout).toBe("no order matches\n");
    const bad = await orderhub(["order", "list", "--state", "shipped,gone"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^orderhub order list: the hub refused it: state=gone is no order state; the states are received, /);
  });
});
