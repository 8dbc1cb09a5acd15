/**
 * `npm run bench:planning`: the planning core at a mid-sized manufacturer's scale, on data made from a seed (the same on
 * every run, bench/planning-data.ts): 20,000 items on 6 levels, 100,000 BOM lines, 52 weekly periods, 10,000 demand
 * lines.
 *
 *   MRP          planMrp on the whole data: time, and the process's peak memory (maxRSS) and heap after it
 *   explosion    explode() of the end item whose indented BOM is nearest 10,000 lines on a prepared BOM: the structure
 *                and its numeric index built once (timed and printed apart), median of BENCH_PLANNING_REPEATS runs
 *                (default 30) after 5 to warm up
 *   CTE          the same explosion as a PostgreSQL WITH RECURSIVE query over the same 100,000 lines, in a database
 *                of its own (orderhub_bench_<random>, dropped at the end), quantities multiplied along each path and
 *                summed per component; both answers must agree before anything is reported
 *
 * PostgreSQL: PGHOST / PGPORT / PGUSER (default 127.0.0.1, 5432, postgres, trust auth as .ci/run starts it). Without
 * it the CTE part is reported as skipped and the exit code is 1.
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Client } from "pg";
import { buildBom } from "../domain/planning/bom";
import { explode, type Explosion } from "../domain/planning/bom-explosion";
import { bomIndex } from "../domain/planning/bom-index";
import { planMrp } from "../domain/planning/mrp";
import { BENCH_SIZES, benchData, structureNear, type BenchData } from "./planning-data";

const REPEATS = Number(process.env.BENCH_PLANNING_REPEATS) || 30;
const WARMUP = 5;
const MB = 1024 * 1024;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
/** A full garbage collection before each phase, so that one phase's garbage is not collected on the next one's clock. */
const collect: () => void = global.gc ?? (setFlagsFromString("--expose-gc"), runInNewContext("gc") as () => void);

function timeMrp(data: BenchData) {
  collect();
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const plan = planMrp(data.mrp);
  const elapsed = performance.now() - start;
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const after = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  return { elapsed, cpu, plannedOrders: plan.plannedOrders.length, exceptions: plan.exceptions.length, rssBefore, heapAfter: after.heapUsed, peak };
}

function timeExplosion(data: BenchData, item: string) {
  collect();
  // the preparation a stored BOM needs once, timed apart from the queries: the structure, then its numeric index
  let start = performance.now();
  const structure = buildBom(data.bom);
  const built = performance.now() - start;
  start = performance.now();
  bomIndex(structure);
  const indexed = performance.now() - start;
  let answer: Explosion | undefined;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < WARMUP + REPEATS; i++) {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    answer = explode(structure, item, 1);
    if (i >= WARMUP) {
      times.push(performance.now() - start);
      cpu.push(cpuMs(process.cpuUsage(cpu0)));
    }
  }
  return { answer: answer!, median: median(times), min: Math.min(...times), cpu: median(cpu), built, indexed };
}

const CTE = `
WITH RECURSIVE x (sku, qty) AS (
  SELECT child, quantity * (1 + loss_rate) FROM bom WHERE parent = $1
  UNION ALL
  SELECT b.child, x.qty * b.quantity * (1 + b.loss_rate) FROM bom b JOIN x ON b.parent = x.sku
)
SELECT sku, SUM(qty) AS quantity, COUNT(*) AS paths FROM x GROUP BY sku`;

