import { SoapSystem, type SoapOperation } from "../../connectors/soap";
import { systemAddress, type SystemAddress } from "../../runtime/systems";
import type { Node, NodeDef } from "../shared/types";

export interface ErpSystemConfig extends NodeDef {
  /** The WSDL's address as given in the editor: an http(s) URL or a file path. The sandbox and ORDERHUB_ERP_WSDL come first. */
  wsdl?: string;
  /** Seconds per attempt. */
  timeout?: string | number;
  /** Attempts after the first, for no answer, a timeout, a reset or an HTTP 5xx without a SOAP fault. */
  retries?: string | number;
  passwordType?: "PasswordText" | "PasswordDigest";
}

export interface ErpSystemCredentials {
  user?: string;
  password?: string;
}

const number = (value: unknown, fallback: number) => (value === undefined || value === "" || !Number.isFinite(Number(value)) ? fallback : Number(value));

/** What is wrong with the config, or undefined. */
export function problemOf(config: ErpSystemConfig): string | undefined {
  const timeout = number(config.timeout, 30);
  if (!(timeout > 0)) return `timeout must be a positive number of seconds (is "${config.timeout}")`;
  const retries = number(config.retries, 3);
  if (!(retries >= 0) || !Number.isInteger(retries)) return `retries must be a whole number, 0 or more (is "${config.retries}")`;
  if (config.passwordType && config.passwordType !== "PasswordText" && config.passwordType !== "PasswordDigest") {
    return `password type must be PasswordText or PasswordDigest (is "${config.passwordType}")`;
  }
  return undefined;
}

/**
 * erp-system: the ERP as the flows know it. Its WSDL address is resolved at each call (`systemAddress("erp", …)`:
 * the sandbox, then ORDERHUB_ERP_WSDL, then the address given here); the SOAP client of each resolved address is
 * loaded once and kept while the node lives, with the node's WS-Security UsernameToken.
 */
export class ErpSystemController {
  readonly system: SoapSystem;
  readonly problem: string | undefined;

  constructor(
    private readonly node: Node,
    private readonly config: ErpSystemConfig,
    creds: ErpSystemCredentials,
  ) {
    this.problem = problemOf(config);
    this.system = new SoapSystem({
      name: config.name?.trim() || "ERP",
      timeoutMs: Math.round(number(config.timeout, 30) * 1000),
      retries: number(config.retries, 3),
      user: creds.user?.trim() || undefined,
      password: creds.password ?? "",
      passwordType: config.passwordType || "PasswordText",
    });
    if (this.problem) node.error(`erp-system: ${this.problem}`);
  }

  get label(): string {
    return this.system.options.name;
  }

  /** Where the WSDL is now; throws SystemAddressError naming what to set when nowhere. */
  address(): SystemAddress {
    return systemAddress("erp", this.config.wsdl);
  }

  async operations(): Promise<{ wsdl: string; from: SystemAddress["from"]; operations: SoapOperation[] }> {
    const { url, from } = this.address();
    return { wsdl: url, from, operations: await this.system.operations(url) };
  }
}

/** The controller of the erp-system config node `id`, when it is deployed. */
export function erpSystemOf(RED: { nodes: { getNode(id: string): unknown } }, id: string | undefined): ErpSystemController | undefined {
  if (!id) return undefined;
  const node = RED.nodes.getNode(id) as { controller?: ErpSystemController } | null;
  return node?.controller instanceof ErpSystemController ? node.controller : undefined;
}
