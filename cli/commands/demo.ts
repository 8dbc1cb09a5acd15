// `orderhub demo`: the order-to-cash story on a running hub with the sandbox on. Loads the demo manufacturer's master
// data when the hub has none, sends sample orders through the three doors (CRM webhook, EDIFACT, IDoc), then follows
// each on the order timeline (GET /api/orders/{n}) until it stops: closed, or held, rejected, waiting for approval.
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_HUB_URL, hubBaseUrl, hubFetch } from "./hub-client";
import { importMasterFile } from "./master";
import { table } from "./order";
import { DEMO_BUYERS, type DemoOrder, type Door, demoOrders, edifactOrder, FINAL_STATES, idocOrder, isFinal, jsonOrder, runStamp } from "./demo-orders";

const DEMO_MASTER = resolve(__dirname, "../../../tests/fixtures/master/manufacturer.json");

interface Options {
  hub?: string;
  orders: number;
  timeout: number;
  master: string;
}

/** A hub that cannot be reached, has no sandbox, or refused what the demo sent: exit 1. */
class Failure extends Error {}

function whole(what: string, min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min) throw new InvalidArgumentError(`${what} must be a whole number from ${min} (is "${value}")`);
    return n;
  };
}

/** One call to the hub; the API key in ORDERHUB_API_KEY goes along. Connection trouble names the hub. */
async function call(base: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await hubFetch(base, path, init, "start it with npm start, or set --hub or ORDERHUB_URL");
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { error: text.slice(0, 200) };
  }
  return { status: res.status, body: (Array.isArray(body) ? { items: body } : body) as Record<string, unknown> };
}

const why = (body: Record<string, unknown>, status: number) => (typeof body.error === "string" ? body.error : `HTTP ${status}`);

/** The hub must run the stand-in systems: the demo's orders go through them. */
async function checkSandbox(base: string): Promise<void> {
  const { status, body } = await call(base, "/health");
  if (typeof body.sandbox !== "boolean") throw new Failure(`${base}/health answered ${status} without "sandbox": is --hub an OrderHub?`);
  if (!body.sandbox) throw new Failure(`demo needs the sandbox: the hub at ${base} runs with ORDERHUB_SANDBOX=off (/health says sandbox false); start one with the sandbox on (npm start)`);
}

/** Loads the demo manufacturer when the hub knows no customer; says so when the demo's buyers are missing. */
async function ensureMasterData(base: string, file: string, say: (line: string) => void): Promise<void> {
  const { status, body } = await call(base, "/api/master/customers");
  if (status !== 200) throw new Failure(`GET ${base}/api/master/customers answered ${status}: ${why(body, status)}`);
  const customers = (body.items ?? []) as Array<{ id?: string }>;
  if (customers.length === 0) {
    say(`the hub has no master data yet: loading ${file}`);
    say(await importMasterFile(base, file));
    return;
  }
  const known = new Set(customers.map((c) => c.id));
  const missing = DEMO_BUYERS.filter((b) => !known.has(b));
  if (missing.length) say(`warning: the hub's customer master has no ${missing.join(", ")}: their orders will be rejected (orderhub master import ${file})`);
}

interface Tracked extends DemoOrder {
  /** How it went in: `crm`, `crm (api)` when the hub has no CRM webhook flow, `edi`, `idoc`. */
  via: string;
  state: string;
  last: string;
  crmOrderId?: string;
}

const DOOR_HEADERS: Record<Exclude<Door, "crm">, { type: string; body: (o: DemoOrder, day: string, now: string, i: number) => string }> = {
  edi: { type: "application/edifact", body: (o, day, now) => edifactOrder(o, day, now) },
  idoc: { type: "application/xml", body: (o, day, now, i) => idocOrder(o, day, Number(runStamp(now)) * 100 + i) },
};

async function postToApi(base: string, body: string, type: string, system: string, order: DemoOrder): Promise<void> {
  const { status, body: answer } = await call(base, "/api/orders", { method: "POST", headers: { "content-type": type, "x-source-system": system }, body });
  if (status !== 202) throw new Failure(`POST /api/orders refused order ${order.orderNumber} (${order.door}): ${why(answer, status)}`);
}

/** Sends one order through its door. */
async function send(base: string, order: Tracked, day: string, now: string, i: number): Promise<void> {
  if (order.door === "crm") {
    const { status, body } = await call(base, "/sandbox/crm/orders", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(jsonOrder(order, day)) });
    if (status !== 201 && status !== 200) throw new Failure(`the CRM stand-in refused order ${order.orderNumber}: ${why(body, status)}`);
    order.crmOrderId = String(body.crmOrderId);
    return;
  }
  const door = DOOR_HEADERS[order.door];
  await postToApi(base, door.body(order, day, now, i), door.type, order.door, order);
}

interface CrmCall {
  idempotencyKey?: string;
  status?: number;
}

/**
 * The CRM hands its orders to the hub's webhook (flows/crm-orders.json). Where the hub runs without that flow, the
 * CRM's call fails (404) and the demo hands the order to POST /api/orders itself, as the CRM would.
 */
