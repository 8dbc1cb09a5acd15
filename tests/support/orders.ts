/** Canonical orders as a business system would send them: ~1 KB with five lines. */
export function canonicalOrder(orderNumber: string, revision = 0, lines = 5): Record<string, unknown> {
  const orderLines = Array.from({ length: lines }, (_, i) => {
    const quantity = 10 * (i + 1);
    const unitPrice = 12.5 + i;
    return {
      lineNumber: String(i + 1),
      sku: `FG-${1000 + i}`,
      description: `Gear housing type ${i + 1}`,
      quantity,
      unit: "H87",
      unitPrice,
      lineAmount: Math.round(quantity * unitPrice * 100) / 100,
      requestedDate: "2026-12-15",
    };
  });
  const lineTotal = orderLines.reduce((s, l) => s + l.lineAmount, 0);
  return {
    orderNumber,
    revision,
    orderType: "standard",
    source: { system: "CRM", format: "json", documentId: `CRM-${orderNumber}` },
    issueDate: "2026-11-20",
    currency: "EUR",
    buyer: { id: "C-1001", name: "Schmidt Antriebstechnik GmbH" },
    lines: orderLines,
    allowances: [],
    charges: [],
    totals: { lineTotal, allowanceTotal: 0, chargeTotal: 0, taxTotal: 0, payable: lineTotal },
  };
}

/** Invalid in the ways real senders get it wrong, one per index. */
export function invalidOrder(i: number): string {
  switch (i % 5) {
    case 0:
      return "{ this is not json";
    case 1:
      return JSON.stringify({ ...canonicalOrder(`BAD-${i}`), orderNumber: undefined });
    case 2: {
      const o = canonicalOrder(`BAD-${i}`) as { lines: Array<{ quantity: unknown }> };
      o.lines[1].quantity = "fifteen";
      return JSON.stringify(o);
    }
    case 3: {
      const o = canonicalOrder(`BAD-${i}`) as { lines: Array<{ quantity: number }> };
      o.lines[0].quantity = 0;
      return JSON.stringify(o);
    }
    default:
      return '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Order>&a;</Order>';
  }
}
