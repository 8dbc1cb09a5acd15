import express, { type Request, type RequestHandler, type Response } from "express";
import * as soap from "soap";

/**
 * Serving a WSDL: the soap package parses each request against the WSDL and builds the answer's envelope (its
 * serverless `processRequest`), and an Express handler feeds it the requests that reach the route. The operation
 * itself is `handler`: whatever it resolves with is the answer, a SoapFault it rejects with is answered as a Fault.
 */

export interface SoapRequest {
  service: string;
  port: string;
  operation: string;
  /** The request's body element, as the soap package reads it into an object. */
  args: unknown;
  /** The SOAP header, when the request has one. */
  headers: unknown;
}

/** A Fault to answer (SOAP 1.1: faultcode and faultstring, `soap:Server` or `soap:Client` most often). */
export class SoapFault extends Error {
  override name = "SoapFault";
  constructor(
    readonly faultcode: string,
    readonly faultstring: string,
    readonly detail?: unknown,
    readonly status = 500,
  ) {
    super(`${faultcode}: ${faultstring}`);
  }
}

export type SoapHandler = (request: SoapRequest) => Promise<unknown>;

export interface SoapService {
  /** The Express handler for GET ?wsdl and POST. */
  readonly handle: RequestHandler;
  readonly operations: Array<{ service: string; port: string; operation: string }>;
}

const MAX_BODY = "10mb";

/** Each `{service}.{port}.{operation}` the soap server asks for becomes a call of `handler`. */
function servicesFor(handler: SoapHandler): soap.IServices {
  const level = <T>(make: (key: string) => T) => new Proxy({}, { get: (_t, key) => (typeof key === "string" ? make(key) : undefined) });
  return level((service) =>
    level((port) =>
      level((operation) => (args: unknown, _cb: unknown, headers: unknown) =>
        handler({ service, port, operation, args, headers }).catch((err: unknown) => {
          const fault = err instanceof SoapFault ? err : new SoapFault("soap:Server", (err as Error)?.message ?? String(err));
          throw { Fault: { faultcode: fault.faultcode, faultstring: fault.faultstring, ...(fault.detail === undefined ? {} : { detail: fault.detail }), statusCode: fault.status } };
        }),
      ),
    ),
  ) as soap.IServices;
}

/** The WSDL with its soap:address locations pointing at where it is served. */
export function wsdlServedAt(wsdl: string, location: string): string {
  return wsdl.replace(/(<(?:[\w.-]+:)?address\b[^>]*?\blocation=")[^"]*(")/g, (_m, head: string, tail: string) => `${head}${location.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}${tail}`);
}

/** Parses the WSDL (an error names what is wrong with it) and returns the handler that serves it. */
export async function soapService(wsdl: string, handler: SoapHandler): Promise<SoapService> {
  const server = await new Promise<soap.Server>((resolve, reject) => {
    const made: soap.Server = soap.listen(null, {
      path: "/",
      services: servicesFor(handler),
      xml: wsdl,
      callback: (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(made)),
    } as soap.IServerOptions);
  });
  const definitions = (server as unknown as { wsdl: { definitions: { services: Record<string, { ports: Record<string, { binding: { methods: Record<string, unknown> } }> }> } } }).wsdl.definitions;
  const operations = Object.entries(definitions.services).flatMap(([service, s]) =>
    Object.entries(s.ports).flatMap(([port, p]) => Object.keys(p.binding.methods).map((operation) => ({ service, port, operation }))),
  );
  const raw = express.raw({ type: () => true, limit: MAX_BODY });
  const answer = async (req: Request, res: Response) => {
    if (req.method === "GET") {
      if (!/^\?wsdl\b/i.test(new URL(req.originalUrl, "http://hub").search)) {
        res.status(404).type("text/plain").send(`GET ${req.originalUrl}: this is a SOAP endpoint; its WSDL is at ?wsdl, calls are POSTed`);
        return;
      }
      const self = `${req.protocol}://${req.get("host") ?? "localhost"}${req.originalUrl.split("?")[0]}`;
      res.type("application/xml").send(wsdlServedAt(wsdl, self));
      return;
    }
    const body = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : typeof req.body === "string" ? req.body : "";
    if (!body.trim()) {
      res.status(400).type("text/plain").send(`POST ${req.originalUrl}: the request has no body; a SOAP envelope was expected`);
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === "string"));
    const out = await server.processRequest(body, { url: req.originalUrl, method: "POST", headers });
    res.status(out.statusCode);
    res.type(typeof out.headers["content-type"] === "string" ? out.headers["content-type"] : "text/xml; charset=utf-8");
    res.send(out.body);
  };
  const handle: RequestHandler = (req, res, next) => {
    if (req.method !== "GET" && req.method !== "POST") {
      res.status(405).set("allow", "GET, POST").end();
      return;
    }
    const go = () => answer(req, res).catch(next);
    if (req.method === "POST") raw(req, res, (err?: unknown) => (err ? next(err) : void go()));
    else void go();
  };
  return { handle, operations };
}
