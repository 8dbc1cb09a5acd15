import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");

/**
 * What runs from dist/ (the CLI, the mapping thread's worker) needs a build: `npm test` builds first; a test file run
 * on its own builds here when what it needs is missing from dist/.
 */
export function ensureBuilt(...files: string[]): void {
  if (files.every((file) => existsSync(path.join(ROOT, file)))) return;
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
}
