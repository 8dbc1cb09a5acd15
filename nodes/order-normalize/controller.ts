import { orderKey } from "../../domain/order/canonical-order";
import { DocumentError, prepareMappings, type MappingProgress, type OrderFormat, type OrderOutcome, type SourceChannel } from "../../mappings";
import { mappedDocuments } from "../../mappings/mapped-documents";
import { normalizeDocument } from "../../mappings/mapping-thread";
import { childOf, mappingsReusedTotal, ordersReadTotal } from "../../observability/metrics";
import { splitDelivery, stillWorking, waitingTurn } from "../shared/settlement";
import { BatchProgress } from "./batch-progress";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

export interface OrderNormalizeConfig extends NodeDef {
  format: OrderFormat | "auto";
  maxBytes: string | number;
  sourceSystem: string;
}

const ordersRead = childOf(ordersReadTotal, ["format", "outcome"]);

/** Copies a message for one order of a document that holds several (Node-RED's RED.util.cloneMessage). */
export type CloneMessage = (msg: HubMessage) => HubMessage;

/**
 * The channel the document came by, for an order that does not say where it came from (JSON): the sending system (the
 * AMQP message's app-id, or an HTTP request's X-Source-System header) and the transmission's id (the message id).
 */
export function channelOf(msg: HubMessage): SourceChannel {
  const amqp = msg.amqp as { appId?: string } | undefined;
  const req = msg.req as { headers?: Record<string, string> } | undefined;
  const system = amqp?.appId || req?.headers?.["x-source-system"] || undefined;
  return { system, documentId: typeof msg.messageId === "string" ? msg.messageId : undefined };
}

/** The content type the document arrived with: from AMQP properties, an HTTP request, or msg.contentType. */
export function contentTypeOf(msg: HubMessage): string | undefined {
  const amqp = msg.amqp as { contentType?: string } | undefined;
  const req = msg.req as { headers?: Record<string, string> } | undefined;
  return amqp?.contentType ?? req?.headers?.["content-type"] ?? (msg.contentType as string | undefined);
}

function rejectionOf(err: Error, outcome?: OrderOutcome) {
  const doc = err instanceof DocumentError ? err : undefined;
  const part = outcome && outcome.part.count > 1 ? { part: outcome.part } : {};
  return { code: doc?.code ?? "unreadable", message: err.message, format: doc?.format, line: doc?.line, ...part };
}

/**
 * order-normalize: any supported order document in msg.payload (UBL, IDoc, EDIFACT, cXML, CSV, canonical JSON) becomes
 * the canonical order. A document that cannot be read fails with a DocumentError, details in msg.rejection.
 *
 * A document with several orders (an EDIFACT interchange with several ORDERS messages, an IDoc file with several
 * IDocs, a CSV file with several order numbers, a JSON array of orders) goes on as one message per order, each with msg.parts (Node-RED's split convention, so a join node can
 * gather them) and a message id of its own (`<inbound id>/<n>`). An order that is refused fails alone: its message,
 * with the document as payload and msg.rejection.part saying which order it was, goes to the catch nodes. The inbound
 * delivery is settled once every order's message is. A large document (from 256 KB) is parsed and mapped on the
 * mapping thread (mappings/mapping-thread.ts), so the event loop goes on moving the other messages meanwhile.
 */
export class OrderNormalizeController {
  private readonly rate: ThroughputStatus;
  private readonly progress: BatchProgress;

  constructor(
    private readonly node: Node,
    config: OrderNormalizeConfig,
    private readonly clone: CloneMessage,
  ) {
    this.rate = new ThroughputStatus(node);
    this.progress = new BatchProgress(this.rate);
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
      const batch = this.progress.begin();
      // A batch that reports progress is being mapped, not forgotten: its delivery's settle deadline starts again.
      const onProgress = (progress: MappingProgress) => {
        batch.onProgress(progress);
        stillWorking(msg);
      };
      // Waiting for the mapping thread is not being late: the deadline stands still until the document's turn.
      const onTurn = (turn: "waiting" | "mapping") => (turn === "waiting" ? waitingTurn(msg) : stillWorking(msg));
      const contentType = contentTypeOf(msg);
      // A large document the REST API of this hub has just mapped is not mapped a second time.
      const mappedByApi = Buffer.isBuffer(input) ? mappedDocuments.take(msg.messageId, input, contentType, options) : undefined;
      if (mappedByApi) mappingsReusedTotal.inc();
      (mappedByApi ? Promise.resolve(mappedByApi) : normalizeDocument(input, { ...options, contentType, channel: channelOf(msg), onProgress, onTurn })).then(
        (outcomes) => {
          batch.end();
          if (outcomes.length === 1) {
            const { order } = outcomes[0];
            ordersRead(order!.source?.format ?? "unknown", "read").inc();
            msg.payload = order;
            msg.orderKey = orderKey(order!);
            this.rate.hit();
            send(msg);
          } else {
            this.sendParts(msg, outcomes, send);
          }
          done();
        },
        (err: Error) => {
          batch.end();
          ordersRead((err as DocumentError).format ?? "unknown", "refused").inc();
          msg.rejection = rejectionOf(err);
          this.rate.hit("rejected");
          failing(this.node, err.message);
          done(err);
        },
      );
    });
    node.on("close", () => this.rate.stop());
  }

  private sendParts(msg: HubMessage, outcomes: OrderOutcome[], send: SendFn): void {
    const keys = splitDelivery(msg, outcomes.length);
    // Copies without the document: a 10 MB interchange of a thousand orders must not become a thousand copies of it.
    const { payload: document, ...rest } = msg;
    const parts = outcomes.map((outcome, i) => {
      const part = this.clone(rest as HubMessage);
      if (keys) part._delivery = keys[i];
      // type and len as Node-RED's split node sets them for an array, one element per message; a sequence the message
      // was part of already is kept inside, as the split node does
      const sequence = { id: msg._msgid, index: i, count: outcomes.length, type: "array", len: 1, ref: outcome.part.ref, ...(msg.parts ? { parts: msg.parts } : {}) };
      part.parts = sequence;
      if (typeof msg.messageId === "string") part.messageId = `${msg.messageId}/${outcome.part.index}`;
      return part;
    });
    for (const [i, outcome] of outcomes.entries()) {
      const part = parts[i];
      ordersRead(outcome.order?.source?.format ?? outcome.error?.format ?? "unknown", outcome.order ? "read" : "refused").inc();
      if (outcome.order) {
        part.payload = outcome.order;
        part.orderKey = orderKey(outcome.order);
        this.rate.hit();
        send(part);
      } else {
        part.payload = document;
        part.rejection = rejectionOf(outcome.error, outcome);
        this.rate.hit("rejected");
        failing(this.node, outcome.error.message);
        this.node.error(outcome.error, part);
      }
    }
  }
}
