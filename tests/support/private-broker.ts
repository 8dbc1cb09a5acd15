import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A RabbitMQ node of a test file's own, for tests that stop, restart or alarm the broker: the machine's broker on
 * 5672 serves every other test file running alongside. The node runs from a temporary directory (data, logs, its own
 * config with one listener) on a free AMQP port and a free distribution port, and `stop()` removes it. Should the test
 * process die without stopping it, a watchdog started with it stops the node and removes the directory.
 */
export interface PrivateBroker {
  /** amqp://guest:guest@127.0.0.1:<port> */
  url: string;
  /** The Erlang node name, for `rabbitmqctl -n`. */
  node: string;
  port: number;
  dir: string;
  /** `rabbitmqctl -n <node> -q <args>`: its output, or a rejection with its stderr. Does not block the event loop. */
  ctl(...args: string[]): Promise<string>;
  /** Ready and unacknowledged messages of each queue of the default vhost. */
  queues(): Promise<Map<string, { ready: number; unacked: number }>>;
  /** Stops the node (SIGTERM, then SIGKILL if it lingers) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** `rabbitmqctl` itself listens on 35672–35682 (the default distribution port + 10000): never pick those. */
const CLI_PORTS = { from: 35672, to: 35682 };

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: "utf8", env, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(" ")}: ${(stderr || stdout || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A port below the kernel's ephemeral range (32768 on), away from 5672/25672 and the CLI's ports, free right now. */
async function freePort(taken: number[]): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (port === 25672 || taken.includes(port) || (port >= CLI_PORTS.from && port <= CLI_PORTS.to)) continue;
    if (await portFree(port)) return port;
  }
  throw new Error("no free port found for a private RabbitMQ node");
}

/** The names epmd knows (`name <name> at port <port>` lines), asked over its own protocol: no process to start. */
function epmdNames(): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(process.env.ERL_EPMD_PORT) || 4369, "127.0.0.1");
    socket.on("connect", () => socket.write(Buffer.from([0, 1, 110]))); // NAMES_REQ
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", () => resolve(""));
    socket.on("close", () => resolve(Buffer.concat(chunks).subarray(4).toString("utf8")));
  });
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The end of the node's log, and its first errors (the cause is usually there, the end shows only the shutdown). */
function logTail(dir: string, node: string, lines = 30): string {
  const parts: string[] = [];
  for (const file of [join(dir, "log", `${node}.log`), join(dir, "startup.log")]) {
    if (!existsSync(file)) continue;
    const all = readFileSync(file, "utf8").trimEnd().split("\n");
    const errors = all.filter((l) => l.includes("[error]")).slice(0, lines);
    if (errors.length > 0) parts.push(`--- ${file}, first errors:\n${errors.join("\n")}`);
    if (all.join("")) parts.push(`--- ${file}, last ${lines} lines:\n${all.slice(-lines).join("\n")}`);
  }
  if (existsSync(join(dir, "log", "erl_crash.dump"))) parts.push("(the Erlang VM wrote a crash dump)");
  return parts.join("\n") || "(the node wrote no log)";
}

/**
 * Stops the node and removes `dir` once process `parent` is gone: the test run was killed before its afterAll ran.
 * Detached, so that it outlives the test process; `stop()` ends it first.
 */
function startWatchdog(parent: number, dir: string): number | undefined {
  const script = [
    'parent=$1; dir=$2; pidfile="$dir/pid"',
    'while kill -0 "$parent" 2>/dev/null; do sleep 1; done',
    // the node may still be starting: give it time to write its pid file
    'i=0; while [ ! -s "$pidfile" ] && [ $i -lt 60 ]; do sleep 1; i=$((i+1)); done',
    'pid=$(cat "$pidfile" 2>/dev/null)',
    'if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.5; i=$((i+1)); done; kill -KILL "$pid" 2>/dev/null; fi',
    'rm -rf "$dir"',
  ].join("\n");
  const child = spawn("/bin/sh", ["-c", script, "private-broker-watchdog", String(parent), dir], { detached: true, stdio: "ignore" });
  child.unref();
  return child.pid;
}

