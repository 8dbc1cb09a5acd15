import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAIN, PING_FLOW, hubEnv, startHubProcess, tempHubDir, waitForHealthy } from "./support/hub-process";

/** Run the hub expecting it to refuse to start; returns its exit status and what it wrote. */
function refusedStart(env: Record<string, string>, flows: Record<string, unknown[]> = {}) {
  const { dir, flowsDir, dataDir } = tempHubDir();
  for (const [file, nodes] of Object.entries(flows)) writeFileSync(join(flowsDir, file), JSON.stringify(nodes));
  try {
    const run = spawnSync(process.execPath, [MAIN], { env: hubEnv(dataDir, flowsDir, env), encoding: "utf8", timeout: 20_000 });
    return { status: run.status, stderr: run.stderr, output: run.stdout + run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("stopping", () => {
  it("exits 0 within a few seconds of SIGTERM, after stopping the flows", async () => {
    const hub = await startHubProcess();
    expect(await waitForHealthy(hub.url)).toBe(200);
    const begun = Date.now();
    const code = await hub.stop();
    expect(code).toBe(0);
    expect(Date.now() - begun).toBeLessThan(5000);
    expect(hub.output()).toContain("Stopped flows");
  });
});

describe("refusing to start on bad configuration", () => {
  it.each([
    ["ORDERHUB_SANDBOX", "maybe", "use on or off"],
    ["ORDERHUB_SANDBOX", "on", "not part of this release"],
    ["PORT", "eighty", "whole number"],
    ["LOG_LEVEL", "loud", "use one of"],
  ])("exits non-zero with one line naming %s=%s", (name, value, says) => {
    const run = refusedStart({ [name]: value });
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(lines[0]).toContain(says);
  });

  it("exits 1 naming both files when a node id appears in two flow files", () => {
    const run = refusedStart({}, { "a.json": PING_FLOW, "b.json": [PING_FLOW[0]] });
    expect(run.status).toBe(1);
    expect(run.output).toContain("node id ping.tab (tab) appears in both a.json and b.json");
  });
});

describe("health while the flows cannot run", () => {
  it("answers 503 degraded while a node type used by a flow is missing", async () => {
    const flows = { "broken.json": [...PING_FLOW, { id: "x1", type: "no-such-node", z: "ping.tab", x: 1, y: 1, wires: [] }] };
    const hub = await startHubProcess({ flows });
    try {
      const res = await fetch(`${hub.url}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "degraded", flows: { running: false } });
    } finally {
      await hub.stop();
    }
  });
});