async function followCrm(base: string, orders: Tracked[]): Promise<void> {
  const waiting = orders.filter((o) => o.crmOrderId);
  const deadline = Date.now() + 15_000;
  while (waiting.length && Date.now() < deadline) {
    const { body } = await call(base, "/sandbox/crm/_callbacks");
    const sent = new Set(((body.sent ?? []) as CrmCall[]).map((c) => c.idempotencyKey));
    const failed = new Map(((body.failed ?? []) as CrmCall[]).map((c) => [c.idempotencyKey, c]));
    for (const o of [...waiting]) {
      if (sent.has(o.crmOrderId)) waiting.splice(waiting.indexOf(o), 1);
      else if (failed.has(o.crmOrderId)) {
        waiting.splice(waiting.indexOf(o), 1);
        o.via = "crm (api)";
        const day = new Date().toISOString().slice(0, 10);
        await postToApi(base, JSON.stringify(jsonOrder(o, day)), "application/json", "crm", o);
      }
    }
    if (waiting.length) await new Promise((r) => setTimeout(r, 200));
  }
}

/** `2026-12-05T10:15:30.123Z` → `10:15:30`. */
const clock = (iso: string) => (/T(\d\d:\d\d:\d\d)/.exec(iso)?.[1] ?? iso);

/** Reads where an order stands and its last milestone from the timeline; "sent" while no event named it yet. */
async function refresh(base: string, o: Tracked): Promise<void> {
  const path = `/api/orders/${encodeURIComponent(o.orderNumber)}`;
  const query = `?buyer=${encodeURIComponent(o.buyer)}`;
  const state = await call(base, `${path}${query}`);
  if (state.status === 404) return;
  if (state.status !== 200) throw new Failure(`GET ${path} answered ${state.status}: ${why(state.body, state.status)}`);
  const view = (state.body.orders as Array<{ state: string }>)[0];
  const timeline = await call(base, `${path}/timeline${query}`);
  const entries = timeline.status === 200 ? (timeline.body.orders as Array<{ entries: Array<{ milestone: string; at: string; outcome?: string }> }>)[0].entries : [];
  const last = entries.at(-1);
  o.state = view.state;
  if (!last) return;
  // a stop names the rule that stopped it: `held at 10:20:03 (credit-checked: hold)`
  const stop = ["held", "rejected", "needs-approval"].includes(view.state) ? entries.find((e) => e !== last && e.outcome && e.outcome !== "ok") : undefined;
  const outcome = last.outcome && last.outcome !== "ok" && last.outcome !== last.milestone ? ` (${last.outcome})` : "";
  o.last = `${last.milestone}${outcome} at ${clock(last.at)}${stop ? ` (${stop.milestone}: ${stop.outcome})` : ""}`;
}

/** The table the demo prints: one row per order. */
export function demoTable(orders: ReadonlyArray<Pick<Tracked, "orderNumber" | "via" | "buyer" | "state" | "last">>): string {
  return table(["order", "door", "buyer", "state", "last milestone"], orders.map((o) => [o.orderNumber, o.via, o.buyer, o.state, o.last]));
}

async function run(opts: Options): Promise<boolean> {
  const base = hubBaseUrl(opts.hub);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  await checkSandbox(base);
  await ensureMasterData(base, opts.master, out);
  const now = new Date().toISOString();
  const day = now.slice(0, 10);
  const orders: Tracked[] = demoOrders(opts.orders, runStamp(now)).map((o) => ({ ...o, via: o.door, state: "sent", last: "" }));
  out(`sending ${orders.length} sample orders to ${base}: ${orders.map((o) => `${o.orderNumber} (${o.door}, ${o.buyer})`).join(", ")}`);
  for (const [i, o] of orders.entries()) await send(base, o, day, now, i);
  await followCrm(base, orders);

  const started = Date.now();
  const live = process.stdout.isTTY === true;
  let drawn = 0;
  const draw = (text: string) => {
    if (drawn) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
    process.stdout.write(`${text}\n`);
    drawn = text.split("\n").length;
  };
  for (;;) {
    for (const o of orders) if (!isFinal(o.state)) await refresh(base, o);
    const done = orders.every((o) => isFinal(o.state));
    if (live) draw(`${demoTable(orders)}\n${done ? "" : `following the orders … ${Math.round((Date.now() - started) / 1000)} s`}`);
    if (done || Date.now() - started > opts.timeout * 1000) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  if (!live) out(demoTable(orders));
  const open = orders.filter((o) => !isFinal(o.state));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  out("");
  if (open.length === 0) out(`every order reached a final state (${FINAL_STATES.slice(0, 4).join(", ")}) in ${seconds} s`);
  else out(`after ${opts.timeout} s, ${open.length} of ${orders.length} orders had not reached a final state: ${open.map((o) => `${o.orderNumber} stands at ${o.state}`).join("; ")}`);
  const first = orders[0];
  out(`the timeline of an order: orderhub order show ${first.orderNumber} --buyer ${first.buyer}${base === DEFAULT_HUB_URL ? "" : ` --hub ${base}`}`);
  return open.length === 0;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("send sample orders through CRM, EDI and IDoc to a running hub with the sandbox on, and follow them to the end")
    .option("--orders <n>", "how many sample orders", whole("--orders", 1), 6)
    .option("--hub <url>", `the hub (default: ORDERHUB_URL, else ${DEFAULT_HUB_URL})`)
    .option("--timeout <seconds>", "stop following the orders after this long", whole("--timeout", 1), 60)
    .option("--master <file>", "the master data loaded when the hub has none", DEMO_MASTER)
    .action(async (opts: Options) => {
      try {
        process.exitCode = (await run(opts)) ? 0 : 1;
      } catch (err) {
        process.stderr.write(`orderhub demo: ${(err as Error).message.replace(/\s*\n\s*/g, " ")}\n`);
        process.exitCode = 1;
      }
    });
}
