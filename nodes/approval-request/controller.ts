import { EVENTS_EXCHANGE, type BrokerConnection } from "../../connectors/amqp";
import { postJson, type RestAuth } from "../../connectors/rest/post-json";
import { systemAddress } from "../../runtime/systems";
import { approvalGrounds, type ApprovalTerms } from "../../domain/order/approval";
import { orderKey as keyOf, type CanonicalOrder } from "../../domain/order/canonical-order";
import type { Decision } from "../../domain/order/decision";
import { approvalRequestsTotal } from "../../observability/metrics";
import type { ApprovalRow } from "../../store/approval-store";
import { approvalMessageId, getApprovals } from "../../store/approvals";
import { connectionOf } from "../amqp-broker/controller";
import { completeOutbox, releaseOutbox } from "../shared/outbox";
import { ackMessage, deliveryState, stillWorking } from "../shared/settlement";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";

export type TimeUnit = "seconds" | "minutes" | "hours" | "days";

export interface ApprovalRequestConfig extends NodeDef {
  broker: string;
  exchange?: string;
  /** OA's endpoint: the approval request is POSTed here as JSON. */
  url: string;
  auth?: "none" | "basic" | "bearer";
  /** Seconds per attempt. */
  timeout?: string | number;
  retries?: string | number;
  escalateAfter?: string | number;
  /** After the escalation; empty: as long as `escalateAfter`. */
  rejectAfter?: string | number;
  unit?: TimeUnit;
  escalateTo?: string;
}

export interface ApprovalRequestCredentials {
  user?: string;
  password?: string;
  token?: string;
}

const UNIT_MS: Record<TimeUnit, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** The deadlines as the node's config gives them, or what is wrong with them. */
export function termsOf(config: ApprovalRequestConfig): ApprovalTerms | string {
  const unit = config.unit ?? "hours";
  if (!UNIT_MS[unit]) return `unit must be seconds, minutes, hours or days (is "${unit}")`;
  const escalate = config.escalateAfter === undefined || config.escalateAfter === "" ? 24 : Number(config.escalateAfter);
  const reject = config.rejectAfter === undefined || config.rejectAfter === "" ? escalate : Number(config.rejectAfter);
  if (!(escalate > 0)) return `escalate after must be a positive number of ${unit} (is "${config.escalateAfter}")`;
  if (!(reject > 0)) return `reject after must be a positive number of ${unit} (is "${config.rejectAfter}")`;
  return { escalateAfterMs: Math.round(escalate * UNIT_MS[unit]), rejectAfterMs: Math.round(reject * UNIT_MS[unit]), escalateTo: config.escalateTo?.trim() || undefined };
}

function authOf(config: ApprovalRequestConfig, creds: ApprovalRequestCredentials): RestAuth {
  if (config.auth === "basic") return { type: "basic", user: creds.user ?? "", password: creds.password ?? "" };
  if (config.auth === "bearer") return { type: "bearer", token: creds.token ?? "" };
  return { type: "none" };
}

interface ApprovalInput {
  order: CanonicalOrder;
  decisions: Decision[];
  key: string;
  at?: string;
}

const isOrder = (o: unknown): o is CanonicalOrder =>
  typeof o === "object" && o !== null && typeof (o as CanonicalOrder).orderNumber === "string" && typeof (o as CanonicalOrder).buyer === "object";

/**
 * The order and its decisions, as the decisions flow hands them over: msg.payload the canonical order with
 * msg.decisions (and msg.orderKey), or msg.payload an `order.needs-approval` event ({orderKey, order, decisions, at}),
 * as an amqp in bound to that event gives it. A sentence saying what is missing otherwise.
 */
