// `orderhub kitting FILE`, `orderhub mrp FILE`, `orderhub bom explode FILE --item X [--date D]` and
// `orderhub bom where-used FILE --item X [--single-level] [--date D]`: the planning rules of domain/planning on a JSON
// file, answered as JSON on stdout. Nothing is read from or written to the hub. Bad input exits 2 with one line.
// `orderhub bom import FILE` (cli/commands/bom-import.ts) is the one that writes: into the hub's store.
import { readFile } from "node:fs/promises";
import { Command } from "commander";
import type { BomLine } from "../../domain/planning/bom";
import { explode, whereUsed } from "../../domain/planning/bom-explosion";
import { PlanningInputError } from "../../domain/planning/errors";
import { checkBomLines, isoDate, object } from "../../domain/planning/input-checks";
import { kitting, type KittingInput } from "../../domain/planning/kitting";
import { planMrp, type MrpInput } from "../../domain/planning/mrp";
import { registerBomImport } from "./bom-import";

class BadInput extends Error {}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    if (file === "-") {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      text = Buffer.concat(chunks).toString("utf8");
    } else text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BadInput(`${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a file" : (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadInput(`${file}: not JSON (${(err as Error).message})`);
  }
}

/** A BOM file is either an array of BOM lines or an object with `bom` (as kitting and MRP files have it). */
function bomLines(value: unknown): BomLine[] {
  const lines = Array.isArray(value) ? value : object(value, "file").bom;
  checkBomLines(lines, Array.isArray(value) ? "lines" : "bom");
  return lines as BomLine[];
}

/** Runs `answer` on the file, prints its JSON; bad input is one line on stderr and exit 2. */
function run(command: string, answer: (value: unknown) => unknown) {
  return async (file: string): Promise<void> => {
    const name = file === "-" ? "stdin" : file;
    try {
      const value = await readJson(file);
      let result: unknown;
      try {
        result = answer(value);
      } catch (err) {
        if (err instanceof PlanningInputError) throw new BadInput(`${name}: ${err.message}`);
        throw err;
      }
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } catch (err) {
      process.stderr.write(`orderhub ${command}: ${(err as Error).message.replace(/\s*\n\s*/g, " ")}\n`);
      process.exitCode = err instanceof BadInput ? 2 : 1;
    }
  };
}

const date = (d: string | undefined) => (d === undefined ? undefined : isoDate(d, "--date"));

export function registerPlanning(program: Command): void {
  program
    .command("kitting")
    .description("how many of an item the stock on hand builds, and what is short for the quantity asked (JSON in, JSON out)")
    .argument("<file>", "{ item, multiLevel, bom, stock, requestedQuantity?, useSubstitutes? } as JSON, or - for standard input")
    .action(run("kitting", (v) => kitting(v as KittingInput)));

  program
    .command("mrp")
    .description("material requirements planning: planned orders, each item's MRP record, exceptions (JSON in, JSON out)")
    .argument("<file>", "{ periods, items, bom, demand, scheduledReceipts? } as JSON, or - for standard input")
    .action(run("mrp", (v) => planMrp(v as MrpInput)));

  const bom = program.command("bom").description("multi-level bills of material from a JSON file of BOM lines");
  bom
    .command("explode")
    .description("the indented BOM of an item: every component, level by level, quantities with losses, and totals")
    .argument("<file>", "BOM lines as JSON (an array, or an object with `bom`), or - for standard input")
    .requiredOption("--item <sku>", "the item to explode")
    .option("--quantity <n>", "how many of the item (default 1)", "1")
    .option("--date <date>", "only lines valid on this day, YYYY-MM-DD (default: all lines)")
    .action((file: string, opts: { item: string; quantity: string; date?: string }) =>
      run("bom explode", (v) => {
        const quantity = Number(opts.quantity);
        if (!(quantity > 0)) throw new PlanningInputError(`--quantity ${opts.quantity}: must be a number above 0`);
        return explode(bomLines(v), opts.item, quantity, date(opts.date));
      })(file),
    );
  bom
    .command("where-used")
    .description("where an item is used: every assembly above it (multi-level), or its direct parents (--single-level)")
    .argument("<file>", "BOM lines as JSON (an array, or an object with `bom`), or - for standard input")
    .requiredOption("--item <sku>", "the component")
    .option("--single-level", "only the direct parents")
    .option("--date <date>", "only lines valid on this day, YYYY-MM-DD (default: all lines)")
    .action((file: string, opts: { item: string; singleLevel?: boolean; date?: string }) =>
      run("bom where-used", (v) => ({ item: opts.item, usedIn: whereUsed(bomLines(v), opts.item, { multiLevel: !opts.singleLevel, date: date(opts.date) }) }))(file),
    );
  registerBomImport(bom);
}
