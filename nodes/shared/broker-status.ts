import type { BrokerConnection, BrokerState } from "../../connectors/amqp";
import type { Node } from "./types";

const LOOK: Record<BrokerState, { fill: "grey" | "yellow" | "green" | "red"; shape: "ring" | "dot" }> = {
  idle: { fill: "grey", shape: "ring" },
  closed: { fill: "grey", shape: "ring" },
  connecting: { fill: "yellow", shape: "ring" },
  retrying: { fill: "yellow", shape: "ring" },
  connected: { fill: "green", shape: "dot" },
  blocked: { fill: "yellow", shape: "dot" },
  failing: { fill: "red", shape: "dot" },
};

/** Mirror the broker's state on a user node; returns the unsubscribe function. */
export function followBroker(node: Node, connection: BrokerConnection, connectedText: string | (() => string) = "connected"): () => void {
  return connection.onState((state, detail) => {
    const text = state === "connected" ? (typeof connectedText === "function" ? connectedText() : connectedText) : state === "blocked" && detail ? detail : detail && state !== "connecting" ? `${state}: ${detail}` : state;
    node.status({ ...LOOK[state], text: text.length > 60 ? `${text.slice(0, 57)}...` : text });
  });
}
