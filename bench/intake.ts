/**
 * `npm run bench:intake`: how fast the order intake flow drains a preloaded queue, against a bare amqplib relay doing
 * the least the same job needs (consume → JSON transform → publish with confirm → ack) on the same data.
 *
 * Both run in a child process of their own on a throwaway vhost, with persistent messages, prefetch 100 and publisher
 * confirms; this process only preloads, counts the events on a tap queue and reads the children's peak memory.
 * `node dist/bench/intake.js relay <url> <queue>` is the relay child.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import amqp, { type ChannelModel, type ConsumeMessage } from "amqplib";
import { EVENTS_EXCHANGE, INBOUND_ORDERS_QUEUE, declareHubTopology, declareQueue } from "../connectors/amqp/topology";
import { benchBodies } from "./orders";

const COUNT = Number(process.env.BENCH_ORDERS) || 20_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;
const PREFETCH = Number(process.env.BENCH_PREFETCH ?? 100);
const RELAY_QUEUE = "orderhub.bench.relay";
const RELAY_KEY = "relay.accepted";
const ROOT = resolve(__dirname, "../..");
const MAIN = join(ROOT, "dist/runtime/main.js");
const TIMEOUT_MS = 600_000;

interface RunResult {
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
}

/** The local broker's Erlang VM, whose CPU shares the machine with the process under test. */
function brokerPid(): number | undefined {
  try {
    return Number(execFileSync("pgrep", ["-o", "beam.smp"], { encoding: "utf8" }).trim()) || undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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

/** Counts the events routed with `key` on orderhub.events from now on. */
async function tap(conn: ChannelModel, key: string): Promise<{ count(): number; close(): Promise<void> }> {
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue("", { exclusive: true });
  await ch.bindQueue(queue, EVENTS_EXCHANGE, key);
  let n = 0;
  await ch.consume(queue, () => void n++, { noAck: true });
  return { count: () => n, close: () => ch.close() };
}

async function depth(conn: ChannelModel, queue: string): Promise<number> {
  const ch = await conn.createChannel();
  try {
    return (await ch.checkQueue(queue)).messageCount;
  } finally {
    await ch.close().catch(() => undefined);
  }
}

/**
 * From `begun` (the moment the consumer started consuming, as the child process stamped it) until the tap has counted
 * every message and the source queue is empty; progress every 3 s.
 */
async function timeDrain(name: string, begun: number, conn: ChannelModel, queue: string, counted: () => number, alive: () => boolean): Promise<number> {
  let lastReport = begun;
  for (;;) {
    const n = counted();
    if (n >= COUNT && (await depth(conn, queue)) === 0) return (Date.now() - begun) / 1000;
    if (!alive()) throw new Error(`${name}: the process exited after ${n} of ${COUNT} events`);
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
    async waitFor(what: string, test: (out: string) => boolean, timeoutMs = 30_000): Promise<void> {
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

/** The compiled hub with the shipped flows on a temp data dir, timed from its "consuming" log line to the last event. */
async function runHub(conn: ChannelModel, amqpUrl: string, bodies: Buffer[]): Promise<RunResult> {
  await preload(conn, INBOUND_ORDERS_QUEUE, bodies, "bench-in");
  const events = await tap(conn, "order.accepted");
  const dir = mkdtempSync(join(tmpdir(), "orderhub-bench-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const flowsDir = join(dir, "flows");
  mkdirSync(flowsDir);
  for (const file of ["config.json", "order-intake.json"]) cpSync(join(ROOT, "flows", file), join(flowsDir, file));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", AMQP_URL: amqpUrl, LOG_LEVEL: "info", ORDERHUB_DATA_DIR: join(dir, "data"), ORDERHUB_FLOWS_DIR: flowsDir };
  const hub = child([...nodeFlags(), MAIN], env);
  try {
    await hub.waitFor(`"consuming from ${INBOUND_ORDERS_QUEUE}" from the hub`, (out) => consumingSince(out, INBOUND_ORDERS_QUEUE) !== undefined);
    return await measure("intake flow (hub)", consumingSince(hub.output(), INBOUND_ORDERS_QUEUE)!, conn, INBOUND_ORDERS_QUEUE, events, hub);
  } finally {
    await hub.stop();
    await events.close();
  }
}

/** Time the drain of `queue` into the tap, then read the process's peak memory while it still runs. */
async function measure(name: string, begun: number, conn: ChannelModel, queue: string, events: { count(): number }, proc: Child): Promise<RunResult> {
  const broker = brokerPid();
  const cpuBefore = cpuSeconds(proc.proc.pid!);
  const mainBefore = cpuSeconds(proc.proc.pid!, true);
  const brokerBefore = broker ? cpuSeconds(broker) : NaN;
  const seconds = await timeDrain(name, begun, conn, queue, events.count, proc.alive);
  const cpu = cpuSeconds(proc.proc.pid!) - cpuBefore;
  const mainCpu = cpuSeconds(proc.proc.pid!, true) - mainBefore;
  const brokerCpu = broker ? cpuSeconds(broker) - brokerBefore : NaN;
  const n = events.count();
  return { name, messages: n, seconds, peakRssMb: peakRssMb(proc.proc.pid!), cpuMicrosPerMessage: (cpu * 1e6) / n, mainMicrosPerMessage: (mainCpu * 1e6) / n, brokerMicrosPerMessage: (brokerCpu * 1e6) / n };
}

/** The bare relay in a child process on the same vhost and data, timed from its "consuming" line to the last event. */
async function runRelay(conn: ChannelModel, amqpUrl: string, bodies: Buffer[]): Promise<RunResult> {
  await declareQueue(() => conn.createChannel(), RELAY_QUEUE);
  await preload(conn, RELAY_QUEUE, bodies, "bench-relay");
  const events = await tap(conn, RELAY_KEY);
  const relay = child([...nodeFlags(), __filename, "relay", amqpUrl, RELAY_QUEUE], process.env);
  try {
    await relay.waitFor("'consuming' from the relay", (out) => /consuming \d+/.test(out));
    return await measure("bare amqplib relay", Number(/consuming (\d+)/.exec(relay.output())![1]), conn, RELAY_QUEUE, events, relay);
  } finally {
    await relay.stop();
    await events.close();
  }
}

/** BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles both children. */
function nodeFlags(): string[] {
  return (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
}

/** The relay child: consume with prefetch, JSON transform, publish on a confirm channel, ack after the confirm. */
async function relayMain(url: string, queue: string): Promise<void> {
  const conn = await amqp.connect(url);
  const pub = await conn.createConfirmChannel();
  const sub = await conn.createChannel();
  await sub.prefetch(PREFETCH);
  let waiting: Promise<void> | undefined;
  const handle = (m: ConsumeMessage) => {
    const order = JSON.parse(m.content.toString("utf8")) as Record<string, unknown>;
    const event = { ...order, acceptedAt: new Date().toISOString(), inboundMessageId: m.properties.messageId };
    const body = Buffer.from(JSON.stringify(event));
    const publish = () => {
      const ok = pub.publish(EVENTS_EXCHANGE, RELAY_KEY, body, { persistent: true, contentType: "application/json", messageId: `relay:${m.properties.messageId}` }, (err) =>
        err ? sub.nack(m, false, true) : sub.ack(m),
      );
      if (!ok) waiting ??= new Promise<void>((r) => pub.once("drain", () => ((waiting = undefined), r())));
    };
    if (waiting) void waiting.then(publish);
    else publish();
  };
  await sub.consume(queue, (m) => m && handle(m), { noAck: false });
  console.log(`consuming ${Date.now()}`);
  process.once("SIGTERM", () => void conn.close().finally(() => process.exit(0)));
}

const cleanups: Array<() => void> = [];

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

function table(results: RunResult[]): void {
  const rows = [
    ["run", "messages", "seconds", "msgs/s", "CPU µs/msg", "main thread", "broker CPU µs/msg", "peak RSS MB"],
    ...results.map((r) => [
      r.name,
      String(r.messages),
      r.seconds.toFixed(2),
      (r.messages / r.seconds).toFixed(0),
      r.cpuMicrosPerMessage.toFixed(0),
      r.mainMicrosPerMessage.toFixed(0),
      r.brokerMicrosPerMessage.toFixed(0),
      r.peakRssMb.toFixed(0),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
}

/** A fresh vhost with the hub's topology, deleted at the end (also on failure or Ctrl-C). */
async function freshVhost(): Promise<{ vhost: string; amqpUrl: string; conn: ChannelModel }> {
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

async function main(): Promise<void> {
  const bodies = benchBodies(COUNT);
  const kb = bodies.reduce((s, b) => s + b.length, 0) / bodies.length / 1024;
  console.log(`${COUNT} canonical JSON orders, ${kb.toFixed(2)} KB each, prefetch ${PREFETCH}, persistent, confirms; ${ROUNDS} rounds`);

  // Rounds alternate hub and relay so that a passing load on the machine hits both, and which goes first alternates
  // from round to round, so that neither always runs on the heels of the other; the medians are compared. Each run
  // gets a vhost of its own: a quorum queue's log grows with every run, and the broker slows down with it.
  const hubs: RunResult[] = [];
  const relays: RunResult[] = [];
  const hubRun = async (round: number) => {
    const forHub = await freshVhost();
    console.log(`round ${round}/${ROUNDS}: preloading ${COUNT} orders on ${INBOUND_ORDERS_QUEUE} (vhost ${forHub.vhost}), starting a fresh hub …`);
    hubs.push(await runHub(forHub.conn, forHub.amqpUrl, bodies));
  };
  const relayRun = async (round: number) => {
    const forRelay = await freshVhost();
    console.log(`round ${round}/${ROUNDS}: preloading ${COUNT} orders on ${RELAY_QUEUE} (vhost ${forRelay.vhost}), starting the relay …`);
    relays.push(await runRelay(forRelay.conn, forRelay.amqpUrl, bodies));
  };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const run of round % 2 === 1 ? [hubRun, relayRun] : [relayRun, hubRun]) await run(round);
  }
  console.log("");
  table([...hubs, ...relays]);
  const hub = median(hubs);
  const relay = median(relays);
  console.log("");
  console.log(`median intake flow: ${rate(hub).toFixed(0)} msgs/s, ${hub.cpuMicrosPerMessage.toFixed(0)} µs CPU/msg, peak RSS ${Math.max(...hubs.map((h) => h.peakRssMb)).toFixed(0)} MB`);
  console.log(`median bare relay:  ${rate(relay).toFixed(0)} msgs/s, ${relay.cpuMicrosPerMessage.toFixed(0)} µs CPU/msg, peak RSS ${Math.max(...relays.map((r) => r.peakRssMb)).toFixed(0)} MB`);
  const ratio = rate(hub) / rate(relay);
  console.log(`ratio: ${ratio.toFixed(2)}`);
  if (ratio < 0.6) console.log("WARNING: below 0.6 (the intake flow should reach 0.8 of the bare relay)");
}

const rate = (r: RunResult) => r.messages / r.seconds;

/** The run with the median rate. */
function median(runs: RunResult[]): RunResult {
  return [...runs].sort((a, b) => rate(a) - rate(b))[Math.floor(runs.length / 2)];
}

if (process.argv[2] === "relay") {
  relayMain(process.argv[3], process.argv[4]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
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
      console.error(`bench:intake failed: ${err instanceof Error ? err.message : String(err)}`);
      cleanUp();
      process.exit(1);
    },
  );
}
