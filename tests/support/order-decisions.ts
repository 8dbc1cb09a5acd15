import { createRequire } from "node:module";
import { join } from "node:path";
import consignmentLedger from "../../nodes/consignment-ledger/index";
import consignmentOrder from "../../nodes/consignment-order/index";
import orderRoute from "../../nodes/order-route/index";
import orderChange from "../../nodes/order-change/index";
import atpCheck from "../../nodes/atp-check/index";
import creditCheck from "../../nodes/credit-check/index";
import creditRelease from "../../nodes/credit-release/index";
import orderAudit from "../../nodes/order-audit/index";
import orderEvaluate from "../../nodes/order-evaluate/index";
import orderOutcome from "../../nodes/order-outcome/index";
import orderRecord from "../../nodes/order-record/index";
import priceCheck from "../../nodes/price-check/index";
import type { Customer, MasterData } from "../../domain/master/types";
import type { CanonicalOrder } from "../../domain/order/canonical-order";
import { customer as masterCustomer } from "../fixtures/master/master-data";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

const coreFunction = createRequire(join(__dirname, "../../package.json"))(join(__dirname, "../../node_modules/@node-red/nodes/core/function/10-function.js"));

/** The order decision nodes, to load beside hubNodes(); with the ledger and function nodes a consignment issue passes. */
export function decisionNodes(): unknown[] {
  return [orderAudit, priceCheck, creditCheck, atpCheck, orderEvaluate, orderOutcome, orderRecord, creditRelease, orderChange, consignmentLedger, consignmentOrder, orderRoute, coreFunction];
}

/** A class B customer without a credit limit (EUR, 30 days net, 5 grace days). */
const customer = (id: string, change: Partial<Customer> = {}): Customer => masterCustomer(id, { creditLimit: undefined, ...change });

/**
 * An order desk whose answers do not depend on the day the test runs: prices valid from 2020 on without end, stock on
 * hand, no invoices. C-GOOD has no credit limit, C-CASH pays in advance (limit 0: every order waits for a payment),
 * C-BLOCKED is blocked; GH-100 is a gear housing at 100.00 EUR, no discount allowed, `stock` of it on hand in WH-A.
 */
export function deskMaster(stock = 1_000_000): Required<MasterData> {
  return {
    customers: [customer("C-GOOD"), customer("C-CASH", { creditLimit: 0 }), customer("C-BLOCKED", { creditLimit: 50_000, blocked: true })],
    items: [{ sku: "GH-100", name: "gear housing", unit: "H87", productionMode: "MTS", leadTimeDays: 10 }],
    priceLists: [{ id: "GEN", currency: "EUR", validFrom: "2020-01-01", prices: [{ sku: "GH-100", minQuantity: 1, unitPrice: 100 }] }],
    promotions: [],
    warehouses: [{ id: "WH-A", priority: 1 }],
    supply: [{ sku: "GH-100", warehouse: "WH-A", type: "on-hand", quantity: stock }],
    reservations: [],
    openItems: [],
    settings: {},
  };
}

/** One line of GH-100: `quantity` at `unitPrice` (100.00 is the list price). */
export function deskOrder(orderNumber: string, buyer: string, options: { quantity?: number; unitPrice?: number; issueDate?: string } = {}): CanonicalOrder {
  const quantity = options.quantity ?? 10;
  const unitPrice = options.unitPrice ?? 100;
  const amount = Math.round(quantity * unitPrice * 100) / 100;
  return {
    orderNumber,
    revision: 0,
    orderType: "standard",
    source: { system: "test", format: "json", documentId: orderNumber },
    issueDate: options.issueDate ?? "2026-01-15",
    currency: "EUR",
    buyer: { id: buyer, name: `Customer ${buyer}` },
    lines: [{ lineNumber: "1", sku: "GH-100", quantity, unit: "H87", unitPrice, lineAmount: amount }],
    allowances: [],
    charges: [],
    totals: { lineTotal: amount, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: amount },
  };
}

/**
 * A stand-in OA for a test file, as far as the decisions flow's approval lane needs it: takes every approval request
 * (202) and keeps the order keys. The shipped flow's approval-request node reads OA's address from ORDERHUB_OA_URL.
 */
export function useStandInOa(): { requested: string[] } {
  const oa = { server: undefined as unknown as Server, requested: [] as string[] };
  beforeAll(async () => {
    oa.server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        oa.requested.push((JSON.parse(body) as { orderKey: string }).orderKey);
        res.writeHead(202, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => oa.server.listen(0, "127.0.0.1", r));
    process.env.ORDERHUB_OA_URL = `http://127.0.0.1:${(oa.server.address() as AddressInfo).port}/approvals`;
  });
  afterAll(async () => {
    delete process.env.ORDERHUB_OA_URL;
    await new Promise((r) => oa.server.close(r));
  });
  return oa;
}
