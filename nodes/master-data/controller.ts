import { getMasterData } from "../../runtime/master-data";
import { ThroughputStatus, failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeDef, SendFn } from "../shared/types";

export interface MasterDataConfig extends NodeDef {
  /**
   * The master data event every message is taken as (`master.customers.upserted`); empty: the message's own topic,
   * which amqp-in sets to the routing key.
   */
  topic?: string;
}

/**
 * master-data: applies a `master.<kind>.<replaced|upserted|deleted>` event (msg.topic, the routing key) with its body
 * (msg.payload: a JSON array of records) to the hub's master data: checked, committed to the store, and in the index
 * the rules read (runtime/master-data.ts). Passes the message on once the change is committed, with msg.master saying
 * what it did, so that a `settle` node acknowledges it. A batch with a bad record changes nothing and fails with the
 * record and field named (`customers[3].creditLimit: must be number`), for a catch and a dead-letter node.
 */
export class MasterDataController {
  private readonly rate: ThroughputStatus;

  constructor(node: Node, config: MasterDataConfig) {
    this.rate = new ThroughputStatus(node, "idle");
    node.on("input", (m: object, send: SendFn, done: DoneFn) => {
      const msg = m as HubMessage;
      const topic = config.topic || (typeof msg.topic === "string" ? msg.topic : "");
      getMasterData()
        .applyEvent(topic, msg.payload)
        .then(
          (change) => {
            msg.master = { event: topic, mode: change.mode, kinds: change.kinds };
            this.rate.hit();
            send(msg);
            done();
          },
          (err: Error) => {
            this.rate.hit("refused");
            failing(node, err.message);
            done(err);
          },
        );
    });
    node.on("close", () => this.rate.stop());
  }
}
