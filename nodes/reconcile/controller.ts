import { runReconciliation } from "../../runtime/settlement";
import { today } from "../../runtime/today";
import { getHubStore } from "../../store";
import { OutcomeStatus } from "../shared/outcome-status";
import { dateOf } from "../shared/settlement-input";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

/**
 * reconcile: any message (an inject with a daily crontab) runs the three-way match of deliveries, invoices and
 * payments on msg.date, else today (domain/settlement/reconciliation.ts), and keeps the run's report. Output 1: the
 * run (`settlement.run`: id, counts, what is new, resolved and still open since the run before). Output 2: one
 * message per mismatch (`settlement.mismatch`), each with its documents. msg.topic and msg.messageId for amqp-out.
 */
export class ReconcileController {
  constructor(node: Node, _config: NodeDef) {
    const status = new OutcomeStatus(node, ["runs", "mismatches"], "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      let date: string;
      try {
        date = dateOf(msg, today(), "reconcile");
      } catch (err) {
        failing(node, (err as Error).message);
        return done(err as Error);
      }
      runReconciliation(getHubStore(), date).then(
        ({ id, report, comparison }) => {
          status.count("runs");
          const run: HubMessage = {
            ...msg,
            topic: "settlement.run",
            messageId: `settlement.run/${id}`,
            payload: { event: "settlement.run", run: id, date: report.date, counts: report.counts, byKind: report.byKind, new: comparison.new.length, resolved: comparison.resolved.length, stillOpen: comparison.stillOpen.length },
          };
          send([run, null]);
          for (const mismatch of report.mismatches) {
            status.count("mismatches");
            send([null, { _msgid: `${msg._msgid}/${mismatch.key}`, topic: "settlement.mismatch", messageId: `settlement.mismatch/${id}/${mismatch.key}`, payload: { event: "settlement.mismatch", run: id, date: report.date, new: comparison.new.some((n) => n.key === mismatch.key), ...mismatch } } as HubMessage]);
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
