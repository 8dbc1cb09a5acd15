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
      logger.warn(`${signal} again while stopping: exiting now without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal} received: stopping`);
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
