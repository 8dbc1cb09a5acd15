// `orderhub forecast FILE [--method auto|ratio|ma|wma]`, `orderhub quote FILE` and `orderhub bom cost ITEM|FILE`:
// forecasts, quick quotes and rolled-up BOM costs (domain/planning) answered as JSON on stdout. forecast and quote read
// only the file; `bom cost` reads a file when one exists under that name, else asks the running hub for the item's
// cost on its stored BOMs and standard costs. Bad input exits 2 with one line; a hub that cannot be reached exits 1.
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Command } from "commander";
import type { BomLine } from "../../domain/planning/bom";
import { bomCost } from "../../domain/planning/bom-cost";
import { PlanningInputError } from "../../domain/planning/errors";
import { forecast } from "../../domain/planning/forecast";
import { checkBomLines, isoDate, number, object, optional, text } from "../../domain/planning/input-checks";
import { quote } from "../../domain/planning/quote";
import { CliFailure, DEFAULT_HUB_URL, hubBaseUrl, reportFailure } from "./hub-client";


async function readJson(file: string): Promise<unknown> {
  let body: string;
  try {
    if (file === "-") {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      body = Buffer.concat(chunks).toString("utf8");
    } else body = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliFailure(`${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a file" : (err as Error).message}`, 2);
  }
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new CliFailure(`${file}: not JSON (${(err as Error).message})`, 2);
  }
}

/** Runs `answer`, prints its JSON; a PlanningInputError or a CliFailure is one line on stderr. */
async function run(command: string, name: string, answer: () => Promise<unknown>): Promise<void> {
  try {
    let result: unknown;
    try {
      result = await answer();
    } catch (err) {
      if (err instanceof PlanningInputError) throw new CliFailure(`${name}: ${err.message}`, 2);
      throw err;
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (err) {
    reportFailure(command, err);
  }
}

const nameOf = (file: string) => (file === "-" ? "stdin" : file);

/** A cost file: `{ bom: [...] | lines, standardCost: {sku: cost}, addedCost?: {sku: cost}, item? }`. */
function costOfFile(value: unknown, item: string | undefined, date: string | undefined) {
  const file = object(value, "file");
  checkBomLines(file.bom, "bom");
  const standardCost = object(file.standardCost ?? {}, "standardCost");
  for (const [sku, c] of Object.entries(standardCost)) number(c, `standardCost.${sku}`, { min: 0 });
  const addedCost = optional(file.addedCost, (v) => object(v, "addedCost"));
  for (const [sku, c] of Object.entries(addedCost ?? {})) number(c, `addedCost.${sku}`, { min: 0 });
  const sku = item ?? text(file.item, "item (or --item)");
  return bomCost(file.bom as BomLine[], sku, { standardCost: standardCost as Record<string, number>, addedCost: addedCost as Record<string, number> | undefined }, date);
}

async function costFromHub(item: string, opts: { url?: string; date?: string }): Promise<unknown> {
  const base = hubBaseUrl(opts.url);
  const url = `${base}/api/planning/items/${encodeURIComponent(item)}/cost${opts.date ? `?date=${encodeURIComponent(opts.date)}` : ""}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new CliFailure(`${item} is no file here, and the hub at ${base} cannot be reached to cost it: ${cause} (is it running? set --url or ORDERHUB_URL)`, 1);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new CliFailure(`the hub answered ${res.status}: ${body.error ?? "no reason given"}`, res.status < 500 ? 2 : 1);
  return body;
}

export function registerPlanningExtras(program: Command): void {
  program
    .command("forecast")
    .description("demand forecast per item from its history: ratio to last year, moving average, weighted moving average, or auto (lowest MAPE)")
    .argument("<file>", "{ items: [{item, history: [quantities, oldest first]}], horizon?, method?, periodsPerYear?, growth?, window?, weights?, holdout?, start?, bucket? } as JSON, or -")
    .option("--method <method>", "auto | ratio | ma | wma (default: the file's, else auto)")
    .action((file: string, opts: { method?: string }) => run("forecast", nameOf(file), async () => forecast(await readJson(file), opts.method)));

  program
    .command("quote")
    .description("a quick quote: material, labour and overhead, other costs and margin, every part shown; flagged below finance's base price")
    .argument("<file>", "{ item, quantity, bom, materials, routing?, labourRate?, overheadRate?, otherCosts?, targetMarginPercent, basePrice? } as JSON, or -")
    .action((file: string) => run("quote", nameOf(file), async () => quote(await readJson(file))));

  const bom = program.commands.find((c) => c.name() === "bom") ?? program.command("bom").description("bills of material");
  bom
    .command("cost")
    .description("the rolled-up standard cost of an item, level by level: from a JSON file, or from the hub's stored BOMs")
    .argument("<item-or-file>", "a file { bom, standardCost, addedCost?, item? } (or -), else an item the running hub costs")
    .option("--item <sku>", "the item to cost, for a file that names none")
    .option("--date <date>", "only lines valid on this day, YYYY-MM-DD (default: all lines for a file, today for the hub)")
    .option("--url <hub-url>", `the hub (default: ORDERHUB_URL, else ${DEFAULT_HUB_URL})`)
    .action((arg: string, opts: { item?: string; date?: string; url?: string }) =>
      run("bom cost", nameOf(arg), async () => {
        const date = opts.date === undefined ? undefined : isoDate(opts.date, "--date").slice(0, 10);
        const isFile = arg === "-" || (existsSync(arg) && statSync(arg).isFile());
        return isFile ? costOfFile(await readJson(arg), opts.item, date) : costFromHub(arg, { url: opts.url, date });
      }),
    );
}
