import { failing } from "./status";
import type { DoneFn, HubMessage, Node, SendFn } from "./types";

/**
 * A node whose input is handled by async work: `work` sends what it decides; once it has finished the message is
 * done, and when it fails (throws or rejects) the node's status shows the error in red and done(err) hands it to a
 * catch node. On close the node's status stops.
 */
export function onAsyncInput(node: Node, status: { stop(): void }, work: (msg: HubMessage, send: SendFn) => Promise<void>): void {
  node.on("input", (m: object, send: SendFn, done: DoneFn) => {
    const run = async () => work(m as HubMessage, send);
    run().then(
      () => done(),
      (err: Error) => {
        failing(node, err.message);
        done(err);
      },
    );
  });
  node.on("close", () => status.stop());
}
