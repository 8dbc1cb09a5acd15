// `orderhub master import FILE` and `orderhub master export`: the hub's master data from and to one JSON file (the
// bundle of mappings/master-data.schema.json). Both talk to the running hub's REST API, not to its store: the hub holds
// the master data in memory for its rules, and only a change it makes itself reaches them.
import { readFile } from "node:fs/promises";
import { Command } from "commander";
import { MasterDataError, validateMasterBundle } from "../../mappings/master-data";
import { MASTER_KINDS } from "../../store/master-kinds";
import { CliFailure, DEFAULT_HUB_URL, hubAnswer, hubBaseUrl, hubFetch, reportFailure } from "./hub-client";

interface Common {
  url?: string;
}

// Bad input (the file, or what the hub refused) exits 2; a hub that cannot be reached or fails exits 1.
const fail = (command: string, err: unknown) => reportFailure(`master ${command}`, err);

async function readBundle(file: string): Promise<unknown> {
  let text: string;
  try {
    if (file === "-") {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      text = Buffer.concat(chunks).toString("utf8");
    } else text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliFailure(`${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a file" : (err as Error).message}`, 2);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliFailure(`${file}: not JSON (${(err as Error).message})`, 2);
  }
}

const answerOf = (res: Response, base: string) => hubAnswer(res, base, { badInput: [400, 413], notFound: (why) => `${base} has no master data API (${why}); is --url an OrderHub?` });

const LABELS: Record<string, string> = Object.fromEntries(MASTER_KINDS.map((k) => [k.kind, k.path.replace(/-/g, " ")]));

function summary(answer: Record<string, unknown>, verb: string): string {
  const changed = (answer[verb] ?? {}) as Record<string, number>;
  const totals = (answer.totals ?? {}) as Record<string, number>;
  const lines = Object.keys(totals).map((kind) => `  ${(LABELS[kind] ?? kind).padEnd(14)} ${String(changed[kind] ?? 0).padStart(7)}${verb === "replaced" ? "" : `  (now ${totals[kind]})`}`);
  if (answer.settings) lines.push(`  settings       ${JSON.stringify(answer.settings)}`);
  return lines.join("\n");
}

/**
 * Loads a master data file into the hub at `base` (PUT /api/master, or PATCH with `upsert`), checked first; answers the
 * summary `orderhub master import` prints. Bad input is a CliFailure with code 2, a hub that fails one with code 1.
 */
export async function importMasterFile(base: string, file: string, upsert = false): Promise<string> {
  const bundle = await readBundle(file);
  try {
    validateMasterBundle(bundle);
  } catch (err) {
    if (err instanceof MasterDataError) throw new CliFailure(`${file === "-" ? "stdin" : file}: ${err.message}`, 2);
    throw err;
  }
  const res = await hubFetch(base, "/api/master", {
    method: upsert ? "PATCH" : "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(bundle),
  });
  const verb = upsert ? "upserted" : "replaced";
  const answer = await answerOf(res, base);
  return `${verb} the master data of ${base}:\n${summary(answer, verb)}`;
}

export function registerMaster(program: Command): void {
  const master = program.command("master").description("the hub's master data: import a file with every kind, export it");

  master
    .command("import")
    .description("load a master data file (customers, items, priceLists, promotions, warehouses, supply, reservations, openItems, settings) into the running hub")
    .argument("<file>", "the master data JSON file, or - for standard input")
    .option("--url <hub-url>", `the hub (default: ORDERHUB_URL, else ${DEFAULT_HUB_URL})`)
    .option("--upsert", "add or replace the records the file gives, keep the others (default: the hub's master data becomes the file's)")
    .action(async (file: string, opts: Common & { upsert?: boolean }) => {
      try {
        process.stdout.write(`${await importMasterFile(hubBaseUrl(opts.url), file, opts.upsert)}\n`);
      } catch (err) {
        fail("import", err);
      }
    });

  master
    .command("export")
    .description("print the running hub's master data as one file (what import takes)")
    .option("--url <hub-url>", `the hub (default: ORDERHUB_URL, else ${DEFAULT_HUB_URL})`)
    .action(async (opts: Common) => {
      try {
        const base = hubBaseUrl(opts.url);
        const bundle = await answerOf(await hubFetch(base, "/api/master"), base);
        process.stdout.write(`${JSON.stringify(bundle, null, 2)}\n`);
      } catch (err) {
        fail("export", err);
      }
    });
}
