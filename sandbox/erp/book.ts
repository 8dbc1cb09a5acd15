import express, { type Request, type Router } from "express";
import * as soap from "soap";
import type { Customer } from "../../domain/master/types";
import type { DemoGroup } from "./group";
import { OPERATIONS, erpServices, type FaultRule, type Operation } from "./service";
import type { ErpState } from "./state";

/**
 * One company's ERP: its books (state.ts) behind the SOAP port (service.ts), with the routes that serve them where the
 * router is mounted: `GET ?wsdl` the WSDL with its soap:address set to where it was asked, `POST` the calls,
 * `GET`·`PUT`·`DELETE /_faultOn` (an operation answering a SOAP Fault, for one customer or for all, until cleared),
 * `PUT /_customers` (the ERP's customers changed as its master data sync sees them), `GET /_state`, `POST /_reset`.
 */

export interface ErpBook {
  /** The company whose books these are. */
  readonly company: string;
  readonly books: ErpState;
  readonly router: Router;
  /** Settles once the SOAP service has read its WSDL. */
  readonly ready: Promise<unknown>;
  state(): object;
  reset(): void;
}

const WSDL_ADDRESS = /(<soap:address\s+location=")[^"]*(")/;

export function erpBook(company: string, books: ErpState, wsdl: string, group: DemoGroup): ErpBook {
  let rules: FaultRule[] = [];
  const today = () => new Date().toISOString().slice(0, 10);
  const server = new Promise<soap.Server>((resolve, reject) => {
    soap.listen(null, {
      path: "/",
      services: erpServices(books, () => rules, today, group),
      xml: wsdl,
      suppressStack: true,
      callback: (err: unknown, s: soap.Server) => (err ? reject(err as Error) : resolve(s)),
    } as soap.IServerOptions);
  });
  server.catch(() => undefined);
  const state = () => ({ company, ...books.snapshot(), faultOn: rules });
  const reset = () => {
    books.reset();
    rules = [];
  };

  const router = express.Router();
  // at /sandbox/erp the sandbox answers /_state and /_reset first, for the whole ERP (every company's books)
  router.get("/_state", (_req, res) => res.json(state()));
  router.post("/_reset", (_req, res) => {
    reset();
    res.json({ reset: "erp", company });
  });
  router.get("/_faultOn", (_req, res) => res.json(rules));
  router.put("/_faultOn", express.json(), (req, res) => {
    try {
      const rule = faultRule(req.body);
      rules = [...rules.filter((r) => !(r.operation === rule.operation && r.customer === rule.customer)), rule];
      res.json(rules);
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });
  router.delete("/_faultOn", (_req, res) => {
    rules = [];
    res.json(rules);
  });
  router.put("/_customers", express.json(), (req, res) => {
    const list = Array.isArray(req.body) ? (req.body as unknown[]) : [req.body];
    const bad = list.findIndex((c) => !c || typeof c !== "object" || typeof (c as { id?: unknown }).id !== "string" || (c as { id: string }).id === "");
    if (bad >= 0) {
      res.status(400).json({ error: `[${bad}].id: each customer needs its customer number as a string` });
      return;
    }
    res.json({ customers: books.putCustomers(list as Customer[]) });
  });
  router.get("/", (req, res) => {
    if (!Object.keys(req.query).some((k) => k.toLowerCase() === "wsdl")) {
      res.json({ system: "erp", company, wsdl: `${address(req)}?wsdl`, operations: OPERATIONS });
      return;
    }
    res.type("application/xml").send(wsdl.replace(WSDL_ADDRESS, `$1${address(req)}$2`));
  });
  router.post("/", express.text({ type: () => true, limit: "10mb" }), async (req, res) => {
    const xml = typeof req.body === "string" ? req.body : "";
    const answer = await (await server).processRequest(xml, { url: "/", headers: req.headers as Record<string, string> });
    // the soap package answers a request it cannot parse with a fault of its own (faultcode 500): the ERP's is soap:Client
    const unreadable = !answer.body.includes("Envelope") || answer.body.includes("<faultcode>500</faultcode>");
    const body = unreadable ? faultEnvelope("soap:Client", `the request is not a SOAP message the ERP can read: ${unreadableReason(answer.body)}`) : answer.body;
    res.status(answer.statusCode).type("text/xml; charset=utf-8").send(body);
  });

  return { company, books, router, ready: server, state, reset };
}

/** Where the service was asked: the WSDL's soap:address points there, whichever port, host or company path the client used. */
function address(req: Request): string {
  return `${req.protocol}://${req.get("host") ?? "127.0.0.1"}${req.baseUrl}`;
}

function faultRule(body: unknown): FaultRule {
  const b = (body ?? {}) as Record<string, unknown>;
  if (!OPERATIONS.includes(b.operation as Operation)) throw new Error(`operation: must be one of ${OPERATIONS.join(", ")} (is ${JSON.stringify(b.operation)})`);
  if (typeof b.faultstring !== "string" || b.faultstring.trim() === "") throw new Error("faultstring: must be the fault's text");
  if (b.customer !== undefined && typeof b.customer !== "string") throw new Error("customer: must be a customer number");
  const faultcode = b.faultcode ?? "soap:Client";
  if (faultcode !== "soap:Client" && faultcode !== "soap:Server") throw new Error("faultcode: must be soap:Client or soap:Server");
  return { operation: b.operation as Operation, customer: b.customer as string | undefined, faultcode, faultstring: b.faultstring };
}

function unreadableReason(body: string): string {
  const detail = /<detail>([\s\S]*?)<\/detail>/.exec(body)?.[1] ?? /<faultstring>([\s\S]*?)<\/faultstring>/.exec(body)?.[1] ?? body;
  return detail.replace(/&#xA;/g, " ").replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim().slice(0, 200);
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function faultEnvelope(faultcode: string, faultstring: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
    `<soap:Fault><faultcode>${faultcode}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring></soap:Fault></soap:Body></soap:Envelope>`
  );
}
