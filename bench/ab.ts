/**
 * `npm run bench:ab`: two hubs against each other, for judging a change to the hub (docs/BENCHMARKS.md, "How changes
 * are judged"). Pairs of single rounds, A and B each on a fresh vhost with the same preloaded orders, which of the two
 * goes first flipping from pair to pair; a change counts when B wins most pairs and the averages agree.
 *
 *   A_MAIN / B_MAIN    the hub entry of each (default: this build's dist/runtime/main.js), e.g. a base build in a
 *                      git worktree
 *   A_ENV / B_ENV      JSON of environment variables for each, e.g. '{"SOME_SWITCH":"1"}'
 *   A_FLAGS / B_FLAGS  node flags for each (default: BENCH_NODE_FLAGS)
 *   AB_PAIRS           pairs (default 6); BENCH_ORDERS orders per run (default 20,000)
 */
import { COUNT, type HubVariant, type RunResult, freshVhost, rate, runBench, runHub } from "./harness";
import { benchBodies } from "./orders";

const PAIRS = Number(process.env.AB_PAIRS) || 6;

function variant(name: "A" | "B"): HubVariant {
  const env = process.env[`${name}_ENV`];
  const flags = process.env[`${name}_FLAGS`];
  return {
    main: process.env[`${name}_MAIN`] || undefined,
    env: env ? (JSON.parse(env) as Record<string, string>) : undefined,
    flags: flags === undefined ? undefined : flags.split(/\s+/).filter(Boolean),
  };
}

const describe = (v: HubVariant) => [v.main ?? "this build", v.env && JSON.stringify(v.env), v.flags?.join(" ")].filter(Boolean).join(", ");
const average = (runs: RunResult[], of: (r: RunResult) => number) => runs.reduce((sum, r) => sum + of(r), 0) / runs.length;
const summary = (runs: RunResult[]) =>
  `${average(runs, rate).toFixed(0)} msgs/s, CPU ${average(runs, (r) => r.cpuMicrosPerMessage).toFixed(0)} µs/order, main thread ${average(runs, (r) => r.mainMicrosPerMessage).toFixed(0)} µs/order, waiting for a core ${(100 * average(runs, (r) => r.mainWaitShare)).toFixed(0)} % of the drain`;

async function main(): Promise<void> {
  const variants = { A: variant("A"), B: variant("B") };
  console.log(`A: ${describe(variants.A)}\nB: ${describe(variants.B)}\n${PAIRS} pairs of ${COUNT} orders each`);
  const bodies = benchBodies(COUNT);
  const runs: Record<"A" | "B", RunResult[]> = { A: [], B: [] };
  for (let pair = 1; pair <= PAIRS; pair++) {
    for (const name of pair % 2 === 1 ? (["A", "B"] as const) : (["B", "A"] as const)) {
      const { conn, amqpUrl } = await freshVhost();
      const run = await runHub(conn, amqpUrl, bodies, variants[name]);
      runs[name].push(run);
      console.log(`pair ${pair} ${name}: ${rate(run).toFixed(0)} msgs/s, CPU ${run.cpuMicrosPerMessage.toFixed(0)} µs/order, main thread ${run.mainMicrosPerMessage.toFixed(0)}, waiting ${(100 * run.mainWaitShare).toFixed(0)} %`);
    }
  }
  const won = runs.B.filter((b, i) => rate(b) > rate(runs.A[i])).length;
  console.log(`\nA: ${summary(runs.A)}\nB: ${summary(runs.B)}\nB faster in ${won} of ${PAIRS} pairs`);
}

runBench("bench:ab", main);
