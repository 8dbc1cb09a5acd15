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
      sandbox: "on",
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
    [{ LOG_LEVEL: "verbose" }, /^LOG_LEVEL="verbose"/],
  ])("rejects %o with a message naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe("the sandbox and the real systems' addresses", () => {
  it.each([
    [{}, "on"],
    [{ ORDERHUB_SANDBOX: "on" }, "on"],
    [{ ORDERHUB_SANDBOX: " On " }, "on"],
    [{ ORDERHUB_SANDBOX: "" }, "on"],
    [{ ORDERHUB_SANDBOX: "off" }, "off"],
    [{ ORDERHUB_SANDBOX: "off", ORDERHUB_ERP_WSDL: "https://erp.example.com/sales?wsdl", ORDERHUB_OA_URL: "https://oa.example.com/approvals" }, "off"],
    // an empty URL variable counts as unset
    [{ ORDERHUB_TMS_URL: "" }, "on"],
  ])("%o runs with the sandbox %s", (env, sandbox) => {
    expect(loadConfig(env).sandbox).toBe(sandbox);
  });

  it.each([
    [{ ORDERHUB_OA_URL: "https://oa.example.com/approvals" }, /^ORDERHUB_SANDBOX unset \(on by default\) with ORDERHUB_OA_URL set: .*set ORDERHUB_SANDBOX=off/],
    [{ ORDERHUB_SANDBOX: "on", ORDERHUB_ERP_WSDL: "https://erp.example.com/sales?wsdl" }, /^ORDERHUB_SANDBOX=on with ORDERHUB_ERP_WSDL set: .*or unset ORDERHUB_ERP_WSDL to run the sandbox$/],
    [{ ORDERHUB_CRM_URL: "https://crm", ORDERHUB_FINANCE_URL: "https://fin", ORDERHUB_PLM_URL: "https://plm", ORDERHUB_TMS_URL: "https://tms" }, /with ORDERHUB_CRM_URL, ORDERHUB_TMS_URL, ORDERHUB_FINANCE_URL, ORDERHUB_PLM_URL set/],
  ])("refuses a real system's address with the sandbox not off: %o", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as Error).message).not.toContain("\n");
    }
  });
});
