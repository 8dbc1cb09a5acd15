import { kittingFromStore } from "../../runtime/planning";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

export interface KittingConfig extends NodeDef {
  /** Default when msg.payload gives none: build subassemblies from their components too. */
  multiLevel?: boolean;
  useSubstitutes?: boolean;
}

/**
 * kitting: how many of msg.payload.item the on-hand stock builds with the stored BOM (valid on msg.payload.date, default
 * today), and what is short for msg.payload.quantity (default: one more). msg.payload becomes the answer
 * (runtime/planning.ts kittingFromStore, the same as `POST /api/planning/kitting`). Bad input fails naming the field.
 */
export class KittingController {
  constructor(node: Node, config: KittingConfig) {
    const rate = new ThroughputStatus(node, "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const asked = typeof msg.payload === "string" ? { item: msg.payload } : (msg.payload as Record<string, unknown>);
      const request = { multiLevel: config.multiLevel !== false, ...(config.useSubstitutes ? { useSubstitutes: true } : {}), ...asked };
      kittingFromStore(request).then(
        (answer) => {
          msg.payload = answer;
          rate.hit(answer.shortages.length ? "short" : undefined);
          send(msg);
          done();
        },
        (err: Error) => {
          rate.hit("refused");
          failing(node, err.message);
          done(new Error(`kitting: ${err.message}`));
        },
      );
    });
    node.on("close", () => rate.stop());
  }
}
