import { orderKey } from "../../domain/order/canonical-order";
import { DocumentError, normalizeOrder, prepareMappings, type OrderFormat } from "../../mappings";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

export interface OrderNormalizeConfig extends NodeDef {
  format: OrderFormat | "auto";
  maxBytes: string | number;
  sourceSystem: string;
}

/** The content type the document arrived with: from AMQP properties, an HTTP request, or msg.contentType. */
export function contentTypeOf(msg: HubMessage): string | undefined {
  const amqp = msg.amqp as { contentType?: string } | undefined;
  const req = msg.req as { headers?: Record<string, string> } | undefined;
  return amqp?.contentType ?? req?.headers?.["content-type"] ?? (msg.contentType as string | undefined);
}

/**
 * order-normalize: any supported order document in msg.payload (UBL, IDoc, EDIFACT, cXML, CSV, canonical JSON) becomes
 * the canonical order. A document that cannot be read fails with a DocumentError, details in msg.rejection.
 */
export class OrderNormalizeController {
  private readonly rate: ThroughputStatus;

  constructor(node: Node, config: OrderNormalizeConfig) {
    this.rate = new ThroughputStatus(node);
    try {
      prepareMappings();
    } catch (err) {
      failing(node, (err as Error).message);
      node.error(`order-normalize: ${(err as Error).message}`);
    }
    const options = {
      format: config.format || "auto",
      maxBytes: Number(config.maxBytes) || undefined,
      sourceSystem: config.sourceSystem || undefined,
    } as const;
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const body = msg.payload;
      const input = Buffer.isBuffer(body) || typeof body === "string" ? body : body === undefined || body === null ? "" : JSON.stringify(body);
      normalizeOrder(input, { ...options, contentType: contentTypeOf(msg) }).then(
        (order) => {
          msg.payload = order;
          msg.orderKey = orderKey(order);
          this.rate.hit();
          send(msg);
          done();
        },
        (err: Error) => {
          const doc = err instanceof DocumentError ? err : undefined;
          msg.rejection = { code: doc?.code ?? "unreadable", message: err.message, format: doc?.format, line: doc?.line };
          this.rate.hit("rejected");
          failing(node, err.message);
          done(err);
        },
      );
    });
    node.on("close", () => this.rate.stop());
  }
}
