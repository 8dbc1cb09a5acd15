// An order a business system sends as JSON. It need give only what the hub cannot tell itself
// (order-input.schema.json); the rest is filled in here, so that what leaves the hub is the complete canonical order
// (canonical-order.schema.json).
import type { CanonicalOrder, OrderInput, OrderSource } from "../domain/order/canonical-order";
import { lineAmount, orderTotals } from "../domain/order/totals";
import { DocumentError } from "./errors";
import { isCanonicalOrder, validateCanonicalOrder, validateOrderInput } from "./validate";

/** Where a document came from, for the orders in it that do not say: the sending system and the transmission's id. */
export interface SourceChannel {
  system?: string;
  documentId?: string;
}

/** Where an order in a document of `count` orders came from: the transmission's id, with `/n` in a batch. */
function sourceOf(given: Partial<OrderSource> | undefined, channel: SourceChannel, sourceSystem: string | undefined, part: { index: number; count: number }): OrderSource {
  const documentId = given?.documentId ?? (channel.documentId && part.count > 1 ? `${channel.documentId}/${part.index}` : channel.documentId);
  return {
    system: given?.system ?? sourceSystem ?? channel.system ?? "unknown",
    format: given?.format ?? "json",
    ...(documentId === undefined ? {} : { documentId }),
  };
}

/** The sender's order with every field it left out filled in, or a refusal naming each given total that disagrees. */
function completed(input: OrderInput, source: OrderSource): CanonicalOrder {
  const lines = (input.lines ?? []).map((line) => {
    const amount = lineAmount(line, input.currency);
    return amount === undefined || line.lineAmount !== undefined ? line : { ...line, lineAmount: amount };
  });
  const { totals, problems } = orderTotals({
    currency: input.currency,
    lineAmounts: lines.map((l) => l.lineAmount),
    allowances: input.allowances,
    charges: input.charges,
    stated: input.totals,
  });
  const { orderType = "standard", allowances = [], charges = [] } = input;
  // a change or a cancellation without its revision is numbered at intake (previous revision + 1)
  const revision = input.revision ?? (input.purpose === "change" || input.purpose === "cancel" ? undefined : 0);
  const order = { ...input, ...(revision === undefined ? {} : { revision }), orderType, source, lines, allowances, charges, totals } as CanonicalOrder;
  if (problems.length > 0) {
    throw new DocumentError("totals-mismatch", `canonical order: ${problems.map((p) => p.message).join("; ")}`, { format: "json" });
  }
  return order;
}

/**
 * A JSON order as the canonical order. One that is complete already is taken exactly as sent (as the orders of earlier
 * releases were, so a repeat of one still compares equal); one that leaves out what the hub can fill in is completed:
 * `source` from the channel, revision 0, order type standard, no allowances or charges, each line's amount (quantity ×
 * unit price) and the totals from the lines. Totals it gives are checked against what they sum up.
 */
export function readJsonOrder(value: unknown, channel: SourceChannel, sourceSystem: string | undefined, part = { index: 1, count: 1 }): CanonicalOrder {
  if (isCanonicalOrder(value)) return value;
  const input = validateOrderInput(value, "json");
  return validateCanonicalOrder(completed(input, sourceOf(input.source, channel, sourceSystem, part)), "json");
}
