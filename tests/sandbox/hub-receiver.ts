import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SandboxContext, StandIn } from "../../sandbox/types";

/** A call a stand-in made to the "hub". */
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * A small HTTP server standing in for the hub in the sandbox tests: it keeps every call a stand-in makes and answers
 * what `answer` says (200 `{ok: true}` unless a test changes it).
 */
export interface HubReceiver {
  url: string;
  calls: Received[];
  answer: (call: Received) => { status: number; body?: unknown };
  on(path: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<HubReceiver> {
  const app = express();
  const receiver = {
    url: "",
    calls: [] as Received[],
    answer: (() => ({ status: 200, body: { ok: true } })) as HubReceiver["answer"],
    on: (path: string) => receiver.calls.filter((c) => c.path === path),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  app.use(express.json({ type: () => true, limit: "10mb" }));
  app.use((req, res) => {
    const call: Received = { method: req.method, path: req.path, headers: req.headers, body: req.body };
    receiver.calls.push(call);
    const { status, body } = receiver.answer(call);
    res.status(status).json(body ?? {});
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** A SandboxContext calling `hub` back with `apiKey`. */
export function contextFor(hub: { url: string }, apiKey: string | undefined = "sandbox-key", amqpUrl = "amqp://guest:guest@127.0.0.1:5672"): SandboxContext {
  return { hubUrl: () => hub.url, apiKey: () => apiKey, amqpUrl };
}

/** The stand-in's router on a real express server of its own, mounted at `/sandbox/<name>` as the hub mounts it. */
export async function serve(standIn: StandIn): Promise<{ base: string; close(): Promise<void> }> {
  const app = express();
  app.use(`/sandbox/${standIn.name}`, standIn.router);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/${standIn.name}`;
  return {
    base,
    close: async () => {
      await standIn.stop?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A JSON call: status and parsed body. */
export async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined || typeof body === "string" ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const textBody = await res.text();
  let parsed: unknown = textBody;
  try {
    parsed = JSON.parse(textBody);
  } catch {
    /* kept as text */
  }
  return { status: res.status, body: parsed };
}
