import pino from "pino";

/** The hub's structured log (JSON lines on stdout). LOG_LEVEL picks the level; tests default to warn. */
export const logger = pino({
  name: "orderhub",
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "warn" : "info"),
});

export type Logger = typeof logger;
