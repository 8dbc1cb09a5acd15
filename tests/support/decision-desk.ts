import type { ConsumeMessage } from "amqplib";
import type { MasterData } from "../../domain/master/types";
import { addDays } from "../../domain/order/dates";
import { ApprovalDesk, type PublishEvent } from "../../runtime/approval-desk";
import { getOrderBook, today } from "../../runtime/order-book";
import { getApprovals } from "../../store/approvals";
import type { TestClient } from "./amqp";
import approvalRequest from "../../nodes/approval-request/index";
import { hubNodes, shippedFlows } from "./node-red";
import { decisionNodes, deskMaster } from "./order-decisions";

/**
 * The hub's approval desk in the test process, as the hub runs it (runtime/server.ts): on the process's approvals and
 * order book, recording each decision in the order book before it publishes on orderhub.events through the test's
 * broker client, with confirms.
 */
export function startDesk(client: TestClient): ApprovalDesk {
  const publish: PublishEvent = async (routingKey, body, { messageId, correlationId }) => {
    client.ch.publish("orderhub.events", routingKey, Buffer.from(JSON.stringify(body)), { persistent: true, contentType: "application/json", messageId, correlationId });
    await client.confirmed();
  };
  const desk = new ApprovalDesk(getApprovals(), publish, Date.now, (event, id) => getOrderBook().recordApproval(event, id));
  desk.start();
  return desk;
}

/**
 * The shipped intake and decisions flows with their nodes. The shipped config also holds the connected systems'
 * config nodes (ERP, TMS, finance), which these flows do not use: they are left out, so that the flows start without
 * their node types.
 */
export function decisionFlows(): { flow: Array<Record<string, unknown>>; nodes: unknown[] } {
  const unused = new Set(["erp-system", "rest-system"]);
  const flow = shippedFlows("config.json", "order-intake.json", "order-decisions.json").filter((n) => !unused.has(String(n.type)));
  return { flow, nodes: [...hubNodes(), ...decisionNodes(), approvalRequest] };
}

/** `n` days from today, as the flows evaluate on today. */
export const day = (n: number) => addDays(today(), n);

/**
 * deskMaster with GH-100 scarce: `onHand` in WH-A now, `receipt` more on a purchase order due in 20 days, and a lead
 * time of 30 days past that.
 */
export function scarceMaster(onHand: number, receipt = 100): MasterData {
  const m = deskMaster(onHand);
  return {
    ...m,
    items: [{ ...m.items[0], leadTimeDays: 30 }],
    supply: [...m.supply, { sku: "GH-100", warehouse: "WH-A", type: "purchase-order", quantity: receipt, date: day(20) }],
  };
}

/** An order of GH-100 for the intake as a buyer's system sends it in JSON. */
export function jsonOrder(orderNumber: string, buyer: string, quantity: number, options: { requested?: string; orderType?: "rush" | "standard"; unitPrice?: number; purpose?: "change" | "cancel" } = {}) {
  return {
    orderNumber,
    issueDate: "2026-01-15",
    currency: "EUR",
    ...(options.orderType ? { orderType: options.orderType } : {}),
    ...(options.purpose ? { purpose: options.purpose } : {}),
    buyer: { id: buyer, name: `Customer ${buyer}` },
    lines: [{ lineNumber: "1", sku: "GH-100", quantity, unit: "H87", unitPrice: options.unitPrice ?? 100, ...(options.requested ? { requestedDate: options.requested } : {}) }],
  };
}

export const routingKeys = (ms: ConsumeMessage[]) => ms.map((m) => m.fields.routingKey).sort();
