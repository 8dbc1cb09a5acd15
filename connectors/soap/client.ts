import * as soap from "soap";
import { backoffDelay } from "../amqp/backoff";
import { waitUnlessAborted } from "../transport";
import { SoapCallError, SoapFaultError, classifySoapError } from "./errors";
import { keepAliveAgents } from "../http-agents";

/** One operation of a WSDL, as the editor offers it: service → port → operation, with its input and output shapes. */
export interface SoapOperation {
  service: string;
  port: string;
  operation: string;
  input?: unknown;
  output?: unknown;
}

export type OperationRef = Pick<SoapOperation, "service" | "port" | "operation">;

export interface SoapSystemOptions {
  /** The system's name, for messages ("ERP"). */
  name: string;
  /** Per attempt, for loading the WSDL and for each call. */
  timeoutMs: number;
  /** Attempts after the first, for failures worth trying again. */
  retries: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** WS-Security UsernameToken: sent with every call when `user` is set. */
  user?: string;
  password?: string;
  passwordType?: "PasswordText" | "PasswordDigest";
}

export interface CallOptions {
  /** Told before each wait: the attempt that failed (1 = the first), why, and how long it waits. */
  onRetry?(attempt: number, reason: string, delayMs: number): void;
  /** Stops the call and its retries (a node closing). */
  signal?: AbortSignal;
}

export interface CallAnswer {
  result: unknown;
  attempts: number;
}

type Callback = (err: unknown, result: unknown) => void;
type SoapMethod = (args: unknown, cb: Callback, options?: Record<string, unknown>) => void;

/** Loads a WSDL (an http(s) URL or a file path) and makes a client of it. No cache: see SoapSystem. */
export async function loadWsdl(address: string, timeoutMs: number): Promise<soap.Client> {
  return soap.createClientAsync(address, { disableCache: true, wsdl_options: { timeout: timeoutMs } });
}

/** Every service, port and operation a WSDL offers, in the WSDL's order. */
export function operationsOf(client: soap.Client): SoapOperation[] {
  const described = client.describe() as Record<string, Record<string, Record<string, { input?: unknown; output?: unknown }>>>;
  const list: SoapOperation[] = [];
  for (const [service, ports] of Object.entries(described)) {
    for (const [port, operations] of Object.entries(ports)) {
      for (const [operation, shape] of Object.entries(operations)) list.push({ service, port, operation, input: shape?.input, output: shape?.output });
    }
  }
  return list;
}

function methodOf(client: soap.Client, ref: OperationRef, address: string): SoapMethod {
  const services = client as unknown as Record<string, Record<string, Record<string, SoapMethod>> | undefined>;
  const method = services[ref.service]?.[ref.port]?.[ref.operation];
  if (typeof method === "function") return method;
  const offered = operationsOf(client).map((o) => `${o.service}/${o.port}/${o.operation}`);
  throw new SoapCallError(
    `the WSDL at ${address} has no operation ${ref.service}/${ref.port}/${ref.operation} (it offers ${offered.length ? offered.join(", ") : "none"})`,
    false,
    undefined,
  );
}

/**
 * A SOAP system as a config node knows it: its clients (one per WSDL address it was resolved to, loaded once and kept
 * while the node lives), its timeout, retries and WS-Security. The address is given at each call, so an environment
 * override or the sandbox counts from the next call on.
 */
export class SoapSystem {
  private readonly clients = new Map<string, Promise<soap.Client>>();

  constructor(readonly options: SoapSystemOptions) {}

  /** The client for a WSDL address: loaded on first use; a load that failed is tried again on the next call. */
  client(address: string): Promise<soap.Client> {
    let client = this.clients.get(address);
    if (!client) {
      client = loadWsdl(address, this.options.timeoutMs).then((c) => {
        if (this.options.user) {
          c.setSecurity(new soap.WSSecurity(this.options.user, this.options.password ?? "", { passwordType: this.options.passwordType ?? "PasswordText" }));
        }
        return c;
      });
      this.clients.set(address, client);
      client.catch(() => this.clients.get(address) === client && this.clients.delete(address));
    }
    return client;
  }

  async operations(address: string): Promise<SoapOperation[]> {
    return operationsOf(await this.client(address));
  }

  /**
   * Calls an operation with `args` and resolves with its answer. No answer, a timeout, a reset or an HTTP 5xx
   * without a SOAP fault is tried again after an exponential backoff with jitter, `retries` times; a SOAP fault fails
   * at once as a SoapFaultError (faultcode, faultstring), anything else as a SoapCallError.
   */
  async call(address: string, ref: OperationRef, args: unknown, opts: CallOptions = {}): Promise<CallAnswer> {
    const { name, timeoutMs } = this.options;
    const retries = Math.max(0, this.options.retries);
    const what = `${name} operation ${ref.operation}`;
    for (let n = 0; ; n++) {
      const timer = new AbortController();
      let timedOut = false;
      const timeout = setTimeout(() => {
        timedOut = true;
        timer.abort();
      }, timeoutMs);
      const stop = () => timer.abort();
      opts.signal?.addEventListener("abort", stop, { once: true });
      try {
        const client = await Promise.race([this.client(address), aborted(timer.signal)]);
        const method = methodOf(client, ref, address);
        const result = await new Promise<unknown>((resolve, reject) => {
          method(args, (err, answer) => (err ? reject(err) : resolve(answer)), { timeout: timeoutMs, signal: timer.signal, ...keepAliveAgents });
        });
        return { result, attempts: n + 1 };
      } catch (err) {
        if (err instanceof SoapCallError) throw err;
        const failure = classifySoapError(err, timeoutMs, timedOut);
        const tries = n === 0 ? "" : ` (after ${n + 1} attempts)`;
        if (failure.kind === "fault") {
          throw new SoapFaultError(`${what} answered SOAP fault ${failure.faultcode}: ${failure.faultstring}${tries}`, failure.faultcode, failure.faultstring, failure.detail, failure.status, n + 1);
        }
        const stopped = opts.signal?.aborted === true;
        if (!failure.retryable || n >= retries || stopped) {
          throw new SoapCallError(`${what} at ${address} failed: ${failure.reason}${tries}`, failure.retryable, failure.status, n + 1);
        }
        const delay = backoffDelay(n, this.options.initialDelayMs ?? 500, this.options.maxDelayMs ?? 8000);
        opts.onRetry?.(n + 1, failure.reason, delay);
        await waitUnlessAborted(delay, opts.signal);
        if (opts.signal?.aborted) throw new SoapCallError(`${what} at ${address}: stopped while waiting to try again (the last attempt got ${failure.reason})`, true, failure.status, n + 1);
      } finally {
        clearTimeout(timeout);
        opts.signal?.removeEventListener("abort", stop);
      }
    }
  }
}

/** Rejects when the signal fires: a WSDL still loading counts against the attempt's timeout. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(Object.assign(new Error("cancelled"), { code: "ERR_CANCELED" }));
    if (signal.aborted) return fail();
    signal.addEventListener("abort", fail, { once: true });
  });
}
