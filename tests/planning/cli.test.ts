import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build";
import { inputFiles, runCli, type InputFiles } from "../support/cli";

const orderhub = (args: string[], input?: string) => runCli(args, input);

let files: InputFiles;
const file = (name: string, content: unknown) => files.file(name, content);

const BOM = [
  { parent: "STOOL", child: "SEAT", quantity: 1 },
  { parent: "STOOL", child: "LEG", quantity: 3, lossRate: 0.1 },
  { parent: "SEAT", child: "SCREW", quantity: 4 },
  { parent: "STOOL", child: "SCREW", quantity: 6, validFrom: "2026-05-01" },
];

beforeAll(() => {
  ensureBuilt("dist/cli/commands/planning.js");
  files = inputFiles("orderhub-cli-planning-");
}, 180_000);

afterAll(() => files.remove());

describe("orderhub kitting FILE", () => {
  it("prints how many can be built and what is short for one more", () => {
    const input = file("kit.json", { item: "STOOL", multiLevel: true, bom: BOM.slice(0, 3), stock: { SEAT: 1, LEG: 9, SCREW: 8 } });
    const { status, stdout, stderr } = orderhub(["kitting", input]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    // 3 stools: 1 seat on hand + 2 built from 8 screws, 9 legs; a 4th needs 12 legs and 12 screws
    expect(JSON.parse(stdout)).toEqual({
      buildable: 3,
      shortages: [
        { sku: "LEG", required: 12, available: 9, short: 3 },
        { sku: "SCREW", required: 12, available: 8, short: 4 },
      ],
    });
  });

  it("reads standard input", () => {
    const { status, stdout } = orderhub(["kitting", "-"], JSON.stringify({ item: "STOOL", multiLevel: false, bom: BOM.slice(0, 3), stock: {}, requestedQuantity: 0 }));
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ buildable: 0, shortages: [] });
  });
});

describe("orderhub mrp FILE", () => {
  it("prints planned orders, records and exceptions", () => {
    const input = file("mrp.json", {
      periods: 3,
      items: [
        { id: "STOOL", leadTime: 1, onHand: 0, source: "make", lotSizing: { rule: "lot-for-lot" } },
        { id: "LEG", leadTime: 2, onHand: 0, source: "buy", lotSizing: { rule: "fixed", quantity: 50 } },
      ],
      bom: [{ parent: "STOOL", child: "LEG", quantity: 3 }],
      demand: [{ item: "STOOL", period: 3, quantity: 10 }],
    });
    const { status, stdout, stderr } = orderhub(["mrp", input]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.plannedOrders).toEqual([
      { item: "STOOL", releasePeriod: 2, receiptPeriod: 3, quantity: 10, type: "production" },
      { item: "LEG", releasePeriod: 1, receiptPeriod: 2, quantity: 50, type: "purchase" },
    ]);
    expect(plan.records.LEG).toEqual({
      grossRequirements: [0, 30, 0],
      scheduledReceipts: [0, 0, 0],
      projectedAvailable: [0, 20, 20],
      netRequirements: [0, 30, 0],
      plannedReceipts: [0, 50, 0],
      plannedReleases: [50, 0, 0],
    });
    expect(plan.exceptions).toEqual([
      {
        item: "LEG",
        kind: "past-due",
        period: 2,
        message: "item LEG: the planned order of 50 for period 2 should have been released in period 0 (lead time 2); released in period 1, 1 period late: expedite it or move the demand",
      },
    ]);
  });
});

