import type { FlowNode } from "./node-red";

/**
 * How the flow files in flows/ map onto Node-RED's single flow array, as pure functions (no I/O):
 * a tab or subflow and every node inside it (`z` = its id) live in one file; nodes without `z` (global config nodes)
 * live in config.json; a node keeps the file it was loaded from as long as it exists.
 */
export const CONFIG_FILE = "config.json";

export interface LoadedFile {
  file: string;
  nodes: FlowNode[];
}

export class FlowFileError extends Error {
  override name = "FlowFileError";
}

/** Check one parsed file: an array of nodes, each with a string id and type. */
export function checkFileContent(file: string, content: unknown): FlowNode[] {
  if (!Array.isArray(content)) {
    throw new FlowFileError(`${file}: expected a JSON array of Node-RED nodes (an export from the editor)`);
  }
  content.forEach((node: unknown, index) => {
    const n = node as Partial<FlowNode> | null;
    if (!n || typeof n !== "object" || typeof n.id !== "string" || typeof n.type !== "string") {
      throw new FlowFileError(`${file}: entry ${index} is not a Node-RED node (needs string "id" and "type")`);
    }
  });
  return content as FlowNode[];
}

/** Concatenate the files in order; an id used in two places stops the load. Returns the flow and where each id came from. */
export function mergeFlowFiles(files: LoadedFile[]): { flows: FlowNode[]; origin: Map<string, string> } {
  const origin = new Map<string, string>();
  const flows: FlowNode[] = [];
  for (const { file, nodes } of files) {
    for (const node of nodes) {
      const first = origin.get(node.id);
      if (first !== undefined) {
        const where = first === file ? `twice in ${file}` : `in both ${first} and ${file}`;
        throw new FlowFileError(
          `node id ${node.id} (${node.type}) appears ${where}; remove one copy or give it a new id, then restart`,
        );
      }
      origin.set(node.id, file);
      flows.push(node);
    }
  }
  return { flows, origin };
}

/**
 * Assign every node of a deployed flow to a file: containers (tabs, subflows) keep their file or get a new one named
 * after their label; nodes inside a container follow it; other nodes keep their file or go to config.json.
 * Node order inside each file is the editor's order, so a small change gives a small diff.
 */
export function splitFlows(flows: FlowNode[], origin: ReadonlyMap<string, string>): Map<string, FlowNode[]> {
  const containerFile = assignContainers(flows, origin);
  const files = new Map<string, FlowNode[]>();
  for (const node of flows) {
    const file = containerFile.get(node.id) ?? (node.z ? containerFile.get(node.z) : undefined);
    const target = file ?? origin.get(node.id) ?? CONFIG_FILE;
    const list = files.get(target) ?? [];
    list.push(node);
    files.set(target, list);
  }
  return files;
}

function assignContainers(flows: FlowNode[], origin: ReadonlyMap<string, string>): Map<string, string> {
  const containers = flows.filter(isContainer);
  const result = new Map<string, string>();
  for (const node of containers) {
    const known = origin.get(node.id);
    if (known !== undefined) result.set(node.id, known);
  }
  // Files still holding a node stay taken; the file of a deleted tab may be reused.
  const stillUsed = flows.map((n) => origin.get(n.id)).filter((f): f is string => f !== undefined);
  const taken = new Set<string>([CONFIG_FILE, ...stillUsed]);
  for (const node of containers) {
    if (result.has(node.id)) continue;
    const file = uniqueName(fileBaseFor(node), taken);
    taken.add(file);
    result.set(node.id, file);
  }
  return result;
}

function isContainer(node: FlowNode): boolean {
  return node.type === "tab" || node.type === "subflow";
}

function fileBaseFor(node: FlowNode): string {
  const title = node.type === "tab" ? node.label : node.name;
  const slug = slugify(typeof title === "string" ? title : "");
  const base = slug || `${node.type}-${slugify(node.id)}`;
  return node.type === "subflow" ? `subflow-${base}` : base;
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  let name = `${base}.json`;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}.json`;
  return name;
}

/** "Order intake (EDI)" → "order-intake-edi"; accents folded, anything else outside [a-z0-9] becomes a dash. */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
}

/** The text of a flow file: 2-space JSON with a final newline, so git diffs stay line-based and small. */
export function formatFlowFile(nodes: FlowNode[]): string {
  return `${JSON.stringify(nodes, null, 2)}\n`;
}
