import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { slugify } from "../../runtime/flow-files";
import { createFlowStorage } from "../../runtime/flow-storage";

const intake = [
  { id: "t.intake", type: "tab", label: "Order intake" },
  { id: "n.in", type: "http in", z: "t.intake", url: "/orders", method: "post", wires: [["n.fn"]] },
  { id: "n.fn", type: "function", z: "t.intake", func: "return msg;", wires: [[]] },
];
const config = [{ id: "c.broker", type: "amqp-broker", name: "rabbit" }];

describe("flow storage on the flows folder", () => {
  let dir: string;
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8"));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "orderhub-flows-"));
    writeFileSync(join(dir, "order-intake.json"), JSON.stringify(intake));
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("loads every *.json file into one flow, files in name order", async () => {
    writeFileSync(join(dir, "notes.txt"), "not a flow");
    const flows = await createFlowStorage({ flowsDir: dir }).getFlows();
    expect(flows.map((n) => n.id)).toEqual(["c.broker", "t.intake", "n.in", "n.fn"]);
  });

  it("splits a deploy back into one file per tab, a new tab into <label>.json, config nodes into config.json", async () => {
    const storage = createFlowStorage({ flowsDir: dir });
    const flows = await storage.getFlows();
    const added = [
      { id: "t.invoice", type: "tab", label: "Invoice → Finance" },
      { id: "n.out", type: "http request", z: "t.invoice", wires: [] },
      { id: "c.tls", type: "tls-config", name: "finance tls" },
    ];
    await storage.saveFlows([...flows, ...added]);
    expect(readdirSync(dir).sort()).toEqual(["config.json", "invoice-finance.json", "order-intake.json"]);
    expect(read("order-intake.json")).toEqual(intake);
    expect(read("invoice-finance.json")).toEqual(added.slice(0, 2));
    expect(read("config.json")).toEqual([...config, added[2]]);
  });

  it("writes stable 2-space JSON and leaves unchanged files untouched", async () => {
    const storage = createFlowStorage({ flowsDir: dir });
    const flows = await storage.getFlows();
    await storage.saveFlows(flows);
    const text = readFileSync(join(dir, "order-intake.json"), "utf8");
    expect(text).toBe(`${JSON.stringify(intake, null, 2)}\n`);
    const before = statSync(join(dir, "order-intake.json")).mtimeMs;
    await storage.saveFlows(flows);
    expect(statSync(join(dir, "order-intake.json")).mtimeMs).toBe(before);
  });

  it("moves a node with its tab and deletes the file of a deleted tab", async () => {
    const storage = createFlowStorage({ flowsDir: dir });
    await storage.saveFlows([...(await storage.getFlows()), { id: "t.x", type: "tab", label: "Scratch" }]);
    const flows = await storage.getFlows();
    const withoutIntake = flows.filter((n) => n.id !== "t.intake" && n.id !== "n.in");
    const moved = withoutIntake.map((n) => (n.id === "n.fn" ? { ...n, z: "t.x" } : n));
    await storage.saveFlows(moved);
    expect(readdirSync(dir).sort()).toEqual(["config.json", "scratch.json"]);
    expect(read("scratch.json").map((n: { id: string }) => n.id).sort()).toEqual(["n.fn", "t.x"]);
  });

  it("refuses to load a node id found in two files, naming both", async () => {
    writeFileSync(join(dir, "copy.json"), JSON.stringify([intake[0]]));
    await expect(createFlowStorage({ flowsDir: dir }).getFlows()).rejects.toThrow(
      "node id t.intake (tab) appears in both copy.json and order-intake.json",
    );
  });

  it("refuses a deploy after a failed load, so an empty editor cannot overwrite the files", async () => {
    writeFileSync(join(dir, "broken.json"), "[{");
    const storage = createFlowStorage({ flowsDir: dir });
    await expect(storage.getFlows()).rejects.toThrow(/broken\.json is not valid JSON/);
    await expect(storage.saveFlows([])).rejects.toThrow(/deploy refused/);
    expect(readdirSync(dir).sort()).toEqual(["broken.json", "config.json", "order-intake.json"]);
  });

  it("starts empty when the flows folder does not exist, and a deploy creates it", async () => {
    const missing = join(dir, "not-yet");
    const storage = createFlowStorage({ flowsDir: missing });
    expect(await storage.getFlows()).toEqual([]);
    await storage.saveFlows([{ id: "t.1", type: "tab", label: "" }]);
    expect(readdirSync(missing)).toEqual(["tab-t-1.json"]);
  });
});

describe("file names for new tabs", () => {
  it("folds a label to lower-case ASCII words joined by dashes", () => {
    expect(slugify("Order intake (EDI)")).toBe("order-intake-edi");
    expect(slugify("Café Überweisung")).toBe("cafe-uberweisung");
    expect(slugify("订单")).toBe("");
  });
});