describe("orderhub bom explode FILE --item X [--date D] and bom where-used FILE --item X", () => {
  it("explodes the lines valid on the date", () => {
    const bom = file("bom.json", BOM);
    const before = JSON.parse(orderhub(["bom", "explode", bom, "--item", "STOOL", "--date", "2026-04-30"]).stdout);
    expect(before.totals).toEqual([
      { sku: "LEG", lowLevelCode: 1, quantity: 3.3 },
      { sku: "SEAT", lowLevelCode: 1, quantity: 1 },
      { sku: "SCREW", lowLevelCode: 2, quantity: 4 },
    ]);
    const after = JSON.parse(orderhub(["bom", "explode", bom, "--item", "STOOL", "--date", "2026-05-01", "--quantity", "10"]).stdout);
    expect(after.totals.find((t: { sku: string }) => t.sku === "SCREW").quantity).toBe(100);
  });

  it("lists where an item is used, multi-level by default", () => {
    const bom = file("bom-object.json", { bom: BOM });
    const { status, stdout } = orderhub(["bom", "where-used", bom, "--item", "SCREW"]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).usedIn.map((w: { path: string[] }) => w.path.join(" > "))).toEqual(["SEAT > SCREW", "STOOL > SEAT > SCREW", "STOOL > SCREW"]);
    expect(JSON.parse(orderhub(["bom", "where-used", bom, "--item", "SCREW", "--single-level"]).stdout).usedIn).toHaveLength(2);
  });
});

describe("bad input: exit 2 with one line", () => {
  it.each<[string, () => string[], string | RegExp]>([
    ["a missing file", () => ["mrp", path.join(files.dir, "nope.json")], /^orderhub mrp: .*nope\.json: no such file\n$/],
    ["a file that is not JSON", () => ["kitting", file("bad.json", "{ item")], /^orderhub kitting: .*bad\.json: not JSON \(.*\)\n$/],
    ["a BOM cycle", () => ["bom", "explode", file("loop.json", [...BOM, { parent: "SCREW", child: "STOOL", quantity: 1 }]), "--item", "STOOL"], /^orderhub bom explode: .*loop\.json: BOM cycle: SCREW → STOOL → SEAT → SCREW .*\n$/],
    ["an MRP item without a source", () => ["mrp", file("nosource.json", { periods: 1, items: [{ id: "A", leadTime: 0, onHand: 0, lotSizing: { rule: "lot-for-lot" } }], bom: [], demand: [] })], /^orderhub mrp: .*nosource\.json: items\[0\]\.source: must be one of make, buy, outsource \(is missing\)\n$/],
    ["a date that is none", () => ["bom", "where-used", file("bom2.json", BOM), "--item", "SCREW", "--date", "soon"], /^orderhub bom where-used: .*: --date: must be a date, YYYY-MM-DD \(is "soon"\)\n$/],
    ["an unknown item", () => ["bom", "explode", file("bom3.json", BOM), "--item", "TABLE"], /^orderhub bom explode: .*bom3\.json: item TABLE is in no BOM line\n$/],
    ["no --item", () => ["bom", "explode", file("bom4.json", BOM)], /required option '--item <sku>' not specified/],
  ])("%s", (_case, args, message) => {
    const { status, stdout, stderr } = orderhub(args());
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
  });
});

describe("orderhub bom import FILE", () => {
  it("stores CSV lines in the hub's store; a cycle against what is stored exits 2 naming the loop", () => {
    // LOG_LEVEL left out: the command keeps its own log off stdout
    const run = (args: string[], input?: string) => runCli(args, input, { ORDERHUB_DATA_DIR: path.join(files.dir, "data"), LOG_LEVEL: undefined });
    const csv = file("stool.csv", "parent,child,quantity,lossRate,validFrom,validTo\nSTOOL,LEG,3,,,\nSTOOL,SEAT,1,0.02,2026-01-01,\n");
    const stored = run(["bom", "import", csv, "--by", "plm.jane"]);
    expect(stored.stderr).toBe("");
    expect(stored.status).toBe(0);
    expect(JSON.parse(stored.stdout)).toEqual({ replaced: ["STOOL"], lines: 2, version: 1 });
    const loop = run(["bom", "import", "-"], JSON.stringify([{ parent: "LEG", child: "STOOL", quantity: 1 }]));
    expect(loop.status).toBe(2);
    expect(loop.stderr).toBe("orderhub bom import: stdin: BOM cycle: LEG → STOOL → LEG (an item cannot be its own component; correct one of these BOM lines)\n");
    expect(run(["bom", "import", file("bad.csv", "parent,child,quantity\nA,B,x\n")]).stderr).toMatch(/CSV row 2: quantity "x" is not a number/);
  });
});
