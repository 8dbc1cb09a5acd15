// `orderhub evaluate ORDER_FILE --master MASTER.json [--at DATE]`: the dry run. An order document judged as the hub
// would judge it (audit → price → credit → ATP), nothing changed anywhere: "why was this order held?" in one command.
// Without --master it asks the running hub (POST /api/orders/evaluate), which judges on its own master data.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { Command, Option } from "commander";
import { indexMasterData } from "../../domain/master/master-index";
import { isIsoDay } from "../../domain/order/dates";
import { dryRunAnswer } from "../../domain/order/decided";
import { evaluateOrder } from "../../domain/order/evaluate";
import { proposeRushRescheduling } from "../../domain/order/rush";
import { DocumentError, normalizeOrders, type OrderFormat } from "../../mappings";
import { MasterDataError, validateMasterBundle } from "../../mappings/master-data";
import { today } from "../../runtime/today";
import { CliFailure, DEFAULT_HUB_URL, hubAnswer, hubBaseUrl, hubFetch, reportFailure } from "./hub-client";

const FORMATS = ["auto", "ubl", "idoc", "edifact", "cxml", "json", "csv"];
const CONTENT_TYPES: Record<string, string> = {
  ubl: "application/xml",
  idoc: "application/xml",
  cxml: "application/xml",
  edifact: "application/edifact",
  csv: "text/csv",
  json: "application/json",
};

interface Options {
  master?: string;
  at?: string;
  format: string;
  url?: string;
}


async function readInput(file: string): Promise<Buffer> {
  try {
    if (file !== "-") return await readFile(file);
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a file" : code === "EACCES" ? "permission denied" : (err as Error).message;
    throw new CliFailure(`${file}: ${why}`, 2);
  }
}

async function readMaster(file: string) {
  const text = (await readInput(file)).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliFailure(`${file}: not JSON (${(err as Error).message})`, 2);
  }
  try {
    return indexMasterData(validateMasterBundle(value));
  } catch (err) {
    if (err instanceof MasterDataError) throw new CliFailure(`${file}: ${err.message}`, 2);
    throw err;
  }
}

/** Judged here, on the master data file. */
async function evaluateLocally(file: string, body: Buffer, opts: Options, at: string): Promise<unknown> {
  const master = await readMaster(opts.master!);
  let outcomes;
  try {
    outcomes = await normalizeOrders(body, { format: opts.format as OrderFormat | "auto", channel: { documentId: file === "-" ? undefined : basename(file) } });
  } catch (err) {
    if (err instanceof DocumentError) throw new CliFailure(`${file}: ${err.message}`, 2);
    throw err;
  }
  const refused = outcomes.filter((o) => o.error);
  if (refused.length) {
    const more = refused.length > 1 ? ` (and ${refused.length - 1} more of ${outcomes.length} orders refused)` : "";
    throw new CliFailure(`${file}: ${refused[0].error!.message}${more}`, 2);
  }
  const answers = outcomes.map((o) => dryRunAnswer(evaluateOrder(o.order!, master, at, { proposeRushRescheduling })));
  return answers.length === 1 ? answers[0] : { orders: answers };
}

/** Judged by the running hub, on its master data. */
async function evaluateOnHub(file: string, body: Buffer, opts: Options, at: string): Promise<unknown> {
  const base = hubBaseUrl(opts.url);
  // the API key in ORDERHUB_API_KEY goes along (a hub with keys refuses calls without one: orderhub keys)
  const res = await hubFetch(
    base,
    `/api/orders/evaluate?at=${encodeURIComponent(at)}`,
    { method: "POST", headers: { "content-type": CONTENT_TYPES[opts.format] ?? "application/octet-stream" }, body: new Uint8Array(body) },
    "set --url or ORDERHUB_URL, or give --master",
  );
  return hubAnswer(res, base, {
    badInput: [400, 413],
    refused: (why) => `${file}: ${why}`,
    notFound: (why) => `${base} has no POST /api/orders/evaluate (${why}); is --url an OrderHub?`,
  });
}

export function registerEvaluate(program: Command): void {
  program
    .command("evaluate")
    .description("judge an order as the hub would (audit, price, credit, ATP) and say why, changing nothing: exit 0 whatever the outcome")
    .argument("<file>", "the order document (UBL, IDoc ORDERS05, EDIFACT ORDERS, cXML, CSV, JSON), or - for standard input")
    .option("--master <file>", "the master data file (as `orderhub master import` takes it); without it, the running hub's own master data")
    .option("--at <date>", "the evaluation date, YYYY-MM-DD (default: today)")
    .addOption(new Option("--format <format>", "the document format").choices(FORMATS).default("auto"))
    .option("--url <hub-url>", `the hub to ask when no --master is given (default: ORDERHUB_URL, else ${DEFAULT_HUB_URL})`)
    .action(async (file: string, opts: Options) => {
      const name = file === "-" ? "stdin" : file;
      try {
        const at = opts.at ?? today();
        if (!isIsoDay(at) || at.length !== 10) throw new CliFailure(`--at ${at}: not a date; give YYYY-MM-DD`, 2);
        const body = await readInput(file);
        const answer = opts.master ? await evaluateLocally(name, body, opts, at) : await evaluateOnHub(name, body, opts, at);
        process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      } catch (err) {
        reportFailure("evaluate", err);
      }
    });
}
