import { CONFIG_VERSIONS } from "../nodes/shared/config-version";
import { logger } from "../observability/logger";
import type { EmbeddedRed } from "./node-red";

const HOOK_ID = "preDeliver.orderhub";
const HUB_TYPES: ReadonlySet<string> = new Set(Object.keys(CONFIG_VERSIONS));

/** What Node-RED's `preDeliver` hook receives (@node-red/runtime lib/flows/Flow.js), as far as it is read here. */
interface DeliverEvent {
  msg: unknown;
  source?: { node?: { type: string } };
  destination?: { node?: { type: string; _path?: string; receive(msg: unknown): void } };
}

/**
 * Between two OrderHub nodes a message is handed over at once instead of in a later turn of the event loop: Node-RED
 * queues every hop with setImmediate, so on a busy hub each hop waits behind everything else that is ready, and a
 * message spends its time in queues rather than in work. Our nodes are written for this (their work after the hand-over
 * runs in promises); a hop from or to any other node keeps Node-RED's delivery, so users' flows behave as Node-RED
 * documents. Returns the function that removes the hook (Node-RED refuses a second hook with the same label).
 */
export function deliverDirectlyBetweenHubNodes(red: EmbeddedRed): () => void {
  red.hooks.add(HOOK_ID, (ev: DeliverEvent) => {
    const to = ev.destination?.node;
    const from = ev.source?.node;
    if (!to || !from || !HUB_TYPES.has(to.type) || !HUB_TYPES.has(from.type)) return undefined;
    try {
      to.receive(ev.msg);
    } catch (err) {
      // As Node-RED does when a node throws on delivery: the sender goes on, the error is logged.
      logger.error({ node: to._path, type: to.type }, `error delivering a message to ${to.type}: ${(err as Error).stack ?? err}`);
    }
    return false;
  });
  return () => red.hooks.remove(HOOK_ID);
}
