import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build";
import { inputFiles, runCli, type InputFiles } from "../support/cli";

// orderhub forecast FILE, orderhub quote FILE and orderhub bom cost ITEM|FILE, as a planner and a salesman run them.
const orderhub = (args: string[], input?: string) => runCli(args, input, { ORDERHUB_URL: "" });

let files: InputFiles;
const file = (name: string, content: unknown) => files.file(name, content);

const BOM = [
  { parent: "LAMP", child: "HEAD", quantity: 1 },
  { parent: "LAMP", child: "SCREW", quantity: 4 },
  { parent: "HEAD", child: "BULB", quantity: 1 },
  { parent: "HEAD", child: "SCREW", quantity: 2 },
];

beforeAll(() => {
  ensureBuilt("dist/cli/commands/planning-extras.js");
  files = inputFiles("orderhub-cli-extras-");
}, 180_000);
afterAll(() => files.remove());

describe("orderhub forecast FILE", () => {
  const history = { items: [{ item: "FAN", history: [10, 20, 30, 40] }], horizon: 2, start: "2026-07-06", bucket: "week" };

  it("auto: names the method it chose and why, lines dated for MRP", () => {
    const { status, stdout, stderr } = orderhub(["forecast", file("f.json", history)]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const f = JSON.parse(stdout).forecasts[0];
    expect(f.method).toBe("wma"); // a rising series: the newest months weigh most
    expect(f.reason).toMatch(/^weighted moving average: lowest MAPE/);
    expect(f.lines.map((l: any) => l.date)).toEqual(["2026-07-06", "2026-07-13"]);
  });

  it("--method ma from standard input", () => {
    const { status, stdout } = orderhub(["forecast", "-", "--method", "ma"], JSON.stringify(history));
    expect(status).toBe(0);
    expect(JSON.parse(stdout).forecasts[0].lines.map((l: any) => l.quantity)).toEqual([30, 30]);
  });

  it("a bad method is one line and exit 2", () => {
    const { status, stderr } = orderhub(["forecast", file("f2.json", history), "--method", "magic"]);
    expect(status).toBe(2);
    expect(stderr).toBe(`orderhub forecast: ${path.join(files.dir, "f2.json")}: --method: must be one of auto, ratio, ma, wma (is "magic")\n`);
  });
});

describe("orderhub quote FILE", () => {
  it("prints every part of the price and the flag", () => {
    const q = { item: "LAMP", quantity: 10, bom: BOM, materials: { BULB: { standardCost: 2 }, SCREW: { marketPrice: 0.1 } }, routing: [{ operation: "assembly", hoursPerUnit: 0.5, labourRate: 30 }], otherCosts: { freight: 12 }, targetMarginPercent: 20, basePrice: 30 };
    const { status, stdout } = orderhub(["quote", file("q.json", q)]);
    expect(status).toBe(0);
    // material 20 + 6 = 26, labour 150, freight 12: cost 188, price 235, 23.50 a lamp, below 30
    expect(JSON.parse(stdout)).toMatchObject({ totals: { material: 26, labour: 150, other: 12, cost: 188, margin: 47, price: 235 }, unitPrice: 23.5, belowBasePrice: true });
  });

  it("a file that is not JSON is one line and exit 2", () => {
    const { status, stderr } = orderhub(["quote", file("bad.json", "{")]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/^orderhub quote: .*bad\.json: not JSON/);
  });
});

describe("orderhub bom cost ITEM|FILE", () => {
  it("a file: the rolled-up cost, level by level", () => {
    const { status, stdout } = orderhub(["bom", "cost", file("c.json", { bom: BOM, standardCost: { BULB: 2, SCREW: 0.1 }, addedCost: { HEAD: 0.5 } }), "--item", "LAMP"]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ item: "LAMP", unitCost: 3.1, levels: [{ level: 1, boughtCost: 0.4, addedCost: 0.5 }, { level: 2, boughtCost: 2.2, addedCost: 0 }] });
  });

  it("a bought part without a cost is named, exit 2", () => {
    const { status, stderr } = orderhub(["bom", "cost", file("c2.json", { item: "LAMP", bom: BOM, standardCost: { SCREW: 0.1 } })]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/standardCost\.BULB: a bought part needs a standard cost from 0 \(is missing; used in LAMP → HEAD → BULB\)/);
  });

  it("an item: asks the hub, and says so when none answers (exit 1)", () => {
    const { status, stderr } = orderhub(["bom", "cost", "LAMP", "--url", "http://127.0.0.1:9"]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/^orderhub bom cost: LAMP is no file here, and the hub at http:\/\/127\.0\.0\.1:9 cannot be reached to cost it/);
  });
});
