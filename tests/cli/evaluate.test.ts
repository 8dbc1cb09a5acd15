import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../support/build";
import { OWN, PUBLIC } from "../support/fixtures";
import { MASTER_FILE, masterFixture } from "../fixtures/master/master-data";

const CLI = path.join(ROOT, "dist/cli/main.js");
const AT = "2025-10-01";

function orderhub(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: "utf8", env: { ...process.env, ORDERHUB_URL: "http://127.0.0.1:9" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

let dir: string;
/** The manufacturer's master data once PartyID123 paid its invoice of 2010: its order then only needs approval. */
let paidUp: string;

beforeAll(() => {
  ensureBuilt("dist/cli/commands/evaluate.js", "dist/mappings/ubl-order.jsonata");
  dir = mkdtempSync(path.join(tmpdir(), "orderhub-cli-evaluate-"));
  const master = masterFixture();
  master.openItems = master.openItems.filter((i) => i.document !== "INV-2010-0012");
  paidUp = path.join(dir, "paid-up.json");
  writeFileSync(paidUp, JSON.stringify(master));
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UBL = path.join(PUBLIC, "ubl-2.1/UBL-Order-2.1-Example.xml");

describe("orderhub evaluate ORDER_FILE --master MASTER.json --at DATE", () => {
  it.each([
    ["the SAP IDoc of a customer in good standing, in stock", path.join(PUBLIC, "sap-in260/orders-inbound.idoc-orders05.xml"), MASTER_FILE, "10040", "released", { audit: "ok", price: "ok", credit: "ok", atp: "ok" }],
    ["the same order as EDIFACT", path.join(PUBLIC, "sap-in260/orders-inbound.edifact-d96a.edi"), MASTER_FILE, "10040", "released", { audit: "ok", price: "ok", credit: "ok", atp: "ok" }],
    ["the UBL order of a customer with an invoice overdue since 2010", UBL, MASTER_FILE, "34", "held", { audit: "approval", price: "ok", credit: "hold", atp: "ok" }],
    ["the UBL order once that invoice is paid: its discount needs approval", UBL, "paid-up", "34", "needs-approval", { audit: "approval", price: "ok", credit: "ok", atp: "ok" }],
    ["the cXML order of a customer the master lacks", path.join(OWN, "cxml-orderrequest.xml"), MASTER_FILE, "PO-2024-0815", "rejected", { audit: "reject", price: "approval", credit: "reject", atp: "reject" }],
  ])("%s: %s → exit 0", (_case, file, master, orderNumber, outcome, rules) => {
    const { status, stdout, stderr } = orderhub(["evaluate", file, "--master", master === "paid-up" ? paidUp : master, "--at", AT]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const answer = JSON.parse(stdout);
    expect(Object.keys(answer)).toEqual(["orderNumber", "outcome", "decisions"]);
    expect(answer).toMatchObject({ orderNumber, outcome });
    expect(Object.fromEntries(answer.decisions.map((d: { rule: string; outcome: string }) => [d.rule, d.outcome]))).toEqual(rules);
  });

  it("prints exactly the fields of the dry run: price and ATP lines, the exposure", () => {
    const { stdout } = orderhub(["evaluate", path.join(PUBLIC, "sap-in260/orders-inbound.idoc-orders05.xml"), "--master", MASTER_FILE, "--at", AT]);
    const [audit, price, credit, atp] = JSON.parse(stdout).decisions;
    expect(Object.keys(audit)).toEqual(["rule", "outcome", "reasons"]);
    expect(Object.keys(price.lines[0])).toEqual(["lineNumber", "expected", "actual", "deviationPercent"]);
    expect(credit.exposure).toEqual({ openInvoices: 12400, openOrders: 8650, deliveredNotInvoiced: 2310.5, thisOrder: 6039.46, total: 29399.96, limit: 50000 });
    expect(atp.lines[3]).toEqual({
      lineNumber: "4",
      sku: "BR-FFSM-004",
      confirmations: [
        { quantity: 60, date: AT, warehouse: "WH-WALLDORF" },
        { quantity: 30, date: AT, warehouse: "WH-BERLIN" },
        { quantity: 30, date: "2025-10-06", warehouse: "WH-WALLDORF" },
      ],
    });
    expect(credit.reasons).toEqual(["credit-check: customer IN260-UserXX exposure 29,399.96 EUR is within limit 50,000.00 EUR (open AR 12,400.00 + open orders 8,650.00 + delivered not invoiced 2,310.50 + this order 6,039.46)"]);
  });

  it("reads the order from standard input", () => {
    const order = { orderNumber: "STDIN-1", issueDate: "2026-03-01", currency: "EUR", buyer: { id: "C-BLOCKED" }, lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 5, unitPrice: 13.9 }] };
    const { status, stdout } = orderhub(["evaluate", "-", "--master", MASTER_FILE, "--at", "2026-03-02"], JSON.stringify(order));
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ orderNumber: "STDIN-1", outcome: "rejected" });
  });

  it.each([
    [["evaluate", "nope.xml", "--master", MASTER_FILE], "orderhub evaluate: nope.xml: no such file\n"],
    [["evaluate", UBL, "--master", MASTER_FILE, "--at", "2025-13-01"], "orderhub evaluate: --at 2025-13-01: not a date; give YYYY-MM-DD\n"],
    [["evaluate", UBL, "--master", path.join(OWN, "csv-order.csv")], `orderhub evaluate: ${path.join(OWN, "csv-order.csv")}: not JSON (Unexpected token 'o', "orderNumbe"... is not valid JSON)\n`],
    [["evaluate", path.join(OWN, "bad/edifact-truncated.edi"), "--master", MASTER_FILE], undefined],
  ])("exits 2 with one line on bad input: %j", (args, line) => {
    const { status, stdout, stderr } = orderhub(args as string[]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.split("\n")).toHaveLength(2);
    if (line) expect(stderr).toBe(line);
    else expect(stderr).toMatch(/^orderhub evaluate: .*edifact-truncated\.edi: /);
  });

  it("names the bad record of a master file", () => {
    const bad = path.join(dir, "bad-master.json");
    writeFileSync(bad, JSON.stringify({ customers: [{ id: "C-1" }] }));
    const { status, stderr } = orderhub(["evaluate", UBL, "--master", bad]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/^orderhub evaluate: .*bad-master\.json: customers\[0\]\.\w+: is required/);
  });

  it("without --master asks the running hub, and says so when there is none (exit 1)", () => {
    const { status, stderr } = orderhub(["evaluate", UBL]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/^orderhub evaluate: cannot reach the hub at http:\/\/127\.0\.0\.1:9: .*give --master\)\n$/);
  });
});
