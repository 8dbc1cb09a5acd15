import { arVoucher, DEFAULT_AR_ACCOUNTS, type ArAccounts } from "../../domain/fulfilment/ar-voucher";
import type { Invoice } from "../../domain/fulfilment/invoice";
import { getHubStore } from "../../store";
import { summaryOf } from "../invoice-build/order-facts";
import { evaluationDate, type RuleNodeConfig } from "../shared/order-rules";
import { onAsyncInput } from "../shared/async-input";
import { OutcomeStatus } from "../shared/outcome-status";
import { failing } from "../shared/status";
import type { HubMessage, Node, NodeAPI } from "../shared/types";

export interface ArVoucherConfig extends RuleNodeConfig {
  receivable?: string;
  /** "S=8400, AA=8300": the revenue account per tax category. */
  revenueAccounts?: string;
  /** "S=1776, AA=1771": the output-tax account per tax category. */
  taxAccounts?: string;
}

/** "S=8400, AA=8300" → { S: "8400", AA: "8300" }; an entry that is not category=account is an error naming it. */
export function accountMap(text: string | undefined, field: string, fallback: Record<string, string>): Record<string, string> {
  if (!text || !text.trim()) return { ...fallback };
  const map: Record<string, string> = {};
  for (const entry of text.split(/[,;\n]/).map((e) => e.trim()).filter(Boolean)) {
    const match = /^([A-Z]{1,2})\s*[=:]\s*(\S+)$/.exec(entry);
    if (!match) throw new Error(`ar-voucher: ${field}: "${entry}" is not "category=account" (as S=8400)`);
    map[match[1]] = match[2];
  }
  return map;
}

function accountsOf(c: ArVoucherConfig): ArAccounts {
  return {
    receivable: c.receivable?.trim() || DEFAULT_AR_ACCOUNTS.receivable,
    revenue: accountMap(c.revenueAccounts, "revenue accounts", DEFAULT_AR_ACCOUNTS.revenue),
    tax: accountMap(c.taxAccounts, "tax accounts", DEFAULT_AR_ACCOUNTS.tax),
    defaultRevenue: DEFAULT_AR_ACCOUNTS.defaultRevenue,
  };
}

/** The invoice: msg.invoice (as invoice-build leaves it), else the one msg.payload.document names (an order.invoiced). */
async function invoiceOf(msg: HubMessage): Promise<Invoice> {
  const given = msg.invoice as Invoice | undefined;
  if (given && typeof given === "object" && typeof given.invoiceId === "string" && given.totals) return given;
  const document = (msg.payload as { document?: unknown } | undefined)?.document;
  if (typeof document !== "string") throw new Error("ar-voucher: needs the invoice: msg.invoice (from invoice-build), or an order.invoiced in msg.payload naming it as document");
  const record = await getHubStore().invoices.get(document);
  if (!record) throw new Error(`ar-voucher: invoice ${document} is not among the invoices the hub issued`);
  return summaryOf(record);
}

/**
 * ar-voucher: the AR voucher for ERP's PostARVoucher from an invoice (domain/fulfilment/ar-voucher.ts): msg.payload
 * and msg.voucher the voucher, posted on the evaluation date.
 */
export class ArVoucherController {
  constructor(_RED: NodeAPI, node: Node, config: ArVoucherConfig) {
    const status = new OutcomeStatus(node, ["vouchers"]);
    let accounts: ArAccounts | undefined;
    try {
      accounts = accountsOf(config);
    } catch (err) {
      failing(node, (err as Error).message);
      node.error((err as Error).message);
    }
    onAsyncInput(node, status, async (msg, send) => {
      if (!accounts) throw new Error("ar-voucher: the node's accounts cannot be read (see its status): fix them and deploy");
      const invoice = await invoiceOf(msg);
      const voucher = arVoucher(invoice, accounts, evaluationDate(config, msg, "ar-voucher"));
      msg.invoice = invoice;
      msg.voucher = voucher;
      msg.payload = voucher;
      msg.orderKey = invoice.orderKey;
      status.count("vouchers");
      send(msg);
    });
  }
}
