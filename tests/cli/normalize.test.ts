import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../support/build";
import { OWN, PUBLIC } from "../support/fixtures";
import { edifactInterchange, edifactMessage, idoc, idocFile } from "../support/several-orders";

const CLI = path.join(ROOT, "dist/cli/main.js");

function orderhub(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => ensureBuilt("dist/cli/main.js", "dist/mappings/ubl-order.jsonata"), 180_000);

describe("orderhub normalize", () => {
  it.each([
    [path.join(PUBLIC, "ubl-2.1/UBL-Order-2.1-Example.xml"), "34", 2],
    [path.join(PUBLIC, "sap-in260/orders-inbound.edifact-d96a.edi"), "10040", 10],
    [path.join(PUBLIC, "sap-in260/orders-inbound.idoc-orders05.xml"), "10040", 10],
    [path.join(OWN, "cxml-orderrequest.xml"), "PO-2024-0815", 3],
    [path.join(OWN, "csv-order.csv"), "CSV-2024-0042", 3],
  ])("prints the canonical order of %s as JSON and exits 0", (file, orderNumber, lines) => {
    const { status, stdout, stderr } = orderhub(["normalize", file]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const order = JSON.parse(stdout) as { orderNumber: string; lines: unknown[] };
    expect(order.orderNumber).toBe(orderNumber);
    expect(order.lines).toHaveLength(lines);
    expect(stdout).toContain('\n  "orderNumber"'); // pretty-printed
  });

  it("reads standard input when the file is -", () => {
    const csv = "orderNumber,issueDate,currency,buyerId,lineNumber,sku,quantity,unitPrice\nS-1,2024-01-02,EUR,C-1,1,K-1,3,2.50\n";
    const { status, stdout } = orderhub(["normalize", "-", "--source-system", "shop"], csv);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ orderNumber: "S-1", source: { system: "shop", format: "csv" }, totals: { payable: 7.5 } });
  });

  it("completes a JSON order that gives only what a sender must: its source is the file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "orderhub-cli-json-"));
    try {
      const file = path.join(dir, "crm-5001.json");
      const order = { orderNumber: "CRM-5001", issueDate: "2026-11-20", currency: "EUR", buyer: { id: "C-1001" }, lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 4, unitPrice: 2.5 }] };
      writeFileSync(file, JSON.stringify(order));
      const { status, stdout, stderr } = orderhub(["normalize", file, "--source-system", "crm"]);
      expect(stderr).toBe("");
      expect(status).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ revision: 0, orderType: "standard", source: { system: "crm", format: "json", documentId: "crm-5001.json" }, allowances: [], charges: [], totals: { lineTotal: 10, payable: 10 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with one clear line on stderr for bad input", () => {
    const file = path.join(OWN, "bad/csv-quantity-fifteen.csv");
    const { status, stdout, stderr } = orderhub(["normalize", file]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`orderhub normalize: ${file}: line 20: quantity "fifteen" is not a number\n`);
  });

  it.each([
    ["bad/billion-laughs.xml", "entity declarations are refused"],
    ["bad/edifact-truncated.edi", "the interchange is truncated"],
    ["bad/unknown-format.txt", "cannot tell the format"],
  ])("exits 2 without a stack trace for %s", (name, words) => {
    const { status, stderr } = orderhub(["normalize", path.join(OWN, name)]);
    expect(status).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain(words);
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("prints the orders of an interchange with several as an array, and exits 0", () => {
    const { status, stdout, stderr } = orderhub(["normalize", "-"], edifactInterchange([edifactMessage("00620", "10040"), edifactMessage("00621", "10041")]));
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect((JSON.parse(stdout) as Array<{ orderNumber: string }>).map((o) => o.orderNumber)).toEqual(["10040", "10041"]);
  });

  it("prints the orders it could read and a line per refused order, and exits 2", () => {
    const body = idocFile([idoc("00000000000197", "10040", (t) => t.replace("<MENGE>144</MENGE>", "<MENGE>lots</MENGE>")), idoc("00000000000198", "10041")]);
    const { status, stdout, stderr } = orderhub(["normalize", "-"], body);
    expect(status).toBe(2);
    expect((JSON.parse(stdout) as Array<{ orderNumber: string }>).map((o) => o.orderNumber)).toEqual(["10041"]);
    expect(stderr).toMatch(/^orderhub normalize: stdin: IDoc 1 of 2 \(00000000000197\): .*quantity "lots" is not a number\n$/);
  });

  it("shows how far a large batch has come on a terminal, and keeps stderr to refusals in a pipe", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "orderhub-cli-"));
    try {
      const file = path.join(dir, "batch.edi");
      writeFileSync(file, edifactInterchange(Array.from({ length: 60 }, (_, i) => edifactMessage(String(30000 + i), String(80000 + i)))));
      expect(orderhub(["normalize", file]).stderr).toBe("");
      // `script` runs the command on a pseudo-terminal, as an engineer's shell does (stdout and stderr both land in it)
      const onTerminal = spawnSync("script", ["-qec", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} normalize ${JSON.stringify(file)}`, "/dev/null"], { cwd: ROOT, encoding: "utf8" });
      expect(onTerminal.status).toBe(0);
      expect(onTerminal.stdout).toMatch(/\rmapped \d+ of 60 orders/);
      expect(onTerminal.stdout).toContain("\r\x1b[K["); // the progress line is cleared before the orders are printed
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with a clear line for a missing file", () => {
    const { status, stderr } = orderhub(["normalize", "no-such-order.xml"]);
    expect(status).toBe(2);
    expect(stderr).toBe("orderhub normalize: no-such-order.xml: no such file\n");
  });

  it("honours --format", () => {
    const { status, stderr } = orderhub(["normalize", path.join(OWN, "csv-order.csv"), "--format", "edifact"]);
    expect(status).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});
