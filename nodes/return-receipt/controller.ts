import { getMasterData } from "../../runtime/master-data";
import { receiveWmsReturn } from "../../runtime/returns-wms";
import { getHubStore } from "../../store";
import { OutcomeStatus } from "../shared/outcome-status";
import { bodyObject } from "../shared/settlement-input";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/**
 * return-receipt: the WMS's `wms.return-received` (what really came back under an RMA) is recorded as the goods
 * receipt, exactly as `POST /api/returns/{rma}/receipt` records it: a credit note once per receipt. Output 1: the
 * `return.credited` event (msg.payload, msg.topic, msg.messageId `return.credited/<credit note>`, the same on a
 * repeat) for an amqp-out to orderhub.events; output 2: nothing to credit (nothing received), to settle. An unknown or
 * cancelled RMA, a malformed receipt or a store failure is an error for a catch: the message is dead-lettered.
 */
export class ReturnReceiptController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["credited", "repeats", "nothing"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      let body: Record<string, unknown>;
      try {
        body = bodyObject(msg.payload, "return-receipt");
      } catch (err) {
        failing(node, (err as Error).message);
        return done(err as Error);
      }
      receiveWmsReturn(getHubStore(), getMasterData(), body).then(
        (result) => {
          if (result.outcome === "nothing-to-credit") {
            msg.settlement = result;
            status.count("nothing");
            send([null, msg]);
            return done();
          }
          status.count(result.outcome === "repeat" ? "repeats" : "credited");
          msg.payload = result.credited.event;
          msg.topic = "return.credited";
          msg.messageId = result.credited.messageId;
          send([msg, null]);
          done();
        },
        (err: Error) => {
          failing(node, `return-receipt: ${err.message}`);
          done(new Error(`return-receipt: ${err.message}`));
        },
      );
    });
    node.on("close", () => status.stop());
  }
}
