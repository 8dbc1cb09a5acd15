import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The compiled hub (`npm test` builds first), started as the operator starts it: `node dist/runtime/main.js`. */
export const MAIN = resolve(__dirname, "../../../dist/runtime/main.js");

export interface HubProcess {
  proc: ChildProcess;
  port: number;
  url: string;
  dir: string;
  flowsDir: string;
  /** ORDERHUB_DATA_DIR: the SQLite store (orderhub.db) and Node-RED's user dir. */
  dataDir: string;
  output(): string;
  /** Resolves once the process has exited, with its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Resolves once the output has a line matching `pattern`, with that line; fails after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** A signal (SIGTERM by default; SIGINT is Ctrl-C) and wait; resolves with the exit code. Removes the dir unless `keepDir` was given. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL (no shutdown at all, as a crash or the OOM killer) and wait until the process is gone. */
  kill(): Promise<void>;
}

/** A hub process spawned but maybe not started yet: `started` resolves with its port once it logged its start line. */
export type LaunchedHub = Omit<HubProcess, "port" | "url"> & { started: Promise<number> };

export interface HubOptions {
  env?: Record<string, string>;
  /** Flow files to write into the temp flows dir, by file name. */
  flows?: Record<string, unknown[]>;
  /** Run in this hub dir (from `tempHubDir()`), e.g. a previous hub's, so its SQLite store and userDir carry over. */
  dir?: string;
  /** Leave the dir in place on stop()/kill() (the caller removes it): for a restart on the same data. */
  keepDir?: boolean;
}

/** Flow files as shipped in flows/, by file name, ready for `HubOptions.flows`. */
export function shippedFlowFiles(...files: string[]): Record<string, unknown[]> {
  const root = resolve(__dirname, "../../../flows");
  return Object.fromEntries(files.map((f) => [f, JSON.parse(readFileSync(join(root, f), "utf8")) as unknown[]]));
}

/** A tiny flow using core nodes only: GET /api/ping → change (payload {pong:true}) → http response. */
export const PING_FLOW = [
  { id: "ping.tab", type: "tab", label: "Ping" },
  {
    id: "ping.in", type: "http in", z: "ping.tab", name: "ping", url: "/ping", method: "get",
    x: 100, y: 60, wires: [["ping.set"]],
  },
  {
    id: "ping.set", type: "change", z: "ping.tab", name: "pong",
    rules: [{ t: "set", p: "payload", pt: "msg", to: '{"pong":true}', tot: "json" }],
    x: 260, y: 60, wires: [["ping.out"]],
  },
  { id: "ping.out", type: "http response", z: "ping.tab", name: "", statusCode: "", headers: {}, x: 420, y: 60, wires: [] },
];

export function tempHubDir(existing?: string): { dir: string; flowsDir: string; dataDir: string } {
  const dir = existing ?? mkdtempSync(join(tmpdir(), "orderhub-runtime-"));
  const flowsDir = join(dir, "flows");
  mkdirSync(flowsDir, { recursive: true });
  return { dir, flowsDir, dataDir: join(dir, "data") };
}

export function hubEnv(dataDir: string, flowsDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", ORDERHUB_DATA_DIR: dataDir, ORDERHUB_FLOWS_DIR: flowsDir };
  for (const name of ["VITEST", "ORDERHUB_ADMIN_PASSWORD", "ORDERHUB_SANDBOX", "ORDERHUB_CREDENTIAL_SECRET"]) delete env[name];
  return { ...env, LOG_LEVEL: "info", ...extra };
}

/** Start a hub on a free port and wait for its start line (the port is read from it). */
export async function startHubProcess(options: HubOptions = {}): Promise<HubProcess> {
  const hub = launchHubProcess(options);
  try {
    const port = await hub.started;
    return { ...hub, port, url: `http://127.0.0.1:${port}` };
  } catch (err) {
    await hub.kill();
    throw err;
  }
}

/** Spawn a hub without waiting for it to start (to kill it while it starts, say). */
export function launchHubProcess(options: HubOptions = {}): LaunchedHub {
  const { dir, flowsDir, dataDir } = tempHubDir(options.dir);
  for (const [file, nodes] of Object.entries(options.flows ?? { "ping.json": PING_FLOW })) {
    writeFileSync(join(flowsDir, file), JSON.stringify(nodes, null, 2));
  }
  const proc = spawn(process.execPath, [MAIN], { env: hubEnv(dataDir, flowsDir, options.env), stdio: "pipe" });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  // "close", not "exit": the process may exit before its last lines were read from the pipe.
  const exited = new Promise<number | null>((done) => proc.once("close", (code) => done(code)));
  const started = waitForPort(() => out, exited);
  started.catch(() => undefined);
  const cleanUp = () => {
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  };
  const waitForOutput = async (pattern: RegExp, timeoutMs = 20_000) => {
    const line = () => out.split("\n").find((l) => pattern.test(l));
    const deadline = Date.now() + timeoutMs;
    while (!line()) {
      if (Date.now() > deadline) throw new Error(`the hub wrote no line matching ${pattern} within ${timeoutMs} ms:\n${out}`);
      await sleep(20);
    }
    return line()!;
  };
  return {
    proc, dir, flowsDir, dataDir, started, exited, waitForOutput,
    output: () => out,
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const code = await exited;
      cleanUp();
      return code;
    },
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await exited;
      cleanUp();
    },
  };
}

async function waitForPort(output: () => string, exited: Promise<number | null>, timeoutMs = 20_000): Promise<number> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const port = startedPort(output());
    if (port) return port;
    if (gone !== undefined) throw new Error(`hub exited with ${gone} before starting:\n${output()}`);
    await sleep(50);
  }
  throw new Error(`hub did not start within ${timeoutMs} ms:\n${output()}`);
}

function startedPort(output: string): number | undefined {
  for (const line of output.split("\n")) {
    if (!line.includes("OrderHub started")) continue;
    const port = (JSON.parse(line) as { port?: number }).port;
    if (port) return port;
  }
  return undefined;
}

/** Poll until the flows run (health 200) or the deadline; returns the last status. */
export async function waitForHealthy(url: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await fetch(`${url}/health`)).status;
    if (status === 200) return status;
    await sleep(100);
  }
  return status;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
