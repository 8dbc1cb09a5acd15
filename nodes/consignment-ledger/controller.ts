import { createHash } from "node:crypto";
import type { MovementDocument } from "../../domain/settlement/consignment";
import { applyConsignment } from "../../runtime/settlement";
import { today } from "../../runtime/today";
import { getHubStore } from "../../store";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import { bodyObject } from "../shared/settlement-input";
import type { Node, NodeDef } from "../shared/types";

/**
 * consignment-ledger: a movement document in msg.payload ({ customer, site, kind: fill-up | issue | pickup | return,
 * document, at?, lines: [{ sku, quantity }] }) → the site's ledger (domain/settlement/consignment.ts), once per
 * document. Output: msg.payload the `consignment.<kind>` event (msg.topic, msg.messageId) for amqp-out, msg.ledger the
 * site's ledger; a repeat passes on with msg.repeat true. A document beyond what the site holds is an error naming
 * the figure ("site S holds 40 of X; the report uses 55 …"): a catch dead-letters it.
 */
export class ConsignmentLedgerController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["applied", "repeats", "refused"], "idle");
    onAsyncInput(node, status, async (msg, send) => {
      const b = bodyObject(msg.payload, "consignment-ledger");
      const doc: MovementDocument = { customer: String(b.customer ?? ""), site: String(b.site ?? ""), kind: b.kind as MovementDocument["kind"], document: String(b.document ?? ""), at: typeof b.at === "string" ? b.at.slice(0, 10) : today(), lines: (b.lines as MovementDocument["lines"]) ?? [] };
      if (!doc.customer || !doc.site) throw new Error("consignment-ledger: msg.payload needs customer and site");
      const result = await applyConsignment(getHubStore(), doc);
      if (result.outcome === "refused") {
        status.count("refused");
        throw new Error(`consignment-ledger: ${result.reasons.join("; ")}`);
      }
      const event = `consignment.${doc.kind}`;
      msg.ledger = result.ledger;
      msg.repeat = result.outcome === "repeat";
      msg.topic = event;
      msg.messageId = `sha256:${createHash("sha256").update([doc.customer, doc.site, event, doc.document].join("|"), "utf8").digest("hex")}`;
      msg.payload = { event, customer: doc.customer, site: doc.site, system: "hub", document: doc.document, at: doc.at, lines: doc.lines };
      status.count(result.outcome === "repeat" ? "repeats" : "applied");
      send(msg);
    });
  }
}
