import { bomImportOf, importBoms, parseBomCsv } from "../../runtime/planning-import";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

export type BomImportConfig = NodeDef;

/** The body as JSON or CSV: parsed already, or text / bytes (a body starting with `[` or `{` is JSON, else CSV). */
function bodyOf(payload: unknown): unknown {
  if (typeof payload !== "string" && !Buffer.isBuffer(payload)) return payload;
  const text = payload.toString("utf8").replace(/^\uFEFF/, "");
  if (!/^\s*[[{]/.test(text)) return parseBomCsv(text);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`the body is not JSON (${(err as Error).message})`);
  }
}

/**
 * bom-import: BOMs from PLM into the hub's store (runtime/planning-import.ts): msg.payload is an array of BOM lines, a
 * `plm.bom.released` message `{lines, parents?, items?, releasedBy?, reason?}`, or CSV. The BOMs of the parents named are
 * replaced in one transaction, checked for cycles against every stored BOM; items that come with them are upserted
 * into the master data. A cycle or a bad line fails the message naming it (`BOM cycle: A → B → A`), for a catch and a
 * dead-letter node; the message goes on with msg.bom once committed, for a settle node.
 */
export class BomImportController {
  constructor(node: Node, _config: BomImportConfig) {
    const rate = new ThroughputStatus(node, "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const run = async () => {
        const imp = bomImportOf(bodyOf(msg.payload));
        const who = imp.releasedBy ?? (typeof (msg.amqp as { appId?: unknown } | undefined)?.appId === "string" ? (msg.amqp as { appId: string }).appId : "plm");
        const why = imp.reason ?? `${typeof msg.topic === "string" && msg.topic ? msg.topic : "BOM import"}${msg.messageId ? ` ${msg.messageId}` : ""}`;
        return importBoms(imp, { who, why });
      };
      run().then(
        (result) => {
          msg.bom = result;
          rate.hit();
          send(msg);
          done();
        },
        (err: Error) => {
          rate.hit("refused");
          failing(node, err.message);
          done(new Error(`bom-import: ${err.message}`));
        },
      );
    });
    node.on("close", () => rate.stop());
  }
}
