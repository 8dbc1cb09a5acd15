// Runs a declarative JSONata mapping (a .jsonata file beside this one) over a parsed source document.
// Each mapping is read and compiled once per process.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import jsonata from "jsonata";
import { DocumentError } from "./errors";
import { MappingContext, mappingFunctions } from "./functions";

const compiled = new Map<string, jsonata.Expression>();

function expressionFor(file: string): jsonata.Expression {
  let expression = compiled.get(file);
  if (!expression) {
    const path = join(__dirname, file);
    try {
      expression = jsonata(readFileSync(path, "utf8"));
    } catch (err) {
      const e = err as { message: string; position?: number };
      throw new DocumentError("mapping-error", `mapping ${file} does not compile at character ${e.position ?? "?"}: ${e.message}`);
    }
    compiled.set(file, expression);
  }
  return expression;
}

/** Compiles mapping `file` now (at start-up), so a broken mapping shows before the first document arrives. */
export function compileMapping(file: string): void {
  expressionFor(file);
}

/** Evaluates mapping `file` over `input`; errors the mapping raises keep their code and location. */
export async function runMapping(file: string, input: unknown, ctx: MappingContext): Promise<unknown> {
  const expression = expressionFor(file);
  try {
    return await expression.evaluate(input, mappingFunctions(ctx));
  } catch (err) {
    if (err instanceof DocumentError) throw err;
    const e = err as { message?: string; code?: string; position?: number };
    throw new DocumentError("mapping-error", `mapping ${file} failed at character ${e.position ?? "?"}: ${e.message ?? String(err)}`, {
      format: ctx.format,
    });
  }
}
