// `orderhub bom import FILE [--reason TEXT] [--by NAME]`: BOM lines from a JSON or CSV file into the hub's store (the
// SQLite file in ORDERHUB_DATA_DIR, default ./data): the BOMs of the parents the file names are replaced in one
// transaction, checked for cycles against every BOM stored, with a history entry per BOM. The running hub reads BOMs
// from the store at each request, so it sees them at once. Bad input exits 2 with one line naming it; nothing is stored.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { PlanningInputError } from "../../domain/planning/errors";
import { logger } from "../../observability/logger";
import { bomImportOf, parseBomCsv } from "../../runtime/planning-import";
import { closeHubStore } from "../../store";
import { getPlanningBook } from "../../store/planning-book";

class BadInput extends Error {}

async function readText(file: string): Promise<string> {
  try {
    if (file !== "-") return await readFile(file, "utf8");
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BadInput(`${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a file" : (err as Error).message}`);
  }
}

/** JSON (an array of lines, or `{lines, parents?}`) when it looks like JSON or the name ends in .json; CSV otherwise. */
function importOf(file: string, text: string) {
  const body = text.replace(/^\uFEFF/, "");
  if (file.toLowerCase().endsWith(".csv") || !/^\s*[[{]/.test(body)) return { lines: parseBomCsv(body), parents: [] as string[], items: [] as object[] };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new BadInput(`${file}: not JSON (${(err as Error).message})`);
  }
  const imp = bomImportOf(value);
  if (imp.items.length) throw new BadInput(`${file}: items: load master data items with \`orderhub master import\` (the running hub keeps them in memory), then the BOMs without them`);
  return imp;
}

export function registerBomImport(bom: Command): void {
  bom
    .command("import")
    .description("BOM lines from a JSON or CSV file (header parent,child,quantity,lossRate,validFrom,validTo) into the hub's store: replaces the BOMs of the parents named")
    .argument("<file>", "the file, or - for standard input")
    .option("--reason <text>", "why, for each BOM's history", "BOM import (orderhub bom import)")
    .option("--by <name>", "who, for each BOM's history", process.env.USER || "orderhub")
    .action(async (file: string, opts: { reason: string; by: string }) => {
      const name = file === "-" ? "stdin" : file;
      if (!process.env.LOG_LEVEL) logger.level = "warn"; // stdout is the answer
      try {
        const imp = importOf(name, await readText(file));
        const done = await getPlanningBook().replaceBoms(imp.lines, { who: opts.by, why: opts.reason }, imp.parents);
        process.stdout.write(`${JSON.stringify({ replaced: done.parents, lines: done.lines, version: done.version }, null, 2)}\n`);
      } catch (err) {
        const bad = err instanceof BadInput || err instanceof PlanningInputError;
        process.stderr.write(`orderhub bom import: ${bad && !(err instanceof BadInput) ? `${name}: ` : ""}${(err as Error).message.replace(/\s*\n\s*/g, " ")}\n`);
        process.exitCode = bad ? 2 : 1;
      } finally {
        await closeHubStore();
      }
    });
}
