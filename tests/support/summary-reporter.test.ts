import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./build";

// The summary line is what a CI reads; it must say "0 failed" exactly when vitest exits 0. Each fixture in
// reporter-fixtures/ (outside the suite's include glob) is run by a vitest of its own, reporting with the summary line.

const VITEST = join(ROOT, "node_modules/vitest/vitest.mjs");
const CONFIG = join(__dirname, "reporter-fixtures/vitest.config.mts");

function runFixture(name: string): Promise<{ code: number | null; line: string }> {
  // a clean environment: the variables of the vitest running this test would steer the child
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS"));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITEST, "run", "--config", CONFIG, name], { cwd: ROOT, env: { ...env, NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, line: out.trim().split("\n").pop() ?? "" }));
  });
}

describe("the summary line agrees with vitest's exit status", () => {
  it.concurrent.each([
    ["passing", 0, "2 passed, 0 failed, 0 skipped"],
    ["failing-test", 1, "1 passed, 1 failed, 0 skipped"],
    ["failing-after-all", 1, "1 passed, 1 failed, 0 skipped"],
    ["failing-before-all", 1, "0 passed, 1 failed, 2 skipped"],
    ["unhandled-error", 1, "1 passed, 1 failed, 0 skipped"],
    ["import-fails", 1, "0 passed, 1 failed, 0 skipped"],
  ])("%s: exit %i, %s", async (fixture, code, line) => {
    expect(await runFixture(`${fixture}.fixture.ts`)).toEqual({ code, line });
  });
});
