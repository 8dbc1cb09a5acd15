import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, ensureBuilt } from "../support/build";
import { createVhost, type TestVhost } from "../support/rabbit";
import { until } from "../support/wait";

// `orderhub sandbox` runs the stand-ins without a hub and prints where; `orderhub sandbox fault` flips a switch of a
// running one over HTTP.

const CLI = join(ROOT, "dist/cli/main.js");
let vhost: TestVhost;
let proc: ChildProcess;
let out = "";
let base: string;

const fault = (...args: string[]) => spawnSync(process.execPath, [CLI, "sandbox", "fault", ...args], { cwd: ROOT, encoding: "utf8" });
const faults = async (system: string) => (await fetch(`${base}/sandbox/${system}/_faults`)).json();

beforeAll(async () => {
  ensureBuilt("dist/cli/main.js", "dist/sandbox/erp/erp.wsdl");
  vhost = createVhost("orderhub-cli-sandbox");
  proc = spawn(process.execPath, [CLI, "sandbox", "--port", "0"], { cwd: ROOT, env: { ...process.env, AMQP_URL: vhost.url, LOG_LEVEL: "warn" } });
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const wsdl = await until("the sandbox's addresses", () => /erp\s+(http:\/\/127\.0\.0\.1:\d+)\/sandbox\/erp\?wsdl/.exec(out));
  base = wsdl[1];
}, 180_000);

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc.once("close", r));
    proc.kill("SIGTERM");
    await exited;
  }
  vhost?.drop();
});

describe("orderhub sandbox", () => {
  it("prints where each stand-in answers, all on 127.0.0.1 and one port", async () => {
    for (const system of ["erp", "oa", "crm", "tms", "wms", "plm", "finance"]) expect(out).toMatch(new RegExp(`^${system}\\s+${base}/sandbox/${system}`, "m"));
    expect((await fetch(`${base}/sandbox/erp?wsdl`)).status).toBe(200);
  });

  it("fault: down, latency, error rate and clear reach the running stand-in", async () => {
    const down = fault("tms", "down", "--hub", base);
    expect(down.status).toBe(0);
    expect(down.stdout).toContain('tms: {"down":true');
    expect(await faults("tms")).toMatchObject({ down: true });
    expect(fault("erp", "latency", "150", "--hub", base).status).toBe(0);
    expect(fault("erp", "error-rate", "0.25", "--hub", base).status).toBe(0);
    expect(await faults("erp")).toMatchObject({ latencyMs: 150, errorRate: 0.25 });
    expect(fault("--hub", base, "tms", "clear").status).toBe(0);
    expect(await faults("tms")).toMatchObject({ down: false });
  });

  it.each([
    [["nowhere", "down"], 2, /"nowhere" is not a system/],
    [["tms", "sideways"], 2, /"sideways" is not a fault switch/],
    [["erp", "error-rate", "2"], 2, /errorRate: must be a number from 0 to 1/],
  ])("fault %o exits %i saying what is wrong", (args, status, message) => {
    const run = fault(...args, "--hub", base);
    expect(run.status).toBe(status);
    expect(run.stderr).toMatch(message);
  });

  it("fault exits 1 naming the address when nothing answers there", () => {
    const run = fault("tms", "down", "--hub", "http://127.0.0.1:1");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("cannot reach http://127.0.0.1:1/sandbox/tms/_faults");
  });
});