async function timeCte(data: BenchData, item: string, ours: Explosion) {
  const conn = { host: process.env.PGHOST || "127.0.0.1", port: Number(process.env.PGPORT) || 5432, user: process.env.PGUSER || "postgres" };
  const name = `orderhub_bench_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ ...conn, database: "postgres" });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const db = new Client({ ...conn, database: name });
  try {
    await db.connect();
    await db.query("CREATE TABLE bom (parent text NOT NULL, child text NOT NULL, quantity double precision NOT NULL, loss_rate double precision NOT NULL DEFAULT 0)");
    const loadStart = performance.now();
    for (let i = 0; i < data.bom.length; i += 2000) {
      const chunk = data.bom.slice(i, i + 2000);
      const values = chunk.map((_, j) => `($${4 * j + 1}, $${4 * j + 2}, $${4 * j + 3}, $${4 * j + 4})`).join(", ");
      await db.query(`INSERT INTO bom (parent, child, quantity, loss_rate) VALUES ${values}`, chunk.flatMap((l) => [l.parent, l.child, l.quantity, l.lossRate ?? 0]));
    }
    await db.query("CREATE INDEX bom_parent ON bom (parent)");
    await db.query("ANALYZE bom");
    const load = performance.now() - loadStart;
    const times: number[] = [];
    let rows: { sku: string; quantity: number; paths: string }[] = [];
    for (let i = 0; i < 3 + Math.min(REPEATS, 10); i++) {
      const start = performance.now();
      rows = (await db.query(CTE, [item])).rows;
      if (i >= 3) times.push(performance.now() - start);
    }
    // the same totals, or the figures mean nothing
    const theirs = new Map(rows.map((r) => [r.sku, Number(r.quantity)]));
    if (theirs.size !== ours.totals.length) throw new Error(`the CTE found ${theirs.size} components, explode() ${ours.totals.length}`);
    for (const t of ours.totals) {
      const q = theirs.get(t.sku);
      if (q === undefined || Math.abs(q - t.quantity) > 1e-6 * Math.max(1, t.quantity)) throw new Error(`component ${t.sku}: explode() ${t.quantity}, the CTE ${q}`);
    }
    const paths = rows.reduce((a, r) => a + Number(r.paths), 0);
    const version = (await db.query("SHOW server_version")).rows[0].server_version as string;
    return { median: median(times), min: Math.min(...times), load, paths, version };
  } finally {
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const genStart = performance.now();
  const data = benchData();
  const generated = performance.now() - genStart;
  const near = structureNear(data);
  const out = (line = "") => process.stdout.write(`${line}\n`);
  out(`bench:planning (Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}: wall times grow with the load, CPU times less)`);
  out(`  data       ${BENCH_SIZES.items.toLocaleString("en")} items on ${data.levels.length} levels (${data.levels.map((l) => l.length).join(" / ")}), ${data.bom.length.toLocaleString("en")} BOM lines, ${data.mrp.periods} periods, ${data.mrp.demand.length.toLocaleString("en")} demand lines (made in ${ms(generated)}, seed 14)`);

  const mrp = timeMrp(data);
  out(`  MRP        ${ms(mrp.elapsed)} (CPU ${ms(mrp.cpu)}) for ${mrp.plannedOrders.toLocaleString("en")} planned orders, ${mrp.exceptions.toLocaleString("en")} past-due exceptions (goal ≤ 2,000 ms: ${verdict(mrp.elapsed <= 2000)})`);
  out(`  memory     peak RSS of the process ${mb(mrp.peak)} (goal ≤ 500 MB: ${verdict(mrp.peak <= 500 * MB)}); RSS before MRP ${mb(mrp.rssBefore)}, heap after ${mb(mrp.heapAfter)}`);

  const ex = timeExplosion(data, near.item);
  out(`  explosion  ${near.item}: ${ex.answer.lines.length.toLocaleString("en")} lines, ${ex.answer.totals.length.toLocaleString("en")} components: median ${ms(ex.median)} (CPU ${ms(ex.cpu)}), best ${ms(ex.min)} over ${REPEATS} runs on the prepared BOM (goal ≤ 10 ms: ${verdict(ex.median <= 10)})`);
  out(`  prepared   once per stored BOM, not in the figure above: buildBom of the ${data.bom.length.toLocaleString("en")} lines ${ms(ex.built)}, its numeric index ${ms(ex.indexed)} (a one-off explode(lines) pays both)`);

  try {
    const cte = await timeCte(data, near.item, ex.answer);
    const ratio = cte.median / ex.median;
    out(`  CTE        PostgreSQL ${cte.version}, WITH RECURSIVE over the same ${data.bom.length.toLocaleString("en")} lines (loaded and indexed in ${ms(cte.load)}): ${cte.paths.toLocaleString("en")} paths, median ${ms(cte.median)}, best ${ms(cte.min)}; same totals`);
    out(`  ratio: ${ratio.toFixed(1)}  (CTE median / explode() median; goal ≥ 10: ${verdict(ratio >= 10)})`);
  } catch (err) {
    out(`  CTE        skipped: ${(err as Error).message} (is PostgreSQL running on ${process.env.PGHOST || "127.0.0.1"}:${process.env.PGPORT || 5432}?)`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`bench:planning: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
