import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";

export type { Node, NodeAPI, NodeDef };

/** What our nodes read from and add to a Node-RED message. Only strings and plain data: messages get cloned. */
export interface HubMessage extends NodeMessageInFlow {
  payload: unknown;
  /** Settlement key of the AMQP delivery this message came from (`<broker>:<channel>:<tag>`). */
  _delivery?: string;
  /**
   * Idempotency record whose effect is confirmed when this message is published, with the message's claim on the key
   * in flight (nodes/shared/outbox.ts): only the message that made the claim ends it.
   */
  _outbox?: { scope: string; key: string; claim?: number };
  messageId?: string;
  correlationId?: string;
  error?: { message: string; source?: { id?: string; type?: string; name?: string } };
  [key: string]: unknown;
}

export type SendFn = (msg: HubMessage | Array<HubMessage | null>) => void;
export type DoneFn = (err?: Error) => void;
