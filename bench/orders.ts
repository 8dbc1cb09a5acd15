import type { CanonicalOrder } from "../domain/order/canonical-order";

/**
 * A canonical JSON order as a business system sends it for the benchmark: five lines, about 1 KB, valid for
 * order-validate. Only the order number varies, so every body costs the hub the same work.
 */
export function benchOrder(orderNumber: string): CanonicalOrder {
  const lines = [1, 2, 3, 4, 5].map((n) => ({
    lineNumber: String(n),
    sku: `FG-${999 + n}`,
    description: `Gear housing type ${n}`,
    quantity: 10 * n,
    unit: "H87",
    unitPrice: 11.5 + n,
    lineAmount: Math.round(10 * n * (11.5 + n) * 100) / 100,
    requestedDate: "2026-12-15",
  }));
  const lineTotal = lines.reduce((sum, line) => sum + line.lineAmount, 0);
  return {
    orderNumber,
    revision: 0,
    orderType: "standard",
    source: { system: "CRM", format: "json", documentId: `CRM-${orderNumber}` },
    issueDate: "2026-11-20",
    currency: "EUR",
    buyer: { id: "C-1001", name: "Schmidt Antriebstechnik GmbH" },
    lines,
    allowances: [],
    charges: [],
    totals: { lineTotal, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: lineTotal },
  } as unknown as CanonicalOrder;
}

/** `count` distinct order bodies, `BENCH-000000` on, as the bytes that go on the queue. */
export function benchBodies(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(JSON.stringify(benchOrder(`BENCH-${String(i).padStart(6, "0")}`))));
}
