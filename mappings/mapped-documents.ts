import type { NormalizeOptions, OrderOutcome } from "./index";
import { DEFAULT_MAX_BYTES } from "./formats/text";
import { MAPPING_THREAD_FROM_BYTES } from "./mapping-thread";

/** How long a handed-over mapping waits for the intake flow; a queue that is further behind maps the document again. */
export const KEPT_FOR_MS = 10 * 60_000;
/** Bytes of documents kept at once with their mappings (the orders take several times that); oldest go first. */
export const KEPT_BYTES = 32 * 1024 * 1024;

interface Kept {
  /** The document as the API queued it, to tell it from other bytes under the same message id. */
  body: Buffer;
  contentType: string;
  outcomes: OrderOutcome[];
  until: number;
}

/** How an order-normalize node maps, as far as it could map a document otherwise than the REST API does. */
export type NodeMapping = Pick<NormalizeOptions, "format" | "sourceSystem" | "maxBytes">;

/**
 * Large documents the REST API has mapped and is putting on the inbound queue: the intake flow's order-normalize, on the
 * same hub, takes the API's orders instead of mapping the document a second time (a 10 MB interchange takes tens of
 * seconds). A mapping is taken by the inbound message's id and only for the very same bytes, the same content
 * type and a node that maps as the API does (format auto, no source system of its own, a size limit the document is
 * within); once, then it is gone. Another hub, a hub restarted meanwhile or a node with options of its own maps the
 * document as before, and so does the flow for a document below the mapping thread's threshold (256 KB).
 */
export class MappedDocuments {
  private readonly kept = new Map<string, Kept>();
  private bytes = 0;

  constructor(
    private readonly keptForMs = KEPT_FOR_MS,
    private readonly keptBytes = KEPT_BYTES,
  ) {}

  /**
   * The API mapped `body`, read as `contentType`, into `outcomes` and queues it as message `messageId`. The body is kept
   * with them and compared byte for byte when taken: about a millisecond for 10 MB, where a digest takes several.
   */
  keep(messageId: string, body: Buffer, contentType: string, outcomes: OrderOutcome[], now = Date.now()): void {
    // below the mapping thread's threshold a document maps in about a millisecond: not worth keeping
    if (body.length < MAPPING_THREAD_FROM_BYTES || body.length > this.keptBytes) return;
    this.forget(messageId);
    this.expire(now);
    while (this.bytes + body.length > this.keptBytes) this.forget(this.kept.keys().next().value!);
    this.kept.set(messageId, { body, contentType, outcomes, until: now + this.keptForMs });
    this.bytes += body.length;
  }

  /** The message was not queued after all. */
  forget(messageId: string): void {
    const k = this.kept.get(messageId);
    if (!k) return;
    this.kept.delete(messageId);
    this.bytes -= k.body.length;
  }

  /**
   * The API's orders for this message, if the node would map its body exactly as the API did; undefined (map it) else.
   * Taken once.
   */
  take(messageId: unknown, body: Buffer, contentType: string | undefined, node: NodeMapping, now = Date.now()): OrderOutcome[] | undefined {
    if (this.kept.size === 0 || typeof messageId !== "string") return undefined;
    this.expire(now);
    const k = this.kept.get(messageId);
    if (!k) return undefined;
    const mapsAlike = (node.format ?? "auto") === "auto" && !node.sourceSystem && (contentType ?? "") === k.contentType && body.length <= (node.maxBytes ?? DEFAULT_MAX_BYTES);
    if (!mapsAlike || !body.equals(k.body)) return undefined;
    this.forget(messageId);
    return k.outcomes;
  }

  /** Documents kept now. */
  get size(): number {
    return this.kept.size;
  }

  private expire(now: number): void {
    for (const [id, k] of this.kept) {
      if (k.until > now) break; // kept in the order they came, each for the same time
      this.forget(id);
    }
  }
}

/** The hub's one: the REST API keeps, the order-normalize nodes take. */
export const mappedDocuments = new MappedDocuments();
