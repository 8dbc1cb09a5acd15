import { readFileSync } from "node:fs";
import { join } from "node:path";
import express, { type Request, type Response } from "express";
import * as soap from "soap";
import { FaultSwitches } from "../faults";
import { demoManufacturer } from "../seed";
import type { SandboxContext, StandIn } from "../types";
import type { Customer } from "../../domain/master/types";
import { OPERATIONS, erpServices, type FaultRule, type Operation } from "./service";
import { ErpState } from "./state";

/**
 * The stand-in ERP: a SOAP 1.1 service (document/literal) described by erp.wsdl, served by the `soap` package.
 * `GET ?wsdl` gives the WSDL with its soap:address set to where it was asked, `POST` takes the calls. Besides the
 * fault switches every stand-in has, `PUT /_faultOn {operation, customer?, faultstring, faultcode?}` makes one
 * operation answer a SOAP Fault (for one customer, or for all) until `DELETE /_faultOn`.
 */

export const WSDL_FILE = join(__dirname, "erp.wsdl");
const WSDL_ADDRESS = /(<soap:address\s+location=")[^"]*(")/;

export function createErp(_ctx: SandboxContext, options: { seed?: string } = {}): StandIn {
  const wsdl = readFileSync(WSDL_FILE, "utf8");
  const books = new ErpState(() => demoManufacturer(options.seed));
  let rules: FaultRule[] = [];
  const today = () => new Date().toISOString().slice(0, 10);
  const server = new Promise<soap.Server>((resolve, reject) => {
    soap.listen(null, {
      path: "/",
      services: erpServices(books, () => rules, today),
      xml: wsdl,
      suppressStack: true,
      callback: (err: unknown, s: soap.Server) => (err ? reject(err as Error) : resolve(s)),
    } as soap.IServerOptions);
  });
  server.catch(() => undefined);
  const faults = new FaultSwitches();

  const router = express.Router();
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
  // changing the ERP's customers (a credit limit raised, a customer blocked), as its master data sync sees them
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
      res.json({ system: "erp", wsdl: `${address(req)}?wsdl`, operations: OPERATIONS });
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

  return {
    name: "erp",
    router,
    faults,
    faultAnswer: (res: Response, status: number, message: string) => res.status(status).type("text/xml; charset=utf-8").send(faultEnvelope("soap:Server", message)),
    async start() {
      await server;
    },
    state: () => ({ ...books.snapshot(), faultOn: rules }),
    reset() {
      books.reset();
      rules = [];
    },
  };
}

/** Where the service was asked: the WSDL's soap:address points there, whichever port or host the client used. */
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
