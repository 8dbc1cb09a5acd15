import { DEFAULT_BREAKER, type BreakerSettings } from "../../connectors/rest/circuit-breaker";
import type { RestAuth } from "../../connectors/rest/client";
import { SYSTEMS, systemAddress, type SystemAddress, type SystemName } from "../../runtime/systems";
import type { Node, NodeDef } from "../shared/types";

/** The systems a rest-system node may stand for: the hub's REST systems, or `other` (its own URL only). */
export const REST_SYSTEMS = ["oa", "crm", "tms", "finance", "plm", "wms", "other"] as const;
export type RestSystemName = (typeof REST_SYSTEMS)[number];

export interface RestSystemConfig extends NodeDef {
  system: RestSystemName;
  /** Base URL the call paths are relative to; the system's environment variable and the sandbox come first. */
  url?: string;
  auth?: RestAuth["type"];
  /** The header an API key goes in (`auth: apikey`), e.g. X-Api-Key. */
  apiKeyHeader?: string;
  /** Seconds per attempt. */
  timeout?: string | number;
  /** Failures in a row that open the host's circuit. */
  failureThreshold?: string | number;
  /** Seconds the circuit stays open before one probe call may go. */
  coolDown?: string | number;
}

export interface RestSystemCredentials {
  user?: string;
  password?: string;
  token?: string;
  apiKey?: string;
}

/** What a call needs of its system, read at call time. */
export interface RestTarget {
  system: RestSystemName;
  /** The base URL now, and where it came from. */
  address(): SystemAddress;
  auth: RestAuth;
  timeoutMs: number;
  breaker: BreakerSettings;
}

function positive(value: string | number | undefined, fallback: number, what: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${what} must be a positive number (is "${value}")`);
  return n;
}

/** The system's settings, or an Error naming the setting that is wrong. */
export function restTargetOf(config: RestSystemConfig, creds: RestSystemCredentials, env: Record<string, string | undefined> = process.env): RestTarget {
  const system = config.system;
  if (!(REST_SYSTEMS as readonly string[]).includes(system)) throw new Error(`system must be one of ${REST_SYSTEMS.join(", ")} (is "${system}")`);
  const url = config.url?.trim() ?? "";
  if (url !== "" && !/^https?:\/\/\S+$/i.test(url)) throw new Error(`base URL must be an http(s) URL (is "${url}")`);
  const kind = config.auth ?? "none";
  let auth: RestAuth;
  if (kind === "basic") auth = { type: "basic", user: creds.user ?? "", password: creds.password ?? "" };
  else if (kind === "bearer") auth = { type: "bearer", token: creds.token ?? "" };
  else if (kind === "apikey") {
    const header = config.apiKeyHeader?.trim() ?? "";
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(header)) throw new Error(`API key header must be a header name such as X-Api-Key (is "${config.apiKeyHeader ?? ""}")`);
    auth = { type: "apikey", header, value: creds.apiKey ?? "" };
  } else if (kind === "none") auth = { type: "none" };
  else throw new Error(`auth must be none, basic, bearer or apikey (is "${String(kind)}")`);
  const timeoutMs = Math.round(positive(config.timeout, 10, "timeout") * 1000);
  const breaker: BreakerSettings = {
    failureThreshold: Math.round(positive(config.failureThreshold, DEFAULT_BREAKER.failureThreshold, "failures to open the circuit")),
    coolDownMs: Math.round(positive(config.coolDown, DEFAULT_BREAKER.coolDownMs / 1000, "cool-down") * 1000),
  };
  const address = (): SystemAddress => {
    if (system === "other") {
      if (!url) throw new Error("system other has no address: set the base URL in its rest-system node");
      return { url, from: "node" };
    }
    if (!(SYSTEMS as readonly string[]).includes(system)) throw new Error(`unknown system ${system}`);
    return systemAddress(system as SystemName, url, env);
  };
  return { system, address, auth, timeoutMs, breaker };
}

/** The rest-system config node: the settings it holds, or why they cannot be used (told to every node using it). */
export class RestSystemController {
  readonly target: RestTarget | undefined;
  readonly problem: string | undefined;

  constructor(node: Node<RestSystemCredentials>, config: RestSystemConfig) {
    try {
      this.target = restTargetOf(config, node.credentials ?? {});
    } catch (err) {
      this.problem = `rest-system ${config.name || config.system}: ${(err as Error).message}`;
      node.error(this.problem);
    }
  }
}

/** The settings behind a rest-system config node id, as user nodes look them up; a sentence when there are none. */
export function restTargetFor(RED: { nodes: { getNode(id: string): unknown } }, id: string | undefined): RestTarget | string {
  const node = id ? (RED.nodes.getNode(id) as { controller?: RestSystemController } | null) : null;
  if (!node?.controller) return "choose a rest-system config node";
  return node.controller.target ?? node.controller.problem ?? "the rest-system config node is not usable";
}
