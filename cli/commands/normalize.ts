// `orderhub normalize FILE`: any supported order document → the canonical order as JSON on stdout (an array of them for
// a document with several orders).
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { Command, Option } from "commander";
import { DocumentError, normalizeOrders, OrderFormat, type MappingProgress } from "../../mappings";

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

/**
 * On a terminal, a batch that takes a while shows how far it has come, on one line of stderr that is cleared at the end.
 * In a pipe or a file, stderr keeps to one line per refused order.
 */
function progressOnTerminal(): ((progress: MappingProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return ({ done, count }) => process.stderr.write(done < count ? `\rmapped ${done} of ${count} orders` : "\r\x1b[K");
}

function fail(name: string, err: unknown): void {
  process.stderr.write(`orderhub normalize: ${name}: ${describeFailure(err).replace(/\s*\n\s*/g, " ")}\n`);
  process.exitCode = 2;
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
        const outcomes = await normalizeOrders(await readInput(file), {
          format: opts.format as OrderFormat | "auto",
          sourceSystem: opts.sourceSystem,
          // a JSON order that does not say where it came from: from this file
          channel: { documentId: file === "-" ? undefined : basename(file) },
          maxBytes: opts.maxBytes,
          onProgress: progressOnTerminal(),
        });
        // A document with several orders prints them as an array; each refused one gets its line on stderr.
        const orders = outcomes.filter((o) => o.order).map((o) => o.order);
        process.stdout.write(`${JSON.stringify(outcomes.length === 1 ? orders[0] : orders, null, 2)}\n`);
        for (const { error } of outcomes) if (error) fail(name, error);
      } catch (err) {
        fail(name, err);
      }
    });
}
