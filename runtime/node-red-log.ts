import type { Logger } from "../observability/logger";
import type { LogLevel } from "./config";
import type { NodeRedLogRecord } from "./node-red";

/** Node-RED's numeric levels (@node-red/util lib/log.js) mapped onto pino's; audit and metric events are opt-in. */
const PINO_LEVEL: Record<number, "fatal" | "error" | "warn" | "info" | "debug" | "trace"> = {
  10: "fatal",
  20: "error",
  30: "warn",
  40: "info",
  50: "debug",
  60: "trace",
  98: "info",
  99: "debug",
};

/**
 * The `logging` section of Node-RED's settings: one custom handler that writes every Node-RED log line (runtime and
 * `node.log/warn/error`) into the hub's pino logger, so there is one JSON log stream.
 */
export function nodeRedLogging(logger: Logger, level: LogLevel): object {
  const log = logger.child({ component: "node-red" });
  return {
    pino: {
      level: level === "silent" ? "off" : level,
      metrics: false,
      audit: false,
      handler: () => (record: NodeRedLogRecord) => writeRecord(log, record),
    },
  };
}

function writeRecord(log: Logger, record: NodeRedLogRecord): void {
  const method = PINO_LEVEL[record.level] ?? "info";
  const fields: Record<string, unknown> = {};
  if (record.type) fields.node = { type: record.type, name: record.name, id: record.id, flow: record.z };
  const { msg } = record;
  if (msg instanceof Error) {
    log[method]({ ...fields, err: msg }, msg.message);
  } else if (typeof msg === "string") {
    log[method](fields, msg);
  } else {
    log[method]({ ...fields, detail: msg }, describe(msg));
  }
}

function describe(msg: unknown): string {
  if (msg && typeof msg === "object" && "message" in msg && typeof msg.message === "string") return msg.message;
  try {
    return JSON.stringify(msg) ?? String(msg);
  } catch {
    return String(msg);
  }
}
