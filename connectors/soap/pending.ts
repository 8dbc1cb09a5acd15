import { SoapFault } from "./server";

/**
 * SOAP requests waiting for their flow. Node-RED clones a message that goes down more than one wire, so the HTTP
 * exchange cannot ride on `msg`: the message carries only its id (`msg._soapRequest`), and whoever answers (the
 * `soap-response` node, or the endpoint on a flow error or a timeout) finds the waiting request here. The first answer
 * wins; later ones find nothing.
 */
interface Waiting {
  resolve(result: unknown): void;
  reject(fault: SoapFault): void;
  timer: NodeJS.Timeout;
  operation: string;
}

export class PendingSoapRequests {
  private readonly waiting = new Map<string, Waiting>();
  private seq = 0;

  /** A new waiting request of node `owner`; its promise settles with the answer, or a Fault after `timeoutMs`. */
  open(owner: string, operation: string, timeoutMs: number): { id: string; answer: Promise<unknown> } {
    const id = `${owner}:${++this.seq}`;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fault(id, new SoapFault("soap:Server", `the hub's flow did not answer operation ${operation} within ${Math.round(timeoutMs / 100) / 10} s`)),
        timeoutMs,
      );
      this.waiting.set(id, { resolve, reject, timer, operation });
    });
    return { id, answer };
  }

  /** Answers the request; false when it is not waiting (answered already, timed out, or not a SOAP request). */
  answer(id: string, result: unknown): boolean {
    const w = this.take(id);
    w?.resolve(result);
    return w !== undefined;
  }

  fault(id: string, fault: SoapFault): boolean {
    const w = this.take(id);
    w?.reject(fault);
    return w !== undefined;
  }

  has(id: string): boolean {
    return this.waiting.has(id);
  }

  operationOf(id: string): string | undefined {
    return this.waiting.get(id)?.operation;
  }

  /** A node stopping: its requests still waiting are answered with a Fault saying so. */
  closeOwner(owner: string, why: string): void {
    for (const id of [...this.waiting.keys()]) if (id.startsWith(`${owner}:`)) this.fault(id, new SoapFault("soap:Server", why));
  }

  get size(): number {
    return this.waiting.size;
  }

  private take(id: string): Waiting | undefined {
    const w = this.waiting.get(id);
    if (!w) return undefined;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    return w;
  }
}

/** The process's waiting SOAP requests (every soap-endpoint and soap-response node shares them). */
export const soapRequests = new PendingSoapRequests();
