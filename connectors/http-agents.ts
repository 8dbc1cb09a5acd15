import http from "node:http";
import https from "node:https";

/**
 * One keep-alive agent per protocol for every outgoing HTTP call of the hub (REST systems, OA, SOAP, the sandbox's
 * callbacks): a system called for every order answers on connections already open instead of a TCP (and TLS)
 * handshake per call. Idle sockets close after 15 s, so a system that went away costs no more than that.
 */
const options = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 64, maxFreeSockets: 16, timeout: 15_000 };

export const httpAgent = new http.Agent(options);
export const httpsAgent = new https.Agent(options);

/** For an axios request's options. */
export const keepAliveAgents = { httpAgent, httpsAgent } as const;
