import { SoapFaultError, type OperationRef } from "../../connectors/soap";
import type { Company } from "../../domain/master/types";
import { soapCallDuration, soapCallsTotal } from "../../observability/metrics";
import { getMasterData } from "../../runtime/master-data";
import { companyErpAddress, SystemAddressError } from "../../runtime/systems";
import { erpSystemOf } from "../erp-system/controller";
import { releaseOutbox } from "../shared/outbox";
import { deliveryState, stillWorking } from "../shared/settlement";
import { failing } from "../shared/status";
import type { DoneFn, HubMessage, Node, NodeAPI, NodeDef, SendFn } from "../shared/types";

export interface SoapCallConfig extends NodeDef {
  /** The erp-system config node. */
  system: string;
  service: string;
  port: string;
  operation: string;
}

/** The operation the config names, or what is missing. */
export function operationOf(config: SoapCallConfig): OperationRef | string {
  const missing = (["service", "port", "operation"] as const).filter((k) => !config[k]?.trim());
  if (missing.length) return `choose the ${missing.join(", ")} (from the ERP's WSDL in the editor)`;
  return { service: config.service.trim(), port: config.port.trim(), operation: config.operation.trim() };
}

/** What a call's arguments may be: msg.payload as an object (an empty call: {} or nothing). */
export function argsOf(msg: HubMessage, operation: string): Record<string, unknown> | string {
  const p = msg.payload;
  if (p === undefined || p === null || p === "") return {};
  if (typeof p === "object" && !Array.isArray(p) && !Buffer.isBuffer(p)) return p as Record<string, unknown>;
  const is = Buffer.isBuffer(p) ? "a Buffer" : Array.isArray(p) ? "an array" : `a ${typeof p}`;
  return `operation ${operation}: msg.payload must be an object with the operation's arguments (is ${is})`;
}

/**
 * Where the call goes: the ERP of the company `msg.company` names (a company of the group in master data: inter-company
 * documents go to each side's own ERP), else the erp-system's address. An address that cannot be had is a
 * SystemAddressError naming what to set.
 */
async function addressFor(msg: HubMessage, erp: NonNullable<ReturnType<typeof erpSystemOf>>): Promise<string> {
  const id = msg.company;
  if (id !== undefined && id !== null && id !== "") {
    if (typeof id !== "string") throw new SystemAddressError(`msg.company must be a company id (is ${JSON.stringify(id)})`);
    const master = getMasterData();
    await master.ready();
    const company = (master.records("companies") as Company[]).find((c) => c.id === id);
    if (!company) throw new SystemAddressError(`company ${id} is not a company of the group (master data: companies), so its ERP is unknown`);
    const own = companyErpAddress(company);
    if (own) return own.url;
  }
  return erp.address().url;
}

/**
 * soap-call: calls an operation of the ERP (the erp-system config node) with msg.payload as its arguments and sends
 * the message on with the answer in msg.payload. It settles nothing itself: the node after it acknowledges. On a SOAP
 * fault (not retried) or when the retries are exhausted, it fails the message with a sentence naming the operation,
 * faultcode and faultstring, so a `catch` → `dead-letter` dead-letters the source message with that reason.
 */
export class SoapCallController {
  private readonly aborter = new AbortController();
  private closing = false;
  private calls = 0;
  private failures = 0;
  private lastFault: string | undefined;
  private lastFailed = false;

  constructor(
    RED: NodeAPI,
    private readonly node: Node,
    config: SoapCallConfig,
  ) {
    const erp = erpSystemOf(RED, config.system);
    const ref = operationOf(config);
    const problem = !erp ? "choose an erp-system config node" : erp.problem ? `erp-system ${erp.label}: ${erp.problem}` : typeof ref === "string" ? ref : undefined;
    if (problem || !erp || typeof ref === "string") {
      failing(node, problem ?? "misconfigured");
      node.error(`soap-call: ${problem}`);
      node.on("input", (_m: object, _s: SendFn, done: DoneFn) => done(new Error(`soap-call: ${problem}`)));
      return;
    }
    node.status({ fill: "grey", shape: "ring", text: `${ref.operation}: no calls yet` });
    node.on("input", (m: object, send: SendFn, done: DoneFn) => this.input(m as HubMessage, erp, ref, send, done));
    node.on("close", (_removed: boolean, done: () => void) => {
      this.closing = true;
      this.aborter.abort();
      done();
    });
  }

  private input(msg: HubMessage, erp: NonNullable<ReturnType<typeof erpSystemOf>>, ref: OperationRef, send: SendFn, done: DoneFn): void {
    const system = erp.label;
    const started = process.hrtime.bigint();
    const finished = (outcome: "ok" | "fault" | "failed") => {
      soapCallsTotal.inc({ system, operation: ref.operation, outcome });
      soapCallDuration.observe({ system, operation: ref.operation, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    const args = argsOf(msg, ref.operation);
    if (typeof args === "string") return this.fail(msg, new Error(`soap-call: ${system} ${args}`), done);
    this.calls++;
    addressFor(msg, erp)
      .then((address) =>
        erp.system.call(address, ref, args, {
        signal: this.aborter.signal,
        onRetry: (attempt, reason, delayMs) => {
          soapCallsTotal.inc({ system, operation: ref.operation, outcome: "retried" });
          stillWorking(msg);
          this.node.status({ fill: "yellow", shape: "ring", text: `${ref.operation}: ${reason.slice(0, 30)}; retry ${attempt} in ${Math.round(delayMs / 100) / 10} s` });
        },
        }),
      )
      .then(
        ({ result }) => {
          finished("ok");
          this.lastFailed = false;
          msg.payload = result;
          this.showCounts();
          send(msg);
          done();
        },
        (err: Error) => {
          if (err instanceof SystemAddressError) {
            finished("failed");
            return this.fail(msg, new Error(`soap-call: ${system} operation ${ref.operation}: ${err.message}`), done);
          }
          const fault = err instanceof SoapFaultError;
          finished(fault ? "fault" : "failed");
          this.failures++;
          this.lastFailed = true;
          if (fault) this.lastFault = `${err.faultcode}: ${err.faultstring}`;
          // the error names the system, the operation and (for a fault) its faultcode and faultstring
          const failure = new Error(`soap-call: ${err.message}`);
          if (fault) Object.assign(failure, { faultcode: err.faultcode, faultstring: err.faultstring });
          this.fail(msg, failure, done);
        },
      );
  }

  private fail(msg: HubMessage, err: Error, done: DoneFn): void {
    if (msg._outbox) releaseOutbox(msg._outbox);
    // closing, or the inbound message's channel is gone: the broker delivers it again, so this attempt just ends
    if (this.closing || deliveryState(msg) === "gone") return done();
    this.showCounts();
    done(err);
  }

  /** Calls and failures so far, and the last SOAP fault (red while the last call failed). */
  private showCounts(): void {
    if (this.closing) return;
    const parts = [`${this.calls} call${this.calls === 1 ? "" : "s"}`, ...(this.failures ? [`${this.failures} failed`] : []), ...(this.lastFault ? [this.lastFault] : [])];
    const text = parts.join(" · ");
    this.node.status({ fill: this.lastFailed ? "red" : "green", shape: "dot", text: text.length > 80 ? `${text.slice(0, 77)}...` : text });
  }
}
