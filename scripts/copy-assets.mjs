// Copies what tsc does not: node editor forms, mappings, schemas, pages, the store's writer thread. nodes/<name>/editor.html becomes
// dist/nodes/<name>/index.html because Node-RED looks for the editor file next to the compiled index.js.
// Node-RED names a node set after its file, so every index.js would be called "index": dist/nodes/package.json
// lists the nodes by name, and Node-RED's nodesDir scan loads them as one module.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ASSET_EXT = new Set([".html", ".json", ".jsonata", ".md", ".css", ".svg", ".png", ".cjs", ".wsdl"]);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

let copied = 0;
for (const folder of ["nodes", "mappings", "runtime", "store", "sandbox"]) {
  const src = join(root, folder);
  if (!existsSync(src)) continue;
  for (const file of walk(src)) {
    if (!ASSET_EXT.has(extname(file))) continue;
    let target = join(root, "dist", relative(root, file));
    if (folder === "nodes" && file.endsWith("/editor.html")) target = join(dirname(target), "index.html");
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
    copied++;
  }
}

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const nodes = Object.fromEntries(
  Object.entries(pkg["node-red"].nodes).map(([name, file]) => [name, relative("dist/nodes", file)]),
);
writeFileSync(
  join(root, "dist/nodes/package.json"),
  JSON.stringify({ name: "orderhub-nodes", version: pkg.version, private: true, "node-red": { nodes } }, null, 2),
);
if (process.argv.includes("--verbose")) console.log(`copy-assets: ${copied} files, ${Object.keys(nodes).length} nodes`);
