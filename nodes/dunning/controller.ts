import { dunningRun } from "../../runtime/settlement";
import { getMasterData } from "../../runtime/master-data";
import { today } from "../../runtime/today";
import { getHubStore } from "../../store";
import { OutcomeStatus } from "../shared/outcome-status";
import { dateOf } from "../shared/settlement-input";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/**
 * dunning: any message (an inject with a daily crontab) finds the invoices overdue on msg.date, else today, and sends
 * one message per notice due (domain/settlement/dunning.ts): msg.topic `dunning.reminder`, `dunning.second-notice` or
 * `dunning.credit-hold`, msg.payload the notice with its reason, msg.messageId from the invoice and level. Each level
 * is recorded before it is sent, once per invoice; the customer's grace days come from the customer master.
 */
export class DunningController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["reminder", "second-notice", "credit-hold"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      let date: string;
      try {
        date = dateOf(msg, today(), "dunning");
      } catch (err) {
        failing(node, (err as Error).message);
        return done(err as Error);
      }
      getMasterData()
        .ready()
        .then((master) => dunningRun(getHubStore(), master, date))
        .then(
          (notices) => {
            for (const n of notices) {
              status.count(n.level);
              send({ ...msg, _msgid: `${msg._msgid}/${n.invoice}/${n.level}`, topic: n.event, messageId: `dunning/${n.invoice}/${n.level}`, payload: n } as HubMessage);
            }
            done();
          },
          (err: Error) => {
            failing(node, err.message);
            done(err);
          },
        );
    });
    node.on("close", () => status.stop());
  }
}
