import type { Request, Response } from "express";
import { loadWsdl, operationsOf } from "../../connectors/soap";
import { erpSystemOf } from "../erp-system/controller";
import type { NodeAPI } from "../shared/types";

/** How long the editor waits for a WSDL to load. */
const LOAD_TIMEOUT_MS = 15_000;

/**
 * GET <admin>/orderhub/soap/operations?system=<erp-system id> (a deployed config node: its address as a call would
 * resolve it) or ?wsdl=<URL or file> (a config node not deployed yet): {wsdl, from, operations: [{service, port,
 * operation, input, output}]} for the soap-call editor's drop-downs; 400 naming the problem otherwise.
 */
export function operationsRoute(RED: NodeAPI) {
  return async (req: Request, res: Response) => {
    const system = typeof req.query.system === "string" ? req.query.system : undefined;
    const wsdl = typeof req.query.wsdl === "string" ? req.query.wsdl.trim() : undefined;
    try {
      if (system) {
        const erp = erpSystemOf(RED, system);
        if (!erp) {
          res.status(404).json({ error: `erp-system ${system} is not deployed: deploy it, or ask with ?wsdl=<its WSDL address>` });
          return;
        }
        res.json(await erp.operations());
        return;
      }
      if (!wsdl) {
        res.status(400).json({ error: "say which WSDL: ?system=<erp-system node id> or ?wsdl=<URL or file path>" });
        return;
      }
      res.json({ wsdl, from: "node", operations: operationsOf(await loadWsdl(wsdl, LOAD_TIMEOUT_MS)) });
    } catch (err) {
      res.status(400).json({ error: `the WSDL could not be read: ${(err as Error).message}` });
    }
  };
}
