import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import express from "express";
import * as soap from "soap";

export const ERP_WSDL_FILE = join(__dirname, "../fixtures/soap/erp.wsdl");

export interface ErpCall {
  operation: string;
  args: Record<string, unknown>;
  /** The SOAP header as the soap package read it (WS-Security's UsernameToken under Security). */
  headers: Record<string, unknown> | undefined;
}

/**
 * A stand-in ERP for the SOAP tests: the soap package's own server (`soap.listen` on an Express app on a local port)
 * with the fixture WSDL. CreateSalesOrder answers `SO-<orderNumber>`; customer UNKNOWN gets a SOAP fault (soap:Client);
 * customer SLOW is answered after `slowMs`. `failNext(n, status)` makes the next n requests (WSDL or calls) fail
 * with that HTTP status and an HTML page, before the soap server sees them.
 */
export interface StandInErp {
  /** The WSDL's URL (`…/erp?wsdl`). */
  wsdlUrl: string;
  /** The service's address. */
  url: string;
  /** What the service got (calls that reached the soap server). */
  calls: ErpCall[];
  /** Every HTTP request, the failed ones included: "GET ?wsdl", "POST" */
  requests: string[];
  failNext(count: number, status?: number): void;
  slowMs: number;
  close(): Promise<void>;
}

export async function startErp(): Promise<StandInErp> {
  const app = express();
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp`;
  const calls: ErpCall[] = [];
  const requests: string[] = [];
  let failures = 0;
  let failStatus = 503;
  const erp: StandInErp = {
    wsdlUrl: `${url}?wsdl`,
    url,
    calls,
    requests,
    failNext(count, status = 503) {
      failures = count;
      failStatus = status;
    },
    slowMs: 2000,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  app.use("/erp", (req, res, next) => {
    requests.push(req.method === "GET" ? `GET ${req.url.includes("?wsdl") ? "?wsdl" : req.url}` : req.method);
    if (failures > 0) {
      failures--;
      res.status(failStatus).type("text/html").send(`<html><body><h1>${failStatus}</h1>the ERP is not available</body></html>`);
      return;
    }
    next();
  });
  const record = (operation: string) => (args: Record<string, unknown>, _cb: unknown, headers: Record<string, unknown> | undefined) => {
    calls.push({ operation, args, headers });
    return args;
  };
  const services = {
    ErpService: {
      ErpPort: {
        CreateSalesOrder: async (args: Record<string, unknown>, cb: unknown, headers: Record<string, unknown> | undefined) => {
          record("CreateSalesOrder")(args, cb, headers);
          if (args.customer === "UNKNOWN") {
            throw { Fault: { faultcode: "soap:Client", faultstring: `customer ${String(args.customer)} is not in the ERP`, statusCode: 500 } };
          }
          if (args.customer === "SLOW") await new Promise((r) => setTimeout(r, erp.slowMs));
          return { salesOrder: `SO-${String(args.orderNumber)}`, status: "created" };
        },
        GetOrderStatus: (args: Record<string, unknown>, cb: unknown, headers: Record<string, unknown> | undefined) => {
          record("GetOrderStatus")(args, cb, headers);
          return { status: "open" };
        },
      },
    },
  };
  const wsdl = readFileSync(ERP_WSDL_FILE, "utf8").replace("http://127.0.0.1:8080/erp", url);
  await new Promise<void>((resolve, reject) => {
    soap.listen(app, "/erp", services, wsdl, (err: unknown) => (err ? reject(err) : resolve()));
  });
  return erp;
}
