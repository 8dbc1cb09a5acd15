// `orderhub reconcile [--date D]`: the three-way match of deliveries, invoices and payments per customer on a day
// (docs/SETTLEMENT.md), run on the hub's store (ORDERHUB_DATA_DIR, else ./data; the hub may be running). The run's
// report is kept like the daily run's and compared with the run before it. Prints the report as JSON (`--json`) or
// one line per mismatch; exits 0 when the books match, 3 when there are mismatches, 2 for a wrong argument.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { isIsoDay } from "../../domain/order/dates";
import { runReconciliation } from "../../runtime/settlement";
import { today } from "../../runtime/today";
import { SqliteStore } from "../../store";

interface Options {
  date?: string;
  dataDir?: string;
  json?: boolean;
}

export function registerReconcile(program: Command): void {
  program
    .command("reconcile")
    .description("three-way match of deliveries, invoices and payments per customer; keeps the run's report")
    .option("--date <day>", "the day to reconcile (YYYY-MM-DD; default today): documents after it do not count")
    .option("--data-dir <dir>", "the hub's data dir (default: ORDERHUB_DATA_DIR, else ./data)")
    .option("--json", "print the whole report as JSON")
    .action(async (opts: Options) => {
      const date = opts.date ?? today();
      if (!isIsoDay(date)) {
        process.stderr.write(`orderhub reconcile: --date must be a day (YYYY-MM-DD), is "${date}"\n`);
        process.exitCode = 2;
        return;
      }
      const file = join(resolve(opts.dataDir || process.env.ORDERHUB_DATA_DIR || "./data"), "orderhub.db");
      if (!existsSync(file)) {
        process.stderr.write(`orderhub reconcile: no store at ${file}: point --data-dir or ORDERHUB_DATA_DIR at the hub's data dir\n`);
        process.exitCode = 2;
        return;
      }
      const store = new SqliteStore(file);
      const hold = setInterval(() => undefined, 60_000);
      try {
        const { id, report, comparison } = await runReconciliation(store, date.slice(0, 10));
        if (opts.json) process.stdout.write(`${JSON.stringify({ id, ...report, comparison }, null, 2)}\n`);
        else {
          const c = report.counts;
          process.stdout.write(`run ${id} on ${report.date}: ${c.customers} customer${c.customers === 1 ? "" : "s"}, ${c.deliveries} deliveries, ${c.invoices} invoices, ${c.payments} payments: ${c.mismatches} mismatch${c.mismatches === 1 ? "" : "es"} (${comparison.new.length} new, ${comparison.resolved.length} resolved, ${comparison.stillOpen.length} still open)\n`);
          for (const m of report.mismatches) process.stdout.write(`${m.customer}\t${m.kind}\t${m.detail}\n`);
        }
        process.exitCode = report.mismatches.length ? 3 : 0;
      } catch (err) {
        process.stderr.write(`orderhub reconcile: ${(err as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await store.close();
        clearInterval(hold);
      }
    });
}
