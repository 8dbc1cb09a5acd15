/**
 * Where the connected systems are. A flow names a system ("ERP", "TMS"), never a URL: its config node (`erp-system`,
 * `rest-system`) asks here at call time. In this order:
 * 1. the sandbox, while it is on: every system is its stand-in on the hub's own port (`/sandbox/<system>`), so a demo
 *    order can never reach a real system (and the start refuses a system URL set while the sandbox is not off);
 * 2. the environment override of the system (`ORDERHUB_ERP_WSDL`, `ORDERHUB_OA_URL`, …);
 * 3. the address the config node was given in the editor.
 */

export type SystemName = "erp" | "oa" | "crm" | "tms" | "wms" | "finance" | "plm";

export const SYSTEMS: readonly SystemName[] = ["erp", "oa", "crm", "tms", "wms", "finance", "plm"];

/** The environment variable overriding each system's address (WMS speaks AMQP on the hub's broker: none). */
export const SYSTEM_ENV: Readonly<Record<SystemName, string | undefined>> = {
  erp: "ORDERHUB_ERP_WSDL",
  oa: "ORDERHUB_OA_URL",
  crm: "ORDERHUB_CRM_URL",
  tms: "ORDERHUB_TMS_URL",
  finance: "ORDERHUB_FINANCE_URL",
  plm: "ORDERHUB_PLM_URL",
  wms: undefined,
};

let sandboxBase: string | undefined;

/** The hub calls this once it listens with the sandbox on (`http://127.0.0.1:<port>`), and with undefined when it stops. */
export function useSandbox(base: string | undefined): void {
  sandboxBase = base?.replace(/\/+$/, "");
}

/** The sandbox's base URL while it is on. */
export function sandboxOn(): string | undefined {
  return sandboxBase;
}

export class SystemAddressError extends Error {
  override name = "SystemAddressError";
}

export interface SystemAddress {
  /** For the ERP, its WSDL's URL; for the others, the base URL their paths are relative to. */
  url: string;
  /** Where it came from: the sandbox, the environment, the config node, or a company's master data. */
  from: "sandbox" | "environment" | "node" | "master-data";
}

/** The address of `system` now; throws SystemAddressError naming what to set when there is none. */
export function systemAddress(system: SystemName, configured?: string, env: Record<string, string | undefined> = process.env): SystemAddress {
  if (sandboxBase) return { url: system === "erp" ? `${sandboxBase}/sandbox/erp?wsdl` : `${sandboxBase}/sandbox/${system}`, from: "sandbox" };
  const variable = SYSTEM_ENV[system];
  const fromEnv = variable ? env[variable]?.trim() : undefined;
  if (fromEnv) return { url: fromEnv, from: "environment" };
  if (configured?.trim()) return { url: configured.trim(), from: "node" };
  throw new SystemAddressError(
    `${system.toUpperCase()} has no address: set ${variable ?? "its address in the system's config node"}` +
      `${variable ? " or the address in its config node" : ""}, or run with ORDERHUB_SANDBOX=on`,
  );
}

/**
 * The ERP of a company of the group (master data `companies`, for inter-company documents): while the sandbox is on,
 * the company's own book in the stand-in ERP (`/sandbox/erp/companies/<id>`); else the WSDL address the company's
 * record gives; else undefined, and the call goes to the hub's own ERP.
 */
export function companyErpAddress(company: { id: string; erp?: string }): SystemAddress | undefined {
  if (sandboxBase) return { url: `${sandboxBase}/sandbox/erp/companies/${encodeURIComponent(company.id)}?wsdl`, from: "sandbox" };
  if (company.erp?.trim()) return { url: company.erp.trim(), from: "master-data" };
  return undefined;
}
