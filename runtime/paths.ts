import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The repository root: the nearest folder above `from` that holds package.json. Works the same from the TypeScript
 * sources (runtime/…) and from the compiled files (dist/runtime/…), so defaults never depend on the working directory.
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`orderhub: no package.json above ${from}; run OrderHub from its installed folder`);
    dir = up;
  }
  return dir;
}

/** The compiled OrderHub nodes (`dist/nodes/<name>/…`), the folder Node-RED's `nodesDir` scans. */
export function compiledNodesDir(): string {
  return join(repoRoot(), "dist", "nodes");
}

export function packageInfo(): { name: string; version: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require(join(repoRoot(), "package.json")) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

/**
 * Node-RED names a node file found by `nodesDir` after its file name, so two `dist/nodes/<name>/index.js` files are
 * both "index" and only the last one loads. A `dist/nodes/package.json` with a `node-red.nodes` map makes the folder a
 * node module and names each node properly. Returns a warning when that map is missing, else undefined.
 */
export function nodeSetCollision(nodesDir: string = compiledNodesDir()): string | undefined {
  if (!existsSync(nodesDir) || existsSync(join(nodesDir, "package.json"))) return undefined;
  const named = readdirSync(nodesDir)
    .filter((d) => existsSync(join(nodesDir, d, "index.html")))
    .sort();
  if (named.length < 2) return undefined;
  return (
    `${nodesDir} has ${named.length} nodes named index.js but no package.json: Node-RED would load only ` +
    `${named[named.length - 1]}; have the build write ${join(nodesDir, "package.json")} with "node-red": {"nodes": {…}}`
  );
}
