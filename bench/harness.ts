/**
 * What the benches share: throwaway vhosts with the hub's topology, preloading, a tap on orderhub.events, the hub and
 * the bare relay as child processes, and their drain timed with their CPU (all threads, main thread, the broker's) and
 * peak memory. `intake.ts` compares the hub with the relay; `ab.ts` compares two hubs.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import amqp, { type ChannelModel } from "amqplib";
import { DEAD_LETTER_QUEUE, EVENTS_EXCHANGE, INBOUND_ORDERS_QUEUE, bindQueue, declareHubTopology, declareQueue } from "../connectors/amqp/topology";

export const COUNT = Number(process.env.BENCH_ORDERS) || 20_000;
export const PREFETCH = Number(process.env.BENCH_PREFETCH ?? 100);
export const RELAY_QUEUE = "orderhub.bench.relay";
export const RELAY_KEY = "relay.accepted";
const ROOT = resolve(__dirname, "../..");
export const MAIN = join(ROOT, "dist/runtime/main.js");
const TIMEOUT_MS = (Number(process.env.BENCH_TIMEOUT_S) || 600) * 1000;

export interface RunResult {
  name: string;
  messages: number;
  seconds: number;
  peakRssMb: number;
  /** CPU time the process spent per message during the drain (user + system), all its threads. */
  cpuMicrosPerMessage: number;
  /** The same for its main thread alone (the event loop); the rest is GC, the JIT compiler and the hub's store. */
  mainMicrosPerMessage: number;
  /** The same for the local RabbitMQ (beam.smp), when it runs on this machine. */
  brokerMicrosPerMessage: number;
  /**
   * Share of the drain the main thread spent ready to run but waiting for a core (the scheduler's run queue): how much
   * the other threads on the machine (the broker's, the process's own helpers) held it up.
   */
  mainWaitShare: number;
  /** Events the tap counted, by routing key. */
  byKey: Record<string, number>;
  /** The clock was stopped at the run's cap before every event had arrived: the rate is that of the events counted. */
  cut: boolean;
  /** Messages in orderhub.dlq once the run ended. */
  deadLettered: number;
}

