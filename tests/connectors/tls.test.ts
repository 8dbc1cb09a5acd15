import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerConnection } from "../../connectors/amqp";
import { relayToBroker, waitForState, type BrokerRelay } from "../support/broker-relay";
import { createVhost, type TestVhost } from "../support/rabbit";

/** amqps:// end to end: a TLS listener on loopback with a certificate made for the test, in front of the real broker. */
let dir: string;
let ca: string;
let relay: BrokerRelay;
let vhost: TestVhost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "orderhub-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  ca = readFileSync(join(dir, "cert.pem"), "utf8");
  relay = await relayToBroker({ key: readFileSync(join(dir, "key.pem")), cert: ca });
  vhost = createVhost("orderhub-tls");
});

afterAll(async () => {
  await relay.close();
  vhost.drop();
  rmSync(dir, { recursive: true, force: true });
});

const url = () => `amqps://guest:guest@localhost:${relay.port}/${encodeURIComponent(vhost.name)}`;

describe("amqps with the broker node's TLS options", () => {
  it("connects when the CA is given, declares the topology and publishes with confirms", async () => {
    const broker = new BrokerConnection({ id: "tls-ok", name: "tls", url: url(), tls: { ca } });
    const user = {};
    broker.register(user);
    try {
      expect(await waitForState(broker, ["connected"], 8000)).toBe("connected");
      await broker.publish("orderhub.events", "tls.test", Buffer.from("over TLS"));
    } finally {
      await broker.deregister(user);
    }
  });

  it("refuses a server certificate it cannot verify, and says why", async () => {
    const broker = new BrokerConnection({ id: "tls-untrusted", name: "tls", url: url(), reconnectInitialMs: 100 });
    const user = {};
    broker.register(user);
    try {
      expect(await waitForState(broker, ["retrying", "failing"], 8000)).toMatch(/retrying|failing/);
      expect(broker.info().lastError).toMatch(/self[- ]signed certificate/);
    } finally {
      await broker.deregister(user);
    }
  });
});