/**
 * Starts a RabbitMQ node of its own (about 5 s, up to 10 on a busy machine). `name` goes into the node name and the
 * directory name, to tell them apart in `ps` and /tmp.
 */
export async function startPrivateBroker(name = "test"): Promise<PrivateBroker> {
  const port = await freePort([]);
  const distPort = await freePort([port]);
  const tag = `${name.replace(/[^a-z0-9-]/gi, "-")}-${randomBytes(3).toString("hex")}`;
  const node = `orderhub-${tag}@localhost`;
  const dir = mkdtempSync(join(tmpdir(), `orderhub-rabbit-${tag}-`));
  // rabbitmq-server, run as root, drops to the rabbitmq user, which writes its data and logs here
  chmodSync(dir, 0o777);
  // /etc/rabbitmq/rabbitmq.conf listens on 5672: a config file of its own, with one listener on the private port
  writeFileSync(join(dir, "rabbitmq.conf"), `listeners.tcp.1 = 127.0.0.1:${port}\nloopback_users = none\n`);
  const pidFile = join(dir, "pid");
  const watchdog = startWatchdog(process.pid, dir);
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_PID_FILE: pidFile,
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
  };
  const ctl = (...args: string[]) => run("rabbitmqctl", ["-n", node, "-q", ...args]);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (alive(watchdog)) process.kill(watchdog!, "SIGKILL");
      const pid = readPid(pidFile);
      if (alive(pid)) {
        process.kill(pid!, "SIGTERM"); // RabbitMQ stops gracefully on SIGTERM
        const until = Date.now() + STOP_TIMEOUT_MS;
        while (alive(pid) && Date.now() < until) await pause(50);
        if (alive(pid)) process.kill(pid!, "SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  const fail = async (why: string): Promise<never> => {
    const tail = logTail(dir, node);
    await stop();
    throw new Error(`private RabbitMQ node ${node} (port ${port}) did not start: ${why}\n${tail}`);
  };

  try {
    const out = await run("rabbitmq-server", ["-detached"], env);
    if (out.trim()) writeFileSync(join(dir, "startup.log"), out);
  } catch (err) {
    writeFileSync(join(dir, "startup.log"), (err as Error).message);
    return fail("rabbitmq-server -detached failed");
  }

  // The node registers with epmd a few seconds into its boot; rabbitmqctl cannot reach it before that.
  const deadline = Date.now() + START_TIMEOUT_MS;
  const shortName = node.split("@")[0];
  for (;;) {
    if ((await epmdNames()).includes(`name ${shortName} at port`)) break;
    const pid = readPid(pidFile);
    if (pid && !alive(pid)) return fail("the node exited during its boot");
    if (Date.now() > deadline) return fail(`not registered with epmd within ${START_TIMEOUT_MS / 1000} s`);
    await pause(100);
  }
  for (;;) {
    const left = Math.max(1, Math.round((deadline - Date.now()) / 1000));
    try {
      await ctl("await_startup", "--timeout", String(left));
      break;
    } catch (err) {
      const pid = readPid(pidFile);
      if (pid && !alive(pid)) return fail("the node exited during its boot");
      if (Date.now() > deadline) return fail((err as Error).message.split("\n")[0]);
      await pause(200);
    }
  }

  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    node,
    port,
    dir,
    ctl,
    queues: async () => {
      const rows = (await ctl("list_queues", "--no-table-headers", "name", "messages_ready", "messages_unacknowledged")).trim().split("\n");
      const counts = new Map<string, { ready: number; unacked: number }>();
      for (const row of rows) {
        const [queue, ready, unacked] = row.split("\t");
        if (queue) counts.set(queue, { ready: Number(ready), unacked: Number(unacked) });
      }
      return counts;
    },
    stop,
  };
}
