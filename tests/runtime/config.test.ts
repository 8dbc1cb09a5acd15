import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../runtime/config";

const REPO = resolve(__dirname, "../..");

describe("configuration from the environment", () => {
  it("has defaults for everything", () => {
    expect(loadConfig({})).toEqual({
      port: 1880,
      amqpUrl: "amqp://guest:guest@127.0.0.1:5672",
      dataDir: resolve("data"),
      sandbox: "off",
      adminPassword: undefined,
      credentialSecret: undefined,
      flowsDir: join(REPO, "flows"),
      logLevel: "info",
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      PORT: "0",
      AMQP_URL: "amqps://u:p@rabbit:5671/hub",
      ORDERHUB_DATA_DIR: "/var/lib/orderhub",
      ORDERHUB_SANDBOX: "OFF",
      ORDERHUB_ADMIN_PASSWORD: "pw",
      ORDERHUB_CREDENTIAL_SECRET: "key",
      ORDERHUB_FLOWS_DIR: "/srv/flows",
      LOG_LEVEL: "DEBUG",
    });
    expect(config).toMatchObject({ port: 0, dataDir: "/var/lib/orderhub", adminPassword: "pw", logLevel: "debug" });
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ PORT: "", ORDERHUB_ADMIN_PASSWORD: "" })).toMatchObject({ port: 1880, adminPassword: undefined });
  });

  it.each([
    [{ PORT: "1880x" }, /^PORT="1880x" is not a TCP port/],
    [{ PORT: "70000" }, /^PORT="70000"/],
    [{ AMQP_URL: "http://rabbit" }, /^AMQP_URL=/],
    [{ ORDERHUB_SANDBOX: "maybe" }, /^ORDERHUB_SANDBOX="maybe" is not valid; use on or off/],
    [{ ORDERHUB_SANDBOX: "on" }, /^ORDERHUB_SANDBOX=on: the sandbox systems .* are not part of this release/],
    [{ LOG_LEVEL: "verbose" }, /^LOG_LEVEL="verbose"/],
  ])("rejects %o with a message naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
