import { readFileSync } from "node:fs";
import { join } from "node:path";
import express, { type Response } from "express";
import { FaultSwitches } from "../faults";
import { demoManufacturer } from "../seed";
import type { SandboxContext, StandIn } from "../types";
import { erpBook, faultEnvelope, type ErpBook } from "./book";
import { companySeed, demoGroup, homeSeed } from "./group";
import { ErpState } from "./state";

export { faultEnvelope } from "./book";

/**
 * The stand-in ERP: a SOAP 1.1 service (document/literal) described by erp.wsdl, served by the `soap` package, one
 * per company of the group (book.ts). `/sandbox/erp` is the home company's ERP (the demo manufacturer's books);
 * `/sandbox/erp/companies/<id>` a company's own ERP, with books of its own created on first use (the demo's items,
 * prices, warehouses and stock, and the group's other companies as customers; group.ts), the home company's id
 * answering from the main books. Each answers the same WSDL and operations, and has its own `_state`, `_reset`,
 * `_faultOn`, `_customers`; the fault switches (`_faults`) are the whole ERP's, and `/sandbox/erp/_reset` forgets
 * every company's books.
 */

export const WSDL_FILE = join(__dirname, "erp.wsdl");
/** A company id as a path segment can carry it (DE01, PL01, ACME-US). */
const COMPANY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

export function createErp(_ctx: SandboxContext, options: { seed?: string } = {}): StandIn {
  const wsdl = readFileSync(WSDL_FILE, "utf8");
  const group = demoGroup();
  const main = erpBook(group.home, new ErpState(() => homeSeed(demoManufacturer(options.seed), group)), wsdl, group);
  const companies = new Map<string, ErpBook>();
  const bookOf = (id: string): ErpBook => {
    if (id === group.home) return main;
    let book = companies.get(id);
    if (!book) {
      book = erpBook(id, new ErpState(() => companySeed(demoManufacturer(options.seed), group, id)), wsdl, group);
      companies.set(id, book);
    }
    return book;
  };
  const faults = new FaultSwitches();

  const router = express.Router();
  router.use("/companies/:company", (req, res, next) => {
    const id = req.params.company;
    if (!COMPANY_ID.test(id)) {
      res.status(404).json({ error: `company: "${id}" is not a company id (letters, digits, "-", "_", ".")` });
      return;
    }
    bookOf(id).router(req, res, next);
  });
  router.use(main.router);

  return {
    name: "erp",
    router,
    faults,
    faultAnswer: (res: Response, status: number, message: string) => res.status(status).type("text/xml; charset=utf-8").send(faultEnvelope("soap:Server", message)),
    async start() {
      await main.ready;
    },
    state: () => ({ ...main.state(), companies: [...companies.keys()] }),
    reset() {
      main.reset();
      companies.clear();
    },
  };
}
