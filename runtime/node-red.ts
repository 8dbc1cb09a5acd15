import type { Express } from "express";
import type { Server } from "node:http";
import nodeRed from "node-red";

/**
 * The parts of the embedded Node-RED runtime OrderHub uses, typed from the 4.1 sources (the published @types/node-red
 * lag behind: no labelled hooks, no `remove`). One runtime per process: Node-RED keeps module-level state, and after
 * `stop()` it cannot be started again.
 */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  label?: string;
  [key: string]: unknown;
}

/** What `onComplete` hooks receive (@node-red/runtime lib/nodes/Node.js `_complete`). */
export interface CompleteEvent {
  msg: unknown;
  error?: unknown;
  node: { id: string; node: { id: string; type: string; z?: string; name?: string } };
}

/** Payload of `flows:started` / `flows:stopped`: `config.flows` is the whole deployed flow array. */
export interface FlowsEvent {
  config: { flows: FlowNode[]; rev?: string } | null;
  type: string;
}

export interface EmbeddedRed {
  init(server: Server, settings: object): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly httpAdmin: Express;
  readonly httpNode: Express;
  readonly version: string;
  events: {
    on(event: string, listener: (ev: FlowsEvent) => void): void;
    off(event: string, listener: (ev: FlowsEvent) => void): void;
  };
  hooks: {
    // The event's shape depends on the hook (`onComplete`: CompleteEvent); returning false from `preDeliver` stops
    // Node-RED's own delivery.
    add<E>(id: string, handler: (ev: E) => unknown): void;
    remove(id: string): void;
  };
}

export const RED = nodeRed as unknown as EmbeddedRed;

/** Log record Node-RED hands to a custom `logging` handler (@node-red/util lib/log.js). */
export interface NodeRedLogRecord {
  level: number;
  msg: unknown;
  type?: string;
  name?: string;
  id?: string;
  z?: string;
  path?: string;
  timestamp?: number;
  [key: string]: unknown;
}
