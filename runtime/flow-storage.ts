import { randomBytes } from "node:crypto";
import { existsSync, promises as fs } from "node:fs";
import { dirname, join } from "node:path";
import { logger } from "../observability/logger";
import {
  type LoadedFile,
  FlowFileError,
  checkFileContent,
  formatFlowFile,
  mergeFlowFiles,
  splitFlows,
} from "./flow-files";
import type { FlowNode } from "./node-red";

/**
 * A Node-RED storage module whose flows are the `*.json` files of the flows folder (versioned in git), one file per
 * tab. Credentials, runtime settings, editor sessions and the library stay with Node-RED's own file storage in
 * userDir (the data dir), so secrets never land in flows/.
 *
 * Node-RED checks the storage module's methods with `hasOwnProperty`, so this is a plain object, not a class instance:
 * methods on a prototype would silently switch settings and sessions off.
 */
export interface FlowStorageOptions {
  flowsDir: string;
}

type Fn = (...args: unknown[]) => Promise<unknown>;

/** The methods of @node-red/runtime's localfilesystem storage that are delegated to. */
interface NodeRedFileStorage {
  init(settings: unknown, runtime: unknown): Promise<void>;
  getCredentials: Fn;
  saveCredentials: Fn;
  getSettings: Fn;
  saveSettings: Fn;
  getSessions: Fn;
  saveSessions: Fn;
  getLibraryEntry: Fn;
  saveLibraryEntry: Fn;
}

export function createFlowStorage(options: FlowStorageOptions) {
  const { flowsDir } = options;
  const log = logger.child({ component: "flow-storage" });
  let origin = new Map<string, string>();
  let loadError: Error | undefined;
  let fileStorage: NodeRedFileStorage | undefined;
  const files = (): NodeRedFileStorage => {
    if (!fileStorage) throw new Error("flow storage used before Node-RED called init()");
    return fileStorage;
  };
  return {
    init: async (settings: unknown, runtime: unknown): Promise<void> => {
      fileStorage = loadNodeRedFileStorage();
      await fileStorage.init(settings, runtime);
    },
    getFlows: async (): Promise<FlowNode[]> => {
      try {
        const loaded = await loadFlowFiles(flowsDir);
        origin = loaded.origin;
        loadError = undefined;
        log.info({ flowsDir, files: loaded.files, nodes: loaded.flows.length }, "flows loaded");
        return loaded.flows;
      } catch (err) {
        loadError = err as Error;
        log.error({ flowsDir }, `flows not loaded: ${loadError.message}`);
        throw err;
      }
    },
    saveFlows: async (flows: FlowNode[]): Promise<void> => {
      if (loadError) {
        // The editor shows an empty workspace after a failed load; deploying it must not overwrite the files.
        throw new Error(`deploy refused: the flow files did not load (${loadError.message}); fix them and restart`);
      }
      origin = await writeFlowFiles(flowsDir, flows, origin);
      log.info({ flowsDir, nodes: flows.length }, "flows saved");
    },
    getCredentials: (...a: unknown[]) => files().getCredentials(...a),
    saveCredentials: (...a: unknown[]) => files().saveCredentials(...a),
    getSettings: (...a: unknown[]) => files().getSettings(...a),
    saveSettings: (...a: unknown[]) => files().saveSettings(...a),
    getSessions: (...a: unknown[]) => files().getSessions(...a),
    saveSessions: (...a: unknown[]) => files().saveSessions(...a),
    getLibraryEntry: (...a: unknown[]) => files().getLibraryEntry(...a),
    saveLibraryEntry: (...a: unknown[]) => files().saveLibraryEntry(...a),
  };
}

export type FlowStorage = ReturnType<typeof createFlowStorage>;

/** Node-RED's own storage, found next to the node-red package (it is not re-exported, so it is required by path). */
function loadNodeRedFileStorage(): NodeRedFileStorage {
  const nodeRedDir = dirname(require.resolve("node-red/package.json"));
  const path = require.resolve("@node-red/runtime/lib/storage/localfilesystem", { paths: [nodeRedDir] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as NodeRedFileStorage;
}

/**
 * Read and merge every flow file; throws FlowFileError naming the file and the fix. Used by the storage module and,
 * before Node-RED starts, by the runtime: Node-RED itself only logs a warning when `getFlows` fails and runs empty.
 */
export async function loadFlowFiles(
  flowsDir: string,
): Promise<{ flows: FlowNode[]; origin: Map<string, string>; files: string[] }> {
  const loaded = await readFlowFiles(flowsDir);
  return { ...mergeFlowFiles(loaded), files: loaded.map((f) => f.file) };
}

async function readFlowFiles(flowsDir: string): Promise<LoadedFile[]> {
  const names = await listFlowFiles(flowsDir);
  if (names.length === 0) {
    const why = existsSync(flowsDir) ? "has no *.json files" : "does not exist";
    logger.warn({ flowsDir }, `flows folder ${flowsDir} ${why}: starting with an empty flow (a deploy will create it)`);
  }
  return Promise.all(names.map(async (file) => ({ file, nodes: await readFlowFile(flowsDir, file) })));
}

async function listFlowFiles(flowsDir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(flowsDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && e.name.endsWith(".json") && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

async function readFlowFile(flowsDir: string, file: string): Promise<FlowNode[]> {
  const text = await fs.readFile(join(flowsDir, file), "utf8");
  if (text.trim() === "") return [];
  try {
    return checkFileContent(file, JSON.parse(text.replace(/^\uFEFF/, "")));
  } catch (err) {
    if (err instanceof FlowFileError) throw err;
    throw new FlowFileError(`${join(flowsDir, file)} is not valid JSON (${(err as Error).message}); fix or remove it`);
  }
}

/** Write each file that changed (atomically), delete files whose every node was deleted; returns the new origin map. */
async function writeFlowFiles(
  flowsDir: string,
  flows: FlowNode[],
  origin: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const split = splitFlows(flows, origin);
  await fs.mkdir(flowsDir, { recursive: true });
  for (const [file, nodes] of split) {
    await writeIfChanged(join(flowsDir, file), formatFlowFile(nodes));
  }
  const emptied = new Set([...origin.values()].filter((file) => !split.has(file)));
  for (const file of emptied) await fs.rm(join(flowsDir, file), { force: true });
  const next = new Map<string, string>();
  for (const [file, nodes] of split) for (const node of nodes) next.set(node.id, file);
  return next;
}

async function writeIfChanged(path: string, text: string): Promise<void> {
  const current = await fs.readFile(path, "utf8").catch(() => undefined);
  if (current === text) return;
  const temp = join(dirname(path), `.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await fs.open(temp, "w");
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw new Error(`cannot write ${path}: ${(err as Error).message}`);
  }
}
