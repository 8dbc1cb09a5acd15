import { isAbsolute, join, resolve } from "node:path";
import { repoRoot } from "./paths";
import { SYSTEM_ENV } from "./systems";

/**
 * The hub's configuration, read once from the environment at startup. Anything invalid stops the start with one line
 * that names the variable and says what would be valid; nothing is guessed.
 */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface HubConfig {
  /** HTTP port for the editor, the admin API, /api, /health and /metrics; 0 picks a free port (tests). */
  port: number;
  amqpUrl: string;
  /** Absolute path; holds the SQLite store and Node-RED's userDir (`<dataDir>/node-red`). */
  dataDir: string;
  /**
   * `on` (the default): the stand-in ERP, OA, CRM, TMS, WMS, PLM and finance answer at `/sandbox/<system>` on the hub's
   * port and every system call goes to them; `off`: the real systems, at their URL variables (`SYSTEM_ENV`).
   */
  sandbox: "on" | "off";
  /** When set, the editor and admin API require user `admin` with this password; when unset, loopback only. */
  adminPassword?: string;
  /** Key for Node-RED's credential encryption; when unset Node-RED generates one and keeps it in the data dir. */
  credentialSecret?: string;
  /** When set, `/metrics` needs this key (Bearer or X-Api-Key); when unset, it is open (runtime/api-keys.ts). */
  metricsKey?: string;
  /** Absolute path of the folder whose `*.json` files are the flows (one file per tab, plus config.json). */
  flowsDir: string;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

type Env = Record<string, string | undefined>;

/** Read the configuration; throws ConfigError with a one-line message naming the variable. */
export function loadConfig(env: Env = process.env): HubConfig {
  return {
    port: readPort(env.PORT),
    amqpUrl: readAmqpUrl(env.AMQP_URL),
    dataDir: absolute(optional(env.ORDERHUB_DATA_DIR) ?? "./data"),
    sandbox: readSandbox(env.ORDERHUB_SANDBOX, env),
    adminPassword: optional(env.ORDERHUB_ADMIN_PASSWORD),
    credentialSecret: optional(env.ORDERHUB_CREDENTIAL_SECRET),
    metricsKey: optional(env.ORDERHUB_METRICS_KEY),
    flowsDir: absolute(optional(env.ORDERHUB_FLOWS_DIR) ?? join(repoRoot(), "flows")),
    logLevel: readLogLevel(env.LOG_LEVEL),
  };
}

/** An empty variable counts as unset, as `VAR= orderhub start` usually means "no value". */
function optional(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}

function readPort(raw: string | undefined): number {
  const value = optional(raw);
  if (value === undefined) return 1880;
  const port = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || port > 65535) {
    throw new ConfigError(`PORT="${raw}" is not a TCP port; use a whole number from 0 to 65535 (default 1880)`);
  }
  return port;
}

function readAmqpUrl(raw: string | undefined): string {
  const value = optional(raw) ?? "amqp://guest:guest@127.0.0.1:5672";
  if (!/^amqps?:\/\/[^/]/.test(value)) {
    throw new ConfigError(`AMQP_URL="${raw}" is not an AMQP URL; use amqp://user:password@host:5672[/vhost]`);
  }
  return value;
}

/**
 * The sandbox is on unless ORDERHUB_SANDBOX=off says otherwise. A real system's URL with the sandbox not explicitly
 * off is refused: either the URL was meant for production and the sandbox would swallow its orders, or the sandbox was
 * meant and the URL is a leftover; only the person starting the hub can tell which.
 */
function readSandbox(raw: string | undefined, env: Env): "on" | "off" {
  const given = optional(raw)?.trim().toLowerCase();
  if (given !== undefined && given !== "on" && given !== "off") {
    throw new ConfigError(`ORDERHUB_SANDBOX="${raw}" is not valid; use on or off (default on)`);
  }
  if (given === "off") return "off";
  const urls = Object.values(SYSTEM_ENV).filter((name): name is string => name !== undefined && optional(env[name]) !== undefined);
  if (urls.length > 0) {
    const sandbox = given === "on" ? "ORDERHUB_SANDBOX=on" : "ORDERHUB_SANDBOX unset (on by default)";
    throw new ConfigError(
      `${sandbox} with ${urls.join(", ")} set: a real system's address while the sandbox stands in for every system; ` +
        `set ORDERHUB_SANDBOX=off to call the real systems, or unset ${urls.join(", ")} to run the sandbox`,
    );
  }
  return "on";
}

function readLogLevel(raw: string | undefined): LogLevel {
  const value = (optional(raw) ?? "info").trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new ConfigError(`LOG_LEVEL="${raw}" is not a log level; use one of ${LOG_LEVELS.join(", ")} (default info)`);
}