export function inputOf(msg: HubMessage): ApprovalInput | string {
  const payload = msg.payload as Record<string, unknown> | undefined;
  const event = !isOrder(payload) && typeof payload === "object" && payload !== null && isOrder(payload.order) ? payload : undefined;
  const order = (event ? event.order : payload) as CanonicalOrder | undefined;
  if (!isOrder(order)) return "msg.payload must be the canonical order (with orderNumber and buyer), or an order.needs-approval event with the order in it";
  const decisions = (event ? event.decisions : msg.decisions) as Decision[] | undefined;
  if (!Array.isArray(decisions) || decisions.some((d) => typeof d !== "object" || d === null || typeof d.rule !== "string" || typeof d.outcome !== "string")) {
    return `order ${keyOf(order)}: ${event ? "msg.payload.decisions" : "msg.decisions"} must be the order's decisions, each {rule, outcome, reasons}`;
  }
  const given = event ? event.orderKey : msg.orderKey;
  const at = event ? event.at : (msg.evaluation as { at?: unknown } | undefined)?.at;
  return { order, decisions, key: typeof given === "string" && given !== "" ? given : keyOf(order), at: typeof at === "string" ? at : undefined };
}

/** One approval at a time per id in this process: a repeat of an order waits for the original's request to be done. */
const working = new Map<string, Promise<unknown>>();

function oneAtATime<T>(id: string, work: () => Promise<T>): Promise<T> {
  const before = working.get(id) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(work);
  working.set(id, mine);
  void mine.finally(() => working.get(id) === mine && working.delete(id)).catch(() => undefined);
  return mine;
}

/**
 * approval-request: an order that needs approval becomes one approval in the store (its id from the order's key, so
 * a redelivery finds the same one), its request is POSTed to OA (retried with backoff on no answer and 5xx) and
 * announced as `approval.requested`; then the inbound message is acknowledged: the order now waits in the store. The
 * hub's approval desk (runtime/approval-desk.ts) takes it from there: decisions, escalation, expiry.
 */
export class ApprovalRequestController {
  private readonly aborter = new AbortController();
  private closing = false;
  private statusTimer: NodeJS.Timeout | undefined;

  constructor(
    RED: NodeAPI,
    private readonly node: Node,
    private readonly config: ApprovalRequestConfig,
    private readonly creds: ApprovalRequestCredentials,
  ) {
    const connection = connectionOf(RED, config.broker);
    const terms = termsOf(config);
    const url = (config.url ?? "").trim();
    // "${ORDERHUB_OA_URL}" left as it is: the variable was not set when the flow was deployed; OA's address is then
    // found at call time (runtime/systems.ts: the sandbox's stand-in, the variable, or this node's URL)
    const unset = url === "" || /^\$\{\w+\}$/.test(url);
    const problem = !connection ? "choose an amqp-broker config node" : typeof terms === "string" ? terms : !unset && !/^https?:\/\/\S+$/i.test(url) ? `OA URL must be an http(s) URL (is "${url}")` : undefined;
    if (problem || !connection || typeof terms === "string") {
      failing(node, problem ?? "misconfigured");
      node.error(`approval-request: ${problem}`);
      node.on("input", (_m: object, _s: SendFn, done: DoneFn) => done(new Error(`approval-request: ${problem}`)));
      return;
    }
    connection.register(node);
    const unlisten = getApprovals().onChange(() => this.showCountsSoon());
    this.showCountsSoon();
    node.on("input", (m: object, send: SendFn, done: DoneFn) => this.input(m as HubMessage, connection, terms, send, done));
    node.on("close", (_removed: boolean, done: () => void) => {
      this.closing = true;
      this.aborter.abort();
      clearTimeout(this.statusTimer);
      unlisten();
      connection.deregister(node).then(done, done);
    });
  }

  private input(msg: HubMessage, connection: BrokerConnection, terms: ApprovalTerms, send: SendFn, done: DoneFn): void {
    const input = inputOf(msg);
    if (typeof input === "string") return this.fail(msg, new Error(`approval-request: ${input}`), done);
    const { refusal } = approvalGrounds(input.decisions);
    if (refusal) return this.fail(msg, new Error(`approval-request: order ${input.key}: ${refusal}`), done);
    const book = getApprovals();
    oneAtATime(input.key, async () => {
      const { row } = await book.open({ order: input.order, decisions: input.decisions, orderKey: input.key, at: input.at, correlationId: msg.correlationId ?? msg.messageId, terms, now: Date.now() });
      return this.request(msg, row, connection);
    }).then(
      (row) => {
        ackMessage(msg);
        if (msg._outbox) void completeOutbox(msg._outbox, (err) => this.node.warn(`approval-request: requested, but the idempotency record stays pending: ${err.message}`));
        msg.approval = { id: row.id, state: row.state, correlationId: row.correlationId, orderKey: row.orderKey };
        send(msg);
        done();
      },
      (err: Error) => this.fail(msg, err, done),
    );
  }