/** The local broker's Erlang VM, whose CPU shares the machine with the process under test. */
function brokerPid(): number | undefined {
  try {
    return Number(execFileSync("pgrep", ["-o", "beam.smp"], { encoding: "utf8" }).trim()) || undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function rabbitmqctl(...args: string[]): void {
  execFileSync("rabbitmqctl", ["-q", ...args], { stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * User + system CPU seconds a process has used so far (from /proc/<pid>/stat, in clock ticks of 1/100 s); with
 * `mainThreadOnly`, those of its main thread (/proc/<pid>/task/<pid>/stat).
 */
function cpuSeconds(pid: number, mainThreadOnly = false): number {
  const fields = readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Seconds a thread has spent waiting on a run queue so far (/proc/<pid>/task/<tid>/schedstat, in ns). */
function runQueueSeconds(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
  } catch {
    return NaN; // a kernel without schedstats
  }
}

/** Peak resident set (VmHWM) of a live process, in MB. */
function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

/** Preload the bodies on `queue` through a confirm channel, persistent, one message id each. */
async function preload(conn: ChannelModel, queue: string, bodies: Buffer[], idPrefix: string): Promise<void> {
  const ch = await conn.createConfirmChannel();
  for (let i = 0; i < bodies.length; i++) {
    const ok = ch.sendToQueue(queue, bodies[i], { persistent: true, contentType: "application/json", messageId: `${idPrefix}-${i}` });
    if (!ok) await new Promise((r) => ch.once("drain", r));
    if (i % 1000 === 999) await ch.waitForConfirms();
  }
  await ch.waitForConfirms();
  await ch.close();
}

interface Tap {
  count(): number;
  byKey(): Record<string, number>;
  close(): Promise<void>;
}

/** Counts the events routed with any of `keys` on orderhub.events from now on (in all, and by routing key). */
async function tap(conn: ChannelModel, keys: string | readonly string[]): Promise<Tap> {
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue("", { exclusive: true });
  for (const key of typeof keys === "string" ? [keys] : keys) await ch.bindQueue(queue, EVENTS_EXCHANGE, key);
  let n = 0;
  const byKey: Record<string, number> = {};
  await ch.consume(
    queue,
    (m) => {
      n++;
      if (m) byKey[m.fields.routingKey] = (byKey[m.fields.routingKey] ?? 0) + 1;
    },
    { noAck: true },
  );
  return { count: () => n, byKey: () => ({ ...byKey }), close: () => ch.close() };
}

async function depth(conn: ChannelModel, queue: string): Promise<number> {
  const ch = await conn.createChannel();
  try {
    return (await ch.checkQueue(queue)).messageCount;
  } finally {
    await ch.close().catch(() => undefined);
  }
}

async function allEmpty(conn: ChannelModel, queues: readonly string[]): Promise<boolean> {
  for (const queue of queues) if ((await depth(conn, queue)) !== 0) return false;
  return true;
}

/**
 * From `begun` (the moment the consumer started consuming, as the child process stamped it) until the tap has counted
 * every message and the queues are empty; progress every 3 s. With `capMs`, the clock stops there if it has not
 * already (`cut`), and the events counted by then are the run's.
 */
async function timeDrain(name: string, begun: number, conn: ChannelModel, queues: readonly string[], counted: () => number, proc: Pick<Child, "alive" | "output">, capMs = Infinity): Promise<{ seconds: number; cut: boolean; counted: number }> {
  let lastReport = begun;
  for (;;) {
    const n = counted();
    if (n >= COUNT && (await allEmpty(conn, queues))) return { seconds: (Date.now() - begun) / 1000, cut: false, counted: n };
    if (!proc.alive()) throw new Error(`${name}: the process exited after ${n} of ${COUNT} events; its last words:\n${proc.output().split("\n").slice(-15).join("\n")}`);
    if (Date.now() - begun >= capMs) {
      const seconds = (Date.now() - begun) / 1000;
      console.log(`  ${name}: cut at ${seconds.toFixed(0)} s, ${n} of ${COUNT} events counted`);
      return { seconds, cut: true, counted: n };
    }
    if (Date.now() - begun > TIMEOUT_MS) throw new Error(`${name}: only ${n} of ${COUNT} events after ${TIMEOUT_MS / 1000} s`);
    if (Date.now() - lastReport >= 3000) {
      lastReport = Date.now();
      const s = (lastReport - begun) / 1000;
      console.log(`  ${name}: ${n} / ${COUNT} events after ${s.toFixed(0)} s (${Math.round(n / s)} msgs/s)`);
    }
    await sleep(n >= COUNT ? 50 : 20);
  }
}

/** A child process whose output is kept (and shown if it fails); `stop()` ends it with SIGTERM. */
function child(args: string[], env: NodeJS.ProcessEnv) {
  const proc: ChildProcess = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  proc.stderr!.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  running.add(proc);
  return {
    proc,
    output: () => out,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async waitFor(what: string, test: (out: string) => boolean, timeoutMs = 120_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (!test(out)) {
        if (proc.exitCode !== null || Date.now() > until) throw new Error(`no ${what}:\n${out}`);
        await sleep(10);
      }
    },
    async stop(): Promise<void> {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
      running.delete(proc);
    },
  };
}

type Child = ReturnType<typeof child>;

const running = new Set<ChildProcess>();

/** The time (epoch ms) of the hub's log line saying it started consuming from `queue`, once it has been written. */
function consumingSince(out: string, queue: string): number | undefined {
  for (const line of out.split("\n")) {
    if (!line.includes("amqp: consuming from")) continue;
    try {
      const entry = JSON.parse(line) as { time?: number; queue?: string };
      if (entry.queue === queue && typeof entry.time === "number") return entry.time;
    } catch {
      // not a whole JSON line yet
    }
  }
  return undefined;
}

/** Which hub to run: its entry (another build's, for an A/B), extra environment and node flags. */
export interface HubVariant {
  main?: string;
  env?: Record<string, string>;
  flags?: string[];
}

/** What a hub run runs and counts; the defaults are the intake bench's. */
export interface HubRun {
  /** The run's name in the tables (default "intake flow (hub)"). */
  name?: string;
  /** The files of flows/ the hub runs (default config.json and order-intake.json). */
  flows?: string[];
  /** The routing keys on orderhub.events whose events the tap counts (default order.accepted): COUNT of them end the run. */
  tapKeys?: string[];
  /**
   * Queues declared and bound before the preload, as the flows' amqp-in nodes declare them (quorum, dead-lettering),
   * so that no event is published before the queue that takes it is bound.
   */
  queues?: Array<{ queue: string; patterns: string[] }>;
  /** Queues besides the inbound one that must be empty at the end. */
  drained?: string[];
  /** A data dir copied as the hub's (a store with master data loaded, for instance); default an empty one. */
  dataTemplate?: string;
  /** Stop the clock this many seconds after the start even when not every event has arrived. */
  capSeconds?: number;
}

/** The compiled hub with the shipped flows on a temp data dir, timed from its "consuming" log line to the last event. */
export async function runHub(conn: ChannelModel, amqpUrl: string, bodies: Buffer[], variant: HubVariant = {}, run: HubRun = {}): Promise<RunResult> {
  for (const { queue, patterns } of run.queues ?? []) {
    await declareQueue(() => conn.createChannel(), queue);
    await bindQueue(() => conn.createChannel(), queue, EVENTS_EXCHANGE, patterns);
  }
  await preload(conn, INBOUND_ORDERS_QUEUE, bodies, "bench-in");
  const events = await tap(conn, run.tapKeys ?? "order.accepted");
  const dir = mkdtempSync(join(tmpdir(), "orderhub-bench-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const flowsDir = join(dir, "flows");
  mkdirSync(flowsDir);
  for (const file of run.flows ?? ["config.json", "order-intake.json"]) cpSync(join(ROOT, "flows", file), join(flowsDir, file));
  if (run.dataTemplate) cpSync(run.dataTemplate, join(dir, "data"), { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...variant.env, PORT: "0", AMQP_URL: amqpUrl, LOG_LEVEL: "info", ORDERHUB_DATA_DIR: join(dir, "data"), ORDERHUB_FLOWS_DIR: flowsDir };
  const hub = child([...(variant.flags ?? nodeFlags()), variant.main ?? MAIN], env);
  try {
    await hub.waitFor(`"consuming from ${INBOUND_ORDERS_QUEUE}" from the hub`, (out) => consumingSince(out, INBOUND_ORDERS_QUEUE) !== undefined);
    const queues = [INBOUND_ORDERS_QUEUE, ...(run.drained ?? [])];
    return await measure(run.name ?? "intake flow (hub)", consumingSince(hub.output(), INBOUND_ORDERS_QUEUE)!, conn, queues, events, hub, run.capSeconds);
  } finally {
    await hub.stop();
    await events.close();
  }
}

/** Time the drain of the queues into the tap, then read the process's peak memory while it still runs. */
async function measure(name: string, begun: number, conn: ChannelModel, queues: readonly string[], events: Tap, proc: Child, capSeconds?: number): Promise<RunResult> {
  const broker = brokerPid();
  const cpuBefore = cpuSeconds(proc.proc.pid!);
  const mainBefore = cpuSeconds(proc.proc.pid!, true);
  const brokerBefore = broker ? cpuSeconds(broker) : NaN;
  const waitBefore = runQueueSeconds(proc.proc.pid!);
  const { seconds, cut, counted } = await timeDrain(name, begun, conn, queues, events.count, proc, capSeconds === undefined ? Infinity : capSeconds * 1000);
  const cpu = cpuSeconds(proc.proc.pid!) - cpuBefore;
  const mainCpu = cpuSeconds(proc.proc.pid!, true) - mainBefore;
  const brokerCpu = broker ? cpuSeconds(broker) - brokerBefore : NaN;
  const waited = runQueueSeconds(proc.proc.pid!) - waitBefore;
  const n = counted;
  const byKey = events.byKey();
  const deadLettered = await depth(conn, DEAD_LETTER_QUEUE);
  return { name, messages: n, seconds, peakRssMb: peakRssMb(proc.proc.pid!), cpuMicrosPerMessage: (cpu * 1e6) / n, mainMicrosPerMessage: (mainCpu * 1e6) / n, brokerMicrosPerMessage: (brokerCpu * 1e6) / n, mainWaitShare: waited / seconds, byKey, cut, deadLettered };
}

/** The bare relay in a child process on the same vhost and data, timed from its "consuming" line to the last event. */
export async function runRelay(conn: ChannelModel, amqpUrl: string, bodies: Buffer[]): Promise<RunResult> {
  await declareQueue(() => conn.createChannel(), RELAY_QUEUE);
  await preload(conn, RELAY_QUEUE, bodies, "bench-relay");
  const events = await tap(conn, RELAY_KEY);
  const relay = child([...nodeFlags(), join(__dirname, "relay.js"), amqpUrl, RELAY_QUEUE], process.env);
  try {
    await relay.waitFor("'consuming' from the relay", (out) => /consuming \d+/.test(out));
    return await measure("bare amqplib relay", Number(/consuming (\d+)/.exec(relay.output())![1]), conn, [RELAY_QUEUE], events, relay);
  } finally {
    await relay.stop();
    await events.close();
  }
}

/** BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles both children. */
function nodeFlags(): string[] {
  return (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
}

const cleanups: Array<() => void> = [];

/** Something to undo when the bench ends (a temp dir), also when it fails or is stopped. */
export function atCleanUp(fn: () => void): void {
  cleanups.push(fn);
}

function cleanUp(): void {
  for (const proc of running) proc.kill("SIGKILL");
  running.clear();
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch (err) {
      console.error(`cleanup: ${(err as Error).message}`);
    }
  }
}

export function table(results: RunResult[]): void {
  const rows = [
    ["run", "messages", "seconds", "msgs/s", "CPU µs/msg", "main thread", "main waits", "broker CPU µs/msg", "peak RSS MB"],
    ...results.map((r) => [
      r.name,
      String(r.messages),
      r.seconds.toFixed(2),
      (r.messages / r.seconds).toFixed(0),
      r.cpuMicrosPerMessage.toFixed(0),
      r.mainMicrosPerMessage.toFixed(0),
      `${(100 * r.mainWaitShare).toFixed(0)} %`,
      r.brokerMicrosPerMessage.toFixed(0),
      r.peakRssMb.toFixed(0),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
}

/** A fresh vhost with the hub's topology, deleted at the end (also on failure or Ctrl-C). */
export async function freshVhost(): Promise<{ vhost: string; amqpUrl: string; conn: ChannelModel }> {
  const vhost = `orderhub-bench-${randomBytes(4).toString("hex")}`;
  rabbitmqctl("add_vhost", vhost);
  cleanups.push(() => rabbitmqctl("delete_vhost", vhost));
  rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
  const amqpUrl = `${process.env.BENCH_AMQP_BASE ?? "amqp://guest:guest@127.0.0.1:5672"}/${encodeURIComponent(vhost)}`;
  const conn = await amqp.connect(amqpUrl);
  cleanups.push(() => void conn.close().catch(() => undefined));
  await declareHubTopology(() => conn.createChannel());
  return { vhost, amqpUrl, conn };
}

export const rate = (r: RunResult) => r.messages / r.seconds;

/** The run with the median rate. */
export function median(runs: RunResult[]): RunResult {
  return [...runs].sort((a, b) => rate(a) - rate(b))[Math.floor(runs.length / 2)];
}

/**
 * Runs a bench's main: deletes its vhosts, temp dirs and children at the end, also when it fails or gets
 * SIGINT/SIGTERM; exits 0 when it completed, 1 when a run could not.
 */
export function runBench(name: string, main: () => Promise<void>): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`${signal}: stopping, deleting the vhost`);
      cleanUp();
      process.exit(130);
    });
  }
  main().then(
    () => {
      cleanUp();
      process.exit(0);
    },
    (err: unknown) => {
      console.error(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      cleanUp();
      process.exit(1);
    },
  );
}
