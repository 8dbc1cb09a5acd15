import os from "node:os";
import { ConfigError, loadConfig, type HubConfig } from "./config";

/**
 * `node dist/runtime/main.js`: read the configuration, start the hub, stop it cleanly on SIGTERM/SIGINT.
 * The configuration is checked before anything else is loaded, so a bad variable costs one line and exit code 2.
 */
async function main(): Promise<void> {
  const config = readConfigOrExit();
  process.env.LOG_LEVEL = config.logLevel;
  const { startHub } = await import("./server");
  const { logger } = await import("../observability/logger");
  let hub;
  try {
    hub = await startHub(config);
  } catch (err) {
    logger.fatal({ err }, `OrderHub did not start: ${(err as Error).message}`);
    process.exit(1);
  }
  const stop = hub.stop;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // Ctrl-C twice: the operator will not wait. The broker returns every unacknowledged message to its queue when the
      // connection drops, and the store is a WAL that the next start recovers; 128 + the signal number, as a shell
      // reports a process the signal ended.
      logger.warn(`${signal} again while stopping: exiting now without waiting; messages in flight go back to their queues`);
      process.exit(128 + (os.constants.signals[signal] ?? 0));
    }
    stopping = true;
    logger.info(`${signal} received: stopping`);
    // Node ends a process whose event loop has nothing left to wait for. Once HTTP and the broker connections are
    // closed, the store's writer thread (unref'd, so that it never holds up an exit by itself) would not count, and
    // the process would end in the middle of the store's last commit, without a word. Hold the loop open until the
    // stop is done.
    setInterval(() => undefined, 60_000);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, `stop failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

function readConfigOrExit(): HubConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`orderhub: ${err.message}\n`);
    process.exit(2);
  }
}

void main();
