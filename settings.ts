import { join } from "node:path";
import { logger } from "./observability/logger";
import { adminAuth } from "./runtime/admin-security";
import type { HubConfig } from "./runtime/config";
import { createFlowStorage } from "./runtime/flow-storage";
import { nodeRedLogging } from "./runtime/node-red-log";
import { compiledNodesDir } from "./runtime/paths";

export const ADMIN_ROOT = "/admin";
export const NODE_ROOT = "/api";

/**
 * Node-RED's settings for the embedded runtime, built from the hub's configuration. Node-RED reads this object once in
 * `RED.init`; nothing here is read from a settings.js file, and the editor cannot change it.
 */
export function buildSettings(config: HubConfig): Record<string, unknown> {
  const userDir = join(config.dataDir, "node-red");
  warnAboutDefaults(config, userDir);
  return {
    uiPort: config.port,
    httpAdminRoot: ADMIN_ROOT,
    httpNodeRoot: NODE_ROOT,
    userDir,
    // Only names the credentials file (<userDir>/flows_cred.json); the flows themselves live in flowsDir.
    flowFile: join(userDir, "flows.json"),
    credentialSecret: config.credentialSecret,
    nodesDir: compiledNodesDir(),
    storageModule: createFlowStorage({ flowsDir: config.flowsDir }),
    adminAuth: config.adminPassword ? adminAuth(config.adminPassword) : undefined,
    logging: nodeRedLogging(logger, config.logLevel),
    editorTheme: editorTheme(config.sandbox === "on"),
    externalModules: offlineModules(),
    // Function nodes work; only their per-node npm modules are off, as installing them needs the internet.
    functionExternalModules: false,
    telemetry: { enabled: false, updateNotification: false },
    runtimeState: { enabled: false, ui: false },
    diagnostics: { enabled: true, ui: true },
    exportGlobalContextKeys: false,
  };
}

/** With the sandbox on, the editor's header says so: no real system is behind the flows. */
function editorTheme(sandbox: boolean): object {
  return {
    page: { title: "OrderHub" },
    header: { title: sandbox ? "OrderHub — SANDBOX" : "OrderHub" },
    projects: { enabled: false },
    tours: false,
    // An empty list (not absent) keeps the palette manager from fetching catalogue.nodered.org.
    palette: { catalogues: [] },
    multiplayer: { enabled: false },
  };
}

/** No installs or updates from npm, from the palette manager or from flows that name a missing module. */
function offlineModules(): object {
  return {
    autoInstall: false,
    palette: { allowInstall: false, allowUpdate: false, allowUpload: false },
    modules: { allowInstall: false },
  };
}

function warnAboutDefaults(config: HubConfig, userDir: string): void {
  if (!config.credentialSecret) {
    logger.warn(
      `ORDERHUB_CREDENTIAL_SECRET is not set: node credentials are encrypted with a key Node-RED generated and keeps ` +
        `in ${join(userDir, ".config.runtime.json")}; set ORDERHUB_CREDENTIAL_SECRET to hold the key outside the data dir`,
    );
  }
  if (!config.adminPassword) {
    logger.warn(
      "editor open without login, reachable from 127.0.0.1 only; set ORDERHUB_ADMIN_PASSWORD to allow remote access",
    );
  }
}
