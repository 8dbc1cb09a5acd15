import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConsumeMessage } from "amqplib";
import type { TestClient } from "../../support/amqp";
import { canonicalOrder } from "../../support/orders";
import { shippedFlowFiles } from "../support/hub-process";

/** The queue the test flow takes orders needing approval from (the decisions flow's place in production). */
export const APPROVALS_QUEUE = "orderhub.test.approvals";
/** A queue whose messages are the decisions flow's `order.needs-approval` events, wired straight to approval-request. */
export const NEEDS_APPROVAL_QUEUE = "orderhub.test.needs-approval";

export interface OaRequest {
  headers: IncomingMessage["headers"];
  body: { approvalId: string; orderKey: string; orderNumber: string; [k: string]: unknown };
}

/**
 * A small OA: records every request it gets and answers 200, unless `answer` says otherwise for a request (503 the
 * first time, 400 always …), by the order number and how many requests that order had before.
 */
export class OaServer {
  readonly requests: OaRequest[] = [];
  answer: (orderNumber: string, before: number) => number = () => 200;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OaServer> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const oa = new OaServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/oa/approvals`);
    server.on("request", (req: IncomingMessage, res) => {
      let text = "";
      req.on("data", (d: Buffer) => (text += d.toString()));
      req.on("end", () => {
        const body = JSON.parse(text) as OaRequest["body"];
        const before = oa.requests.filter((r) => r.body.orderNumber === body.orderNumber).length;
        oa.requests.push({ headers: req.headers, body });
        const status = oa.answer(body.orderNumber, before);
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(status < 300 ? { received: body.approvalId } : { error: `OA test server says ${status}` }));
      });
    });
    return oa;
  }

  of(orderNumber: string): OaRequest[] {
    return this.requests.filter((r) => r.body.orderNumber === orderNumber);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

export interface ApprovalTermsConfig {
  escalateAfter?: number;
  rejectAfter?: number | "";
  unit?: "seconds" | "minutes" | "hours" | "days";
  escalateTo?: string;
}

/** The shipped broker config, and a tab: amqp in → (order, decisions) → approval-request; a catch → dead-letter. */
export function approvalFlows(oaUrl: string, terms: ApprovalTermsConfig = {}): Record<string, unknown[]> {
  const z = "approvals.tab";
  return {
    ...shippedFlowFiles("config.json"),
    "approvals-test.json": [
      { id: z, type: "tab", label: "Approvals (test)" },
      { id: "approvals.events", type: "amqp-in", z, configVersion: 1, name: "order.needs-approval", broker: "orderhub-broker", queue: NEEDS_APPROVAL_QUEUE, prefetch: 20, output: "json", declare: true, wires: [["approvals.request"]] },
      { id: "approvals.in", type: "amqp-in", z, configVersion: 1, name: "needs approval", broker: "orderhub-broker", queue: APPROVALS_QUEUE, prefetch: 20, output: "json", declare: true, wires: [["approvals.unpack"]] },
      {
        id: "approvals.unpack", type: "change", z, name: "order and decisions",
        rules: [
          { t: "set", p: "decisions", pt: "msg", to: "payload.decisions", tot: "msg" },
          { t: "set", p: "orderKey", pt: "msg", to: "payload.orderKey", tot: "msg" },
          { t: "set", p: "payload", pt: "msg", to: "payload.order", tot: "msg" },
        ],
        wires: [["approvals.request"]],
      },
      {
        id: "approvals.request", type: "approval-request", z, configVersion: 1, name: "ask OA", broker: "orderhub-broker", exchange: "orderhub.events",
        url: oaUrl, auth: "none", timeout: 5, retries: 3, escalateAfter: terms.escalateAfter ?? 24, rejectAfter: terms.rejectAfter ?? "",
        unit: terms.unit ?? "hours", escalateTo: terms.escalateTo ?? "sales-director", wires: [[]],
      },
      { id: "approvals.catch", type: "catch", z, name: "OA refused or failed", scope: ["approvals.request"], uncaught: false, wires: [["approvals.dead"]] },
      { id: "approvals.dead", type: "dead-letter", z, configVersion: 1, name: "dead-letter", broker: "orderhub-broker", reason: "", wires: [[]] },
    ],
  };
}

/** An order whose price needs approval, with the decisions the decisions flow would hand over. */
export function orderNeedingApproval(orderNumber: string) {
  const order = canonicalOrder(orderNumber, 0, 2);
  const confirmations = [
    { lineNumber: "1", sku: "FG-1000", quantity: 10, requestedDate: "2026-12-15", confirmations: [{ quantity: 10, date: "2026-12-15", warehouse: "WH-1", source: "supply" }] },
    { lineNumber: "2", sku: "FG-1001", quantity: 20, requestedDate: "2026-12-15", confirmations: [{ quantity: 20, date: "2026-12-18", warehouse: "WH-2", source: "supply" }] },
  ];
  const decisions = [
    { rule: "audit", outcome: "ok", reasons: [] },
    {
      rule: "price", outcome: "approval",
      reasons: ["price-check: line 1 (FG-1000): 12.50 EUR is 16.67 % below the list price 15.00 EUR"],
      lines: [{ lineNumber: "1", sku: "FG-1000", expected: 15, actual: 12.5, deviationPercent: -16.67 }, { lineNumber: "2", sku: "FG-1001", expected: 13.5, actual: 13.5, deviationPercent: 0 }],
    },
    { rule: "credit", outcome: "ok", reasons: [], exposure: { currency: "EUR", openInvoices: 1000, openOrders: 0, deliveredNotInvoiced: 0, thisOrder: 395, total: 1395, limit: 50000, items: [] } },
    { rule: "atp", outcome: "ok", reasons: [], lines: confirmations },
  ];
  // as order.released carries them: one per confirmed quantity
  const confirmed = confirmations.flatMap((l) => l.confirmations.map((c) => ({ lineNumber: l.lineNumber, sku: l.sku, ...c })));
  return { order, decisions, orderKey: `C-1001/${orderNumber}/0`, confirmed };
}

export async function sendForApproval(client: TestClient, orderNumber: string, messageId = `in-${orderNumber}`): Promise<void> {
  const { order, decisions, orderKey } = orderNeedingApproval(orderNumber);
  await client.send(APPROVALS_QUEUE, JSON.stringify({ order, decisions, orderKey }), { contentType: "application/json", messageId, correlationId: `corr-${orderNumber}` });
  await client.confirmed();
}

export interface Event {
  routingKey: string;
  messageId: string;
  correlationId: string;
  body: Record<string, unknown> & { orderNumber?: string };
}

/** Everything published on orderhub.events as approval.* and order.* from now on, in arrival order. */
export async function tapEvents(client: TestClient): Promise<Event[]> {
  const queue = await client.tap("approval.*");
  await client.ch.bindQueue(queue, "orderhub.events", "order.*");
  const events: Event[] = [];
  const ch = await client.conn.createChannel();
  await ch.consume(
    queue,
    (m: ConsumeMessage | null) => {
      if (!m) return;
      events.push({ routingKey: m.fields.routingKey, messageId: String(m.properties.messageId), correlationId: String(m.properties.correlationId), body: JSON.parse(m.content.toString("utf8")) });
    },
    { noAck: true },
  );
  return events;
}

/** The events of one order, by routing key. */
export function eventsOf(events: Event[], orderNumber: string, routingKey?: string): Event[] {
  return events.filter((e) => e.body.orderNumber === orderNumber && (!routingKey || e.routingKey === routingKey));
}

export async function api(base: string, method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/api${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}
