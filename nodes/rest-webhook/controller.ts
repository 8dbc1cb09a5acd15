import express, { type Request, type Response } from "express";
import { bodyMessageId, type BrokerConnection } from "../../connectors/amqp";
import { LOOPBACK_SYSTEM, SANDBOX_SYSTEM, verifyApiKey } from "../../runtime/api-keys";
import { connectionOf } from "../amqp-broker/controller";
import { ThroughputStatus, failing } from "../shared/status";
import type { HubMessage, Node, NodeAPI, NodeDef } from "../shared/types";

export interface RestWebhookConfig extends NodeDef {
  /** The route under the hub's /api: `/webhooks/tms` answers POST /api/webhooks/tms. */
  path: string;
  broker: string;
  exchange?: string;
  routingKey: string;
  /** Only callers whose API key is of this system (empty: any system's key). */
  system?: string;
}

/** The largest body a webhook takes. */
export const MAX_WEBHOOK_BYTES = 10 * 1024 * 1024;

/** An AMQP message id is a short string: at most 255 bytes. */
const MAX_ID_BYTES = 255;

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(", ") : v);

/** What is wrong with the config, or undefined. */
export function webhookProblem(config: RestWebhookConfig): string | undefined {
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(config.path ?? "")) return `path must start with / and hold only letters, digits and . _ ~ - / (is "${config.path ?? ""}")`;
  if (!config.routingKey?.trim()) return "set the routing key the webhook's messages are published with";
  return undefined;
}

/**
 * The message id of a webhook's body: its `Idempotency-Key` when given, else the body's sha256, so a webhook sent
 * again is the same message; a string that is no key (too long for AMQP) is an error naming it.
 */
export function webhookMessageId(idempotencyKey: string | undefined, body: Buffer): string | { problem: string } {
  const key = idempotencyKey?.trim();
  if (!key) return bodyMessageId(body);
  if (Buffer.byteLength(key, "utf8") > MAX_ID_BYTES) return { problem: `Idempotency-Key is ${Buffer.byteLength(key, "utf8")} bytes long: at most ${MAX_ID_BYTES}` };
  return key;
}

/**
 * rest-webhook: a route under /api on which a business system posts JSON. The caller's API key is checked
 * (runtime/api-keys.ts), the body published as it came to the configured exchange and routing key with publisher
 * confirms (`mandatory`: a message no queue takes is a failure too), and only then answered 202; 503 when the broker
 * did not take it (the caller sends it again: same Idempotency-Key or same body, same message id), 400 for a body
 * that is not JSON, 401 without a valid key. The message then goes on to the node's output.
 */
export class RestWebhookController {
  private readonly rate: ThroughputStatus;

  constructor(
    RED: NodeAPI,
    private readonly node: Node,
    private readonly config: RestWebhookConfig,
  ) {
    this.rate = new ThroughputStatus(node, `POST ${config.path}`);
    const connection = connectionOf(RED, config.broker);
    const problem = !connection ? "choose an amqp-broker config node" : webhookProblem(config);
    if (problem || !connection) {
      failing(node, problem ?? "misconfigured");
      node.error(`rest-webhook: ${problem}`);
      return;
    }
    connection.register(node);
    const app = RED.httpNode as unknown as express.Express;
    const path = config.path;
    const raw = express.raw({ type: () => true, limit: MAX_WEBHOOK_BYTES });
    const handler = (req: Request, res: Response) => void this.handle(req, res, connection);
    // a body over the limit, or one that could not be read
    const unreadable = (err: Error & { type?: string; status?: number }, _req: Request, res: Response, next: (e?: unknown) => void) => {
      if (err.type === "entity.too.large") return res.status(413).json({ error: `body over ${MAX_WEBHOOK_BYTES} bytes` });
      if (err.status && err.status < 500) return res.status(400).json({ error: `body could not be read: ${err.message}` });
      next(err);
    };
    app.post(path, raw, handler, unreadable);
    node.status({ fill: "green", shape: "dot", text: `POST ${path}` });
    node.on("close", (_removed: boolean, done: () => void) => {
      this.rate.stop();
      removeRoute(app, handler);
      connection.deregister(node).then(done, done);
    });
  }

  private async handle(req: Request, res: Response, connection: BrokerConnection): Promise<void> {
    const check = await verifyApiKey({ authorization: header(req.headers.authorization), "x-api-key": header(req.headers["x-api-key"]) }, req.socket.remoteAddress);
    if (!check.ok) {
      res.status(401).set("WWW-Authenticate", "Bearer").json({ error: check.reason });
      return;
    }
    const only = this.config.system?.trim();
    // the sandbox's stand-ins call every webhook with the sandbox's own key (runtime/api-keys.ts, sandboxApiKey)
    if (only && check.system !== only && check.system !== LOOPBACK_SYSTEM && check.system !== SANDBOX_SYSTEM) {
      res.status(403).json({ error: `this webhook takes calls from ${only}; the API key is ${check.system}'s` });
      return;
    }
    const body = bodyOf(req);
    let payload: unknown;
    try {
      if (body.length === 0) throw new Error("the body is empty");
      payload = JSON.parse(body.toString("utf8"));
    } catch (err) {
      res.status(400).json({ error: `body is not JSON: ${(err as Error).message}` });
      return;
    }
    const id = webhookMessageId(header(req.headers["idempotency-key"]), body);
    if (typeof id !== "string") {
      res.status(400).json({ error: id.problem });
      return;
    }
    const exchange = this.config.exchange ?? "orderhub.events";
    const routingKey = this.config.routingKey.trim();
    const correlationId = header(req.headers["x-correlation-id"])?.trim() || id;
    try {
      await connection.publish(exchange, routingKey, body, {
        messageId: id,
        correlationId,
        contentType: "application/json",
        timestamp: Math.floor(Date.now() / 1000),
        appId: check.system,
        type: routingKey,
        mandatory: true,
        headers: { "x-orderhub-source-system": check.system, "x-orderhub-webhook": this.config.path },
      });
    } catch (err) {
      failing(this.node, (err as Error).message);
      res.status(503).set("Retry-After", "5").json({ error: `not queued, send it again: ${(err as Error).message}`, messageId: id });
      return;
    }
    res.status(202).json({ messageId: id, exchange, routingKey });
    this.rate.hit();
    const msg: Partial<HubMessage> = { payload, messageId: id, correlationId, topic: routingKey, apiSystem: check.system };
    this.node.send(msg as HubMessage);
  }
}

/** The body as the bytes sent (another parser in front may have read it already). */
function bodyOf(req: Request): Buffer {
  const body: unknown = req.body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body !== undefined && body !== null && typeof body === "object" && Object.keys(body).length > 0) return Buffer.from(JSON.stringify(body), "utf8");
  return Buffer.alloc(0);
}

/** Takes the node's route off the app again, as Node-RED's http in does on close. */
function removeRoute(app: express.Express, handler: unknown): void {
  type Layer = { route?: { stack: Array<{ handle: unknown }> } };
  const router = (app as unknown as { _router?: { stack: Layer[] } })._router;
  if (!router) return;
  for (let i = router.stack.length - 1; i >= 0; i--) {
    if (router.stack[i].route?.stack.some((l) => l.handle === handler)) router.stack.splice(i, 1);
  }
}
