import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";
import { type HubProcess, startHubProcess, waitForHealthy } from "./support/hub-process";

// A hub as `npm start` runs it on a fresh clone: ORDERHUB_SANDBOX unset, so the stand-in systems answer on the hub's
// port, and everything that could mislead someone into sending real orders says SANDBOX.

/** An address of this machine that is not loopback, to be a "remote" client of our own hub; undefined if none. */
function remoteAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

let vhost: TestVhost;

beforeAll(() => {
  vhost = createVhost("orderhub-sandbox-hub");
});

afterAll(() => vhost?.drop());

describe("a hub with the sandbox on (the default)", () => {
  let hub: HubProcess;
  beforeAll(async () => {
    hub = await startHubProcess({ env: { AMQP_URL: vhost.url } });
    expect(await waitForHealthy(hub.url)).toBe(200);
  });
  afterAll(async () => {
    expect(await hub?.stop()).toBe(0);
  });

  it("logs one line saying which stand-ins answer where, before the start line", () => {
    const lines = hub.output().split("\n");
    const sandbox = lines.findIndex((l) => l.includes("SANDBOX: stand-in"));
    expect(sandbox).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(lines[sandbox]).msg).toBe(
      `SANDBOX: stand-in ERP, OA, CRM, TMS, WMS, PLM, finance answer at http://127.0.0.1:${hub.port}/sandbox/… — no real system is called; ` +
        "set ORDERHUB_SANDBOX=off and the system URLs for production",
    );
    expect(sandbox).toBeLessThan(lines.findIndex((l) => l.includes("OrderHub started")));
  });

  it("says so on /health, still ok", async () => {
    const res = await fetch(`${hub.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", sandbox: true });
  });

  it("says so in the editor's header", async () => {
    const theme = (await (await fetch(`${hub.url}/admin/theme`)).json()) as { header: { title: string } };
    expect(theme.header.title).toBe("OrderHub — SANDBOX");
  });

  it("lists the stand-ins at /sandbox, the ERP with its WSDL, which names the hub's port", async () => {
    const list = (await (await fetch(`${hub.url}/sandbox`)).json()) as { sandbox: boolean; standIns: Array<{ name: string; url: string; wsdl?: string }> };
    expect(list.sandbox).toBe(true);
    expect(list.standIns.map((s) => s.name)).toEqual(["erp", "oa", "crm", "tms", "wms", "plm", "finance"]);
    const erp = list.standIns.find((s) => s.name === "erp")!;
    expect(erp).toMatchObject({ url: `${hub.url}/sandbox/erp`, wsdl: `${hub.url}/sandbox/erp?wsdl` });
    expect(await (await fetch(erp.wsdl!)).text()).toContain(`<soap:address location="${hub.url}/sandbox/erp"/>`);
  });

  it("runs the WMS on the hub's broker", async () => {
    await until("the WMS consuming", async () => ((await (await fetch(`${hub.url}/sandbox/wms/_state`)).json()) as { consuming: boolean }).consuming);
  });

  it("flips a stand-in's fault switch over HTTP", async () => {
    const put = await fetch(`${hub.url}/sandbox/erp/_faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ down: true }) });
    expect(await put.json()).toMatchObject({ down: true });
    expect((await fetch(`${hub.url}/sandbox/erp?wsdl`)).status).toBe(503);
    await fetch(`${hub.url}/sandbox/erp/_faults`, { method: "DELETE" });
    expect((await fetch(`${hub.url}/sandbox/erp?wsdl`)).status).toBe(200);
  });

  const remote = remoteAddress();
  it.skipIf(!remote)("answers /sandbox to loopback callers only: 403 from another address, while /health answers there", async () => {
    const res = await fetch(`http://${remote}:${hub.port}/sandbox/erp?wsdl`);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/127\.0\.0\.1 only/);
    expect((await fetch(`http://${remote}:${hub.port}/health`)).status).toBe(200);
  });
});

describe("a hub with ORDERHUB_SANDBOX=off", () => {
  let hub: HubProcess;
  beforeAll(async () => {
    hub = await startHubProcess({ env: { AMQP_URL: vhost.url, ORDERHUB_SANDBOX: "off" } });
    expect(await waitForHealthy(hub.url)).toBe(200);
  });
  afterAll(async () => {
    expect(await hub?.stop()).toBe(0);
  });

  it("has no stand-ins, and says nothing of a sandbox", async () => {
    expect((await fetch(`${hub.url}/sandbox`)).status).toBe(404);
    expect(await (await fetch(`${hub.url}/health`)).json()).toMatchObject({ status: "ok", sandbox: false });
    expect(((await (await fetch(`${hub.url}/admin/theme`)).json()) as { header: { title: string } }).header.title).toBe("OrderHub");
    expect(hub.output()).not.toContain("SANDBOX");
  });
});
