// The sample orders of `orderhub demo`, and the documents each door sends them as: a JSON order for the CRM, an
// EDIFACT D96A ORDERS message for EDI, an SAP IDoc ORDERS05 for IDoc (trimmed from the SAP IN260 samples in
// ../shared/fixtures/public/sap-in260, with the demo manufacturer's customers and items). Pure: the day and the run's
// stamp are arguments.

export type Door = "crm" | "edi" | "idoc";

export interface DemoLine {
  lineNumber: string;
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface DemoOrder {
  orderNumber: string;
  door: Door;
  buyer: string;
  buyerName: string;
  /** What the demo manufacturer's order desk does with it (tests/fixtures/master/manufacturer.json). */
  expect: string;
  lines: DemoLine[];
}

/**
 * The cycle the demo's orders take, in turn: the three doors, customers whose orders go all the way to `closed`, and
 * one of C-SOUTH (an invoice 35 days overdue) that the order desk holds for credit. Prices are the customers' list
 * prices of 2026 (class A for C-1001, the general list for the others).
 */
const CYCLE: ReadonlyArray<Omit<DemoOrder, "orderNumber">> = [
  { door: "crm", buyer: "C-1001", buyerName: "Schmidt Antriebstechnik GmbH", expect: "closed", lines: [{ lineNumber: "10", sku: "FG-1001", quantity: 2, unitPrice: 13.5 }] },
  { door: "edi", buyer: "C-NORTH", buyerName: "Nordwerk GmbH", expect: "closed", lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 2, unitPrice: 13.9 }] },
  { door: "idoc", buyer: "C-1001", buyerName: "Schmidt Antriebstechnik GmbH", expect: "closed", lines: [{ lineNumber: "10", sku: "FG-1003", quantity: 1, unitPrice: 15.5 }, { lineNumber: "20", sku: "FG-1000", quantity: 1, unitPrice: 12.5 }] },
  { door: "crm", buyer: "C-SOUTH", buyerName: "Südmetall AG", expect: "held (credit: an invoice overdue)", lines: [{ lineNumber: "10", sku: "FG-1004", quantity: 20, unitPrice: 17.9 }] },
  { door: "edi", buyer: "C-1001", buyerName: "Schmidt Antriebstechnik GmbH", expect: "closed", lines: [{ lineNumber: "1", sku: "FG-1000", quantity: 3, unitPrice: 12.5 }] },
  { door: "idoc", buyer: "C-NORTH", buyerName: "Nordwerk GmbH", expect: "closed", lines: [{ lineNumber: "10", sku: "FG-1001", quantity: 1, unitPrice: 14.9 }] },
];

/** The buyers the demo's orders name: the hub's customer master must have them, or the orders are rejected. */
export const DEMO_BUYERS = [...new Set(CYCLE.map((o) => o.buyer))];

/** `count` orders, numbered `DEMO-<n>-<stamp>` so that every run's numbers are new. */
export function demoOrders(count: number, stamp: string): DemoOrder[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`orders: must be a whole number from 1 (is ${count})`);
  return Array.from({ length: count }, (_, i) => ({ ...CYCLE[i % CYCLE.length], orderNumber: `DEMO-${i + 1}-${stamp}` }));
}

/** `2026-12-05T10:15:30.123Z` → `1205101530`: month, day and time of the run, for the order numbers. */
export const runStamp = (iso: string) => iso.replace(/[^0-9]/g, "").slice(4, 14);

/** The JSON order (mappings/order-input.schema.json) the CRM takes. */
export function jsonOrder(order: DemoOrder, day: string): Record<string, unknown> {
  return {
    orderNumber: order.orderNumber,
    issueDate: day,
    currency: "EUR",
    buyer: { id: order.buyer, name: order.buyerName },
    lines: order.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity, unit: "H87", unitPrice: l.unitPrice })),
  };
}

/** An EDIFACT D96A ORDERS interchange with one message (UNA … UNZ), segment counts right. */
export function edifactOrder(order: DemoOrder, day: string, now: string): string {
  const ymd = day.replace(/-/g, "");
  const ref = order.orderNumber.replace(/[^A-Z0-9]/gi, "").slice(-14);
  const message = [
    `UNH+1+ORDERS:D:96A:UN`,
    `BGM+220+${order.orderNumber}+9`,
    `DTM+137:${ymd}:102`,
    `NAD+BY+${order.buyer}::92++${order.buyerName}`,
    `CUX+2:EUR:9`,
    ...order.lines.flatMap((l) => [`LIN+${l.lineNumber}++${l.sku}:SA`, `PIA+1+${l.sku}:SA`, `QTY+21:${l.quantity}:H87`, `PRI+AAA:${l.unitPrice}`]),
    `UNS+S`,
    `CNT+2:${order.lines.length}`,
  ];
  message.push(`UNT+${message.length + 1}+1`);
  const time = now.slice(11, 16).replace(":", "");
  return ["UNA:+.? ", `UNB+UNOC:3+${order.buyer}:ZZZ+ORDERHUB:ZZZ+${ymd.slice(2)}:${time}+${ref}`, ...message, `UNZ+1+${ref}`].map((s) => `${s}'`).join("\n") + "\n";
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** An SAP IDoc ORDERS05 (XML) with one IDoc. */
export function idocOrder(order: DemoOrder, day: string, docnum: number): string {
  const ymd = day.replace(/-/g, "");
  const lines = order.lines
    .map(
      (l) => `    <E1EDP01 SEGMENT="1">
      <POSEX>${l.lineNumber}</POSEX>
      <MENGE>${l.quantity}</MENGE>
      <MENEE>H87</MENEE>
      <VPREI>${l.unitPrice}</VPREI>
      <PEINH>1</PEINH>
      <E1EDP19 SEGMENT="1">
        <QUALF>002</QUALF>
        <IDTNR>${xml(l.sku)}</IDTNR>
      </E1EDP19>
    </E1EDP01>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<ORDERS05>
  <IDOC BEGIN="1">
    <EDI_DC40 SEGMENT="1">
      <TABNAM>EDI_DC40</TABNAM>
      <DOCNUM>${String(docnum).padStart(16, "0")}</DOCNUM>
      <DIRECT>2</DIRECT>
      <IDOCTYP>ORDERS05</IDOCTYP>
      <MESTYP>ORDERS</MESTYP>
      <SNDPRT>KU</SNDPRT>
      <SNDPRN>${xml(order.buyer)}</SNDPRN>
      <CREDAT>${ymd}</CREDAT>
    </EDI_DC40>
    <E1EDK01 SEGMENT="1">
      <CURCY>EUR</CURCY>
      <BELNR>${xml(order.orderNumber)}</BELNR>
    </E1EDK01>
    <E1EDK03 SEGMENT="1">
      <IDDAT>022</IDDAT>
      <DATUM>${ymd}</DATUM>
    </E1EDK03>
    <E1EDKA1 SEGMENT="1">
      <PARVW>AG</PARVW>
      <PARTN>${xml(order.buyer)}</PARTN>
      <NAME1>${xml(order.buyerName)}</NAME1>
    </E1EDKA1>
    <E1EDK02 SEGMENT="1">
      <QUALF>001</QUALF>
      <BELNR>${xml(order.orderNumber)}</BELNR>
      <DATUM>${ymd}</DATUM>
    </E1EDK02>
${lines}
  </IDOC>
</ORDERS05>
`;
}

/** Where an order stops: the end of the chain, or a decision that waits for a person or a payment. */
export const FINAL_STATES = ["closed", "held", "rejected", "needs-approval", "cancelled", "shipment-held"];

export const isFinal = (state: string) => FINAL_STATES.includes(state);
