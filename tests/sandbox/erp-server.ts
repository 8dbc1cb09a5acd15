import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { startSandbox } from "../../sandbox";
import { createErp } from "../../sandbox/erp";

/** The stand-in ERP alone, on a port of its own on 127.0.0.1: its base URL, and how to stop it. */
export async function startErpStandIn(): Promise<{ base: string; stop: () => Promise<void> }> {
  const app = express();
  let port = 0;
  const sandbox = await startSandbox(app, { hubUrl: () => `http://127.0.0.1:${port}`, apiKey: () => undefined, amqpUrl: "amqp://unused" }, [createErp]);
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      await sandbox.stop();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A SOAP client the `soap` package made, by its `<operation>Async` methods. */
export type SoapClient = Record<string, (a: object) => Promise<unknown[]>>;
export type Fault = { faultcode: string; faultstring: string; status: number };

/** An operation's answer. */
export async function soapCall(client: SoapClient, operation: string, args: object): Promise<Record<string, unknown>> {
  const [result] = (await client[`${operation}Async`](args)) as [Record<string, unknown>];
  return result;
}

/** The fault a call answered: its faultcode, faultstring and HTTP status. */
export async function soapFault(client: SoapClient, operation: string, args: object): Promise<Fault> {
  try {
    await soapCall(client, operation, args);
  } catch (err) {
    const e = err as { root?: { Envelope?: { Body?: { Fault?: { faultcode: string; faultstring: string } } } }; response?: { status: number } };
    const fault = e.root?.Envelope?.Body?.Fault;
    if (!fault) throw err;
    return { faultcode: fault.faultcode, faultstring: fault.faultstring, status: e.response?.status ?? 0 };
  }
  throw new Error(`${operation} answered without a fault`);
}
