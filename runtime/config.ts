import { isAbsolute, join, resolve } from "node:path";
import { repoRoot } from "./paths";

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
  /** The sandbox systems (stand-ins for ERP, OA, CRM …) are not part of this release: only `off` is accepted. */
  sandbox: "off";
  /** When set, the editor and admin API require user `admin` with this password; when unset, loopback only. */
  adminPassword?: string;
  /** Key for Node-RED's credential encryption; when unset Node-RED generates one and keeps it in the data dir. */
  credentialSecret?: string;
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
    sandbox: readSandbox(env.ORDERHUB_SANDBOX),
    adminPassword: optional(env.ORDERHUB_ADMIN_PASSWORD),
    credentialSecret: optional(env.ORDERHUB_CREDENTIAL_SECRET),
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

function readSandbox(raw: string | undefined): "off" {
  const value = (optional(raw) ?? "off").trim().toLowerCase();
  if (value === "off") return "off";
  if (value === "on") {
    throw new ConfigError(
      "ORDERHUB_SANDBOX=on: the sandbox systems (ERP, OA, CRM, TMS, WMS, PLM, finance stand-ins) are not part of " +
        "this release; unset ORDERHUB_SANDBOX or set it to off",
    );
  }
  throw new ConfigError(`ORDERHUB_SANDBOX="${raw}" is not valid; use on or off (default off)`);
}

function readLogLevel(raw: string | undefined): LogLevel {
  const value = (optional(raw) ?? "info").trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new ConfigError(`LOG_LEVEL="${raw}" is not a log level; use one of ${LOG_LEVELS.join(", ")} (default info)`);
}
