// `orderhub normalize FILE`: any supported order document → the canonical order as JSON on stdout.
import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { DocumentError, normalizeOrder, OrderFormat } from "../../mappings";

const FORMATS = ["auto", "ubl", "idoc", "edifact", "cxml", "json", "csv"];

async function readInput(file: string): Promise<Buffer> {
  if (file !== "-") return readFile(file);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function describeFailure(err: unknown): string {
  if (err instanceof DocumentError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === "ENOENT") return "no such file";
  if (e?.code === "EISDIR") return "is a directory, not a file";
  if (e?.code === "EACCES") return "permission denied";
  return e instanceof Error ? e.message : String(err);
}

export function registerNormalize(program: Command): void {
  program
    .command("normalize")
    .description("turn an order document (UBL, IDoc ORDERS05, EDIFACT ORDERS, cXML, CSV, JSON) into the canonical order")
    .argument("<file>", "the order document, or - for standard input")
    .addOption(new Option("--format <format>", "the document format").choices(FORMATS).default("auto"))
    .option("--source-system <name>", "the sending system, recorded as source.system")
    .option("--max-bytes <n>", "refuse documents larger than this", (v) => Number.parseInt(v, 10))
    .action(async (file: string, opts: { format: string; sourceSystem?: string; maxBytes?: number }) => {
      const name = file === "-" ? "stdin" : file;
      try {
        const order = await normalizeOrder(await readInput(file), {
          format: opts.format as OrderFormat | "auto",
          sourceSystem: opts.sourceSystem,
          maxBytes: opts.maxBytes,
        });
        process.stdout.write(`${JSON.stringify(order, null, 2)}\n`);
      } catch (err) {
        process.stderr.write(`orderhub normalize: ${name}: ${describeFailure(err).replace(/\s*\n\s*/g, " ")}\n`);
        process.exitCode = 2;
      }
    });
}