  /** OA's address now: the sandbox's OA while it is on, else ORDERHUB_OA_URL, else the node's URL (runtime/systems.ts). */
  private oaUrl(): string {
    const url = (this.config.url ?? "").trim();
    return systemAddress("oa", /^https?:\/\//i.test(url) ? url : undefined).url;
  }

  /** OA gets the request and `approval.requested` is confirmed, each once (a repeat finds them done). */
  private async request(msg: HubMessage, row: ApprovalRow, connection: BrokerConnection): Promise<ApprovalRow> {
    const open = row.state === "pending" || row.state === "escalated";
    if (open && row.sentAt === null) {
      try {
        await postJson(this.oaUrl(), JSON.parse(row.request), {
          auth: authOf(this.config, this.creds),
          headers: { "idempotency-key": row.id, "x-correlation-id": row.correlationId },
          timeoutMs: (Number(this.config.timeout) || 10) * 1000,
          retries: this.config.retries === undefined || this.config.retries === "" ? 4 : Math.max(0, Number(this.config.retries) || 0),
          signal: this.aborter.signal,
          onRetry: (attempt, reason, delayMs) => {
            approvalRequestsTotal.inc({ outcome: "retried" });
            stillWorking(msg);
            this.node.status({ fill: "yellow", shape: "ring", text: `OA: ${reason.slice(0, 40)}; retry ${attempt} in ${Math.round(delayMs / 100) / 10} s` });
          },
        });
      } catch (err) {
        const status = (err as { status?: number }).status;
        approvalRequestsTotal.inc({ outcome: status !== undefined && status < 500 ? "refused" : "failed" });
        throw new Error(`approval-request: OA did not take the approval request ${row.id} for order ${row.orderKey}: ${(err as Error).message}; the approval waits in the store, unsent, until the message is sent again`);
      }
      approvalRequestsTotal.inc({ outcome: "sent" });
      row = (await getApprovals().markSent(row.id, Date.now())) ?? row;
    } else if (open) {
      approvalRequestsTotal.inc({ outcome: "repeat" });
    }
    if (open && row.announcedAt === null) {
      const event = "approval.requested";
      await connection.publish(this.config.exchange || EVENTS_EXCHANGE, event, Buffer.from(row.request, "utf8"), {
        messageId: approvalMessageId(event, row.id),
        correlationId: row.correlationId,
        contentType: "application/json",
        timestamp: Math.floor(Date.now() / 1000),
        appId: "orderhub",
        type: event,
      });
      await getApprovals().mark(row.id, "announced", Date.now());
    }
    return row;
  }

  private fail(msg: HubMessage, err: Error, done: DoneFn): void {
    if (msg._outbox) releaseOutbox(msg._outbox);
    // closing, or the inbound message's channel is gone: the broker delivers it again, so this attempt just ends
    if (this.closing || deliveryState(msg) === "gone") return done();
    failing(this.node, err.message.replace(/^approval-request: /, ""));
    done(err);
  }

  /** The store's counts on the node, at most twice a second. */
  private showCountsSoon(): void {
    if (this.statusTimer || this.closing) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      getApprovals()
        .counts()
        .then(
          ({ byState, unsent }) => {
            if (this.closing) return;
            const waiting = byState.pending + byState.escalated;
            const parts = [`${byState.pending} pending`, ...(byState.escalated ? [`${byState.escalated} escalated`] : []), ...(unsent ? [`${unsent} unsent`] : [])];
            this.node.status({ fill: waiting ? "blue" : "green", shape: "dot", text: parts.join(" · ") });
          },
          () => undefined,
        );
    }, 500);
  }
}
