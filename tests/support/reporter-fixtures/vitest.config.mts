import { defineConfig } from "vitest/config";

// Runs one fixture at a time for tests/support/summary-reporter.test.ts; the suite's own config never includes these.
export default defineConfig({
  test: {
    root: __dirname,
    include: ["*.fixture.ts"],
    pool: "forks",
    reporters: ["../summary-reporter.ts"],
  },
});
