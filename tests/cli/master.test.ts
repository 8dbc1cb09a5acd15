import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build";
import { closedPort, inputFiles, runCliAsync, type CliRun, type InputFiles } from "../support/cli";
import { createVhost, type TestVhost } from "../support/rabbit";
import { MASTER_FILE, customer, masterFixture } from "../fixtures/master/master-data";
import { shippedFlowFiles, startHubProcess, type HubProcess } from "../runtime/support/hub-process";

let vhost: TestVhost;
let hub: HubProcess;
let files: InputFiles;

/** The command as an operator runs it, against the hub unless told another --url; the hub's answer is awaited. */
function orderhub(args: string[], url = hub.url): Promise<CliRun> {
  return runCliAsync([...args, "--url", url]);
}

const file = (name: string, content: unknown) => files.file(name, content);

beforeAll(async () => {
  ensureBuilt("dist/cli/main.js", "dist/runtime/main.js");
  vhost = createVhost("orderhub-master-cli");
  files = inputFiles("orderhub-master-cli-");
  hub = await startHubProcess({ env: { AMQP_URL: vhost.url }, flows: shippedFlowFiles("config.json", "master-data.json") });
});

afterAll(async () => {
  await hub?.stop();
  files.remove();
  vhost.drop();
});

describe("orderhub master import", () => {
  it("loads one file with every kind into the running hub and prints what it holds", async () => {
    const { status, stdout, stderr } = await orderhub(["master", "import", MASTER_FILE]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout).toContain(`replaced the master data of ${hub.url}:`);
    expect(stdout).toMatch(/customers\s+8\n/);
    expect(stdout).toMatch(/price lists\s+5\n/);
    expect(stdout).toMatch(/open items\s+9\n/);
    const exported = await orderhub(["master", "export"]);
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual(masterFixture());
  });

  it("refuses a file with a bad record in one line naming the file, the record and the field (exit 2), and changes nothing", async () => {
    const bundle = masterFixture();
    (bundle.items[4] as unknown as Record<string, unknown>).productionMode = "MTX";
    const bad = file("bad.json", bundle);
    const { status, stdout, stderr } = await orderhub(["master", "import", bad]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`orderhub master import: ${bad}: items[4].productionMode: must be one of MTS, MTO, ATO, ETO, CTO (is "MTX")\n`);
    expect(JSON.parse((await orderhub(["master", "export"])).stdout)).toEqual(masterFixture());
  });

  it.each([
    ["not JSON", "{ customers: [", /: not JSON \(/],
    ["not a bundle", "[1, 2]", /: master data must be an object with customers, items, .* \(is an array\)/],
  ])("refuses a file that is %s (exit 2)", async (name, content, message) => {
    const { status, stderr } = await orderhub(["master", "import", file(`${name}.json`, content)]);
    expect(status).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it("refuses a file that is not there (exit 2)", async () => {
    const { status, stderr } = await orderhub(["master", "import", path.join(files.dir, "missing.json")]);
    expect(status).toBe(2);
    expect(stderr).toBe(`orderhub master import: ${path.join(files.dir, "missing.json")}: no such file\n`);
  });

  it("upserts with --upsert: the records in the file are added or replaced, the others stay", async () => {
    const { status, stdout } = await orderhub(["master", "import", "--upsert", file("more.json", { customers: [customer("C-CLI")], settings: { priceTolerancePercent: 1 } })]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/customers\s+1 {2}\(now 9\)/);
    const exported = JSON.parse((await orderhub(["master", "export"])).stdout);
    expect(exported.customers).toHaveLength(9);
    expect(exported.items).toHaveLength(masterFixture().items.length);
    expect(exported.settings.priceTolerancePercent).toBe(1);
  });

  it("says so when the hub cannot be reached (exit 1)", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { status, stderr } = await orderhub(["master", "import", MASTER_FILE], url);
    expect(status).toBe(1);
    expect(stderr).toMatch(new RegExp(`^orderhub master import: cannot reach the hub at ${url}: .*ECONNREFUSED.* \\(is it running\\? set --url or ORDERHUB_URL\\)\\n$`));
  });
});
