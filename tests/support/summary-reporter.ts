import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends the run with one plain line, "N passed, N failed, N skipped", that any CI can read. A failure is a failed test,
 * and also whatever fails outside a test that makes vitest exit non-zero: a beforeAll or afterAll hook, a file that
 * cannot be imported, an error nobody handled. Each counts once, so the line says "0 failed" exactly when vitest exits 0.
 */
export default class SummaryLine implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const count = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    for (const mod of modules) {
      // a file that failed to load or a hook of the file itself (a top-level beforeAll/afterAll)
      count.failed += mod.errors().length;
      // a hook of a describe block
      for (const suite of mod.children.allSuites()) count.failed += suite.errors().length;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") count.passed++;
        else if (state === "failed") count.failed++;
        else count.skipped++;
      }
    }
    process.stdout.write(`\n${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`);
  }
}
