// `orderhub sandbox`: the stand-in systems alone, without a hub (on one port, or each on a port of its own), and
// `orderhub sandbox fault <system> <switch>`: flip a running stand-in's fault switches, in the hub or alone.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Command, InvalidArgumentError } from "commander";
import express from "express";

const DEFAULT_HUB = "http://127.0.0.1:1880";
const DEFAULT_PORT = 1890;
const SYSTEMS = ["erp", "oa", "crm", "tms", "wms", "finance", "plm"];

interface RunOptions {
  port: number;
  ownPorts?: boolean;
  hub?: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`"${value}" is not a TCP port (0 to 65535)`);
  return n;
}

function listen(server: Server, at: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(new Error(`cannot listen on 127.0.0.1:${at}: ${err.code === "EADDRINUSE" ? "the port is in use; pick another with --port" : err.message}`)));
    server.listen(at, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

async function run(opts: RunOptions): Promise<void> {
  const { STAND_INS, listing, sandboxLoopbackOnly, standInAddress, standInRouter, startSandbox } = await import("../../sandbox");
  const hub = opts.hub ?? DEFAULT_HUB;
  const ctx = { hubUrl: () => hub.replace(/\/+$/, ""), apiKey: () => process.env.ORDERHUB_SANDBOX_API_KEY || undefined, amqpUrl: process.env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672" };
  const servers: Server[] = [];
  const stops: Array<() => Promise<void>> = [];
  const lines: string[] = [];
  if (!opts.ownPorts) {
    const app = express();
    app.disable("x-powered-by");
    const sandbox = await startSandbox(app, ctx);
    stops.push(() => sandbox.stop());
    const server = createServer(app);
    servers.push(server);
    const at = await listen(server, opts.port);
    for (const s of sandbox.standIns) {
      const a = standInAddress(`http://127.0.0.1:${at}`, s.name);
      lines.push(`${s.name.padEnd(8)} ${a.wsdl ?? a.url}`);
    }
  } else {
    for (const [i, create] of STAND_INS.entries()) {
      const standIn = create(ctx);
      const app = express();
      app.disable("x-powered-by");
      app.use("/sandbox", sandboxLoopbackOnly);
      app.get("/sandbox", listing([standIn]));
      app.use(`/sandbox/${standIn.name}`, standInRouter(standIn));
      await standIn.start?.();
      stops.push(async () => standIn.stop?.());
      const server = createServer(app);
      servers.push(server);
      const at = await listen(server, opts.port === 0 ? 0 : opts.port + i);
      const a = standInAddress(`http://127.0.0.1:${at}`, standIn.name);
      lines.push(`${standIn.name.padEnd(8)} ${a.wsdl ?? a.url}`);
    }
  }
  process.stdout.write(
    `OrderHub sandbox: stand-in systems on 127.0.0.1 (no real system is called); callbacks go to the hub at ${ctx.hubUrl()}\n` +
      `${lines.join("\n")}\n` +
      "fault switches: orderhub sandbox fault <system> <down|up|slow|latency MS|error-rate R|clear> --hub <its address>; Ctrl-C stops\n",
  );
  const stop = () => {
    void Promise.allSettled(stops.map((s) => s()))
      .then(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))))
      .then(() => process.exit(0));
    servers.forEach((s) => s.closeAllConnections());
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** The fault switches a word of the command sets; `clear` is none (DELETE). */
export function faultChange(action: string, value: string | undefined): Record<string, unknown> | "clear" {
  const number = (what: string) => {
    const n = Number(value);
    if (value === undefined || value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`${action} needs a number (${what}), e.g. ${action} ${action === "latency" ? "500" : "0.2"}`);
    return n;
  };
  switch (action) {
    case "down":
      return { down: true };
    case "up":
      return { down: false };
    case "slow":
      return { slow: true };
    case "fast":
      return { slow: false };
    case "latency":
      return { latencyMs: number("milliseconds") };
    case "error-rate":
      return { errorRate: number("a share from 0 to 1") };
    case "clear":
      return "clear";
    default:
      throw new InvalidArgumentError(`"${action}" is not a fault switch; use down, up, slow, fast, latency MS, error-rate R or clear`);
  }
}

async function fault(system: string, action: string, value: string | undefined, opts: { hub?: string }): Promise<void> {
  if (!SYSTEMS.includes(system)) throw new InvalidArgumentError(`"${system}" is not a system; use one of ${SYSTEMS.join(", ")}`);
  const change = faultChange(action, value);
  const url = `${(opts.hub ?? DEFAULT_HUB).replace(/\/+$/, "")}/sandbox/${system}/_faults`;
  let res: Response;
  try {
    res = await fetch(url, change === "clear" ? { method: "DELETE" } : { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(change) });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    process.stderr.write(`orderhub sandbox fault: cannot reach ${url}: ${cause} (is the hub running with the sandbox on? set --hub)\n`);
    process.exitCode = 1;
    return;
  }
  const body = await res.text();
  if (!res.ok) {
    process.stderr.write(`orderhub sandbox fault: ${url} answered ${res.status}: ${body.slice(0, 300)}\n`);
    process.exitCode = res.status === 400 ? 2 : 1;
    return;
  }
  process.stdout.write(`${system}: ${body}\n`);
}

export function registerSandbox(program: Command): void {
  const sandbox = program
    .command("sandbox")
    .description("run the stand-in systems (ERP, OA, CRM, TMS, WMS, PLM, finance) alone on 127.0.0.1, without a hub")
    .option("--port <n>", `the port (the first port with --own-ports); default ${DEFAULT_PORT}`, port, DEFAULT_PORT)
    .option("--own-ports", "each stand-in on a port of its own, counting up from --port")
    .option("--hub <url>", `the hub the stand-ins call back (OA decisions, webhooks); default ${DEFAULT_HUB}`)
    .action((opts: RunOptions) => run(opts));
  sandbox
    .command("fault <system> <switch> [value]")
    .description("flip a running stand-in's fault switch: down, up, slow, fast, latency MS, error-rate R, clear")
    .option("--hub <url>", `where the stand-in answers (the hub, or orderhub sandbox's port); default ${DEFAULT_HUB}`)
    // `--hub` after the switch is taken by `sandbox` itself (the same option name): either one counts
    .action((system: string, action: string, value: string | undefined, opts: { hub?: string }) => fault(system, action, value, { hub: opts.hub ?? (sandbox.opts() as RunOptions).hub }));
}
