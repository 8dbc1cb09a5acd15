import { describe, expect, it } from "vitest";
import { isRepeatOf, NotAnOrderEvent, timelineEntries, type TimelineEntry, type TimelineEvent } from "../../domain/order/timeline";
import { isLate, orderProgress, stateOf } from "../../domain/order/timeline-progress";

// The order desk's view of one order, C-NORTH's PO-1001: two lines (10 × GH-100, 5 × BR-200), told event by event.
const KEY = "C-NORTH/PO-1001/0";
const order = (revision = 0, lines = [{ lineNumber: "1", sku: "GH-100", quantity: 10 }, { lineNumber: "2", sku: "BR-200", quantity: 5 }], purpose?: string) => ({
  orderNumber: "PO-1001",
  revision,
  ...(purpose ? { purpose } : {}),
  source: { system: "edi", format: "edifact", documentId: `ORDERS-${revision}` },
  buyer: { id: "C-NORTH", name: "North GmbH" },
  requestedDelivery: { date: "2026-03-10" },
  lines,
});
const head = (revision = 0) => ({ orderKey: `C-NORTH/PO-1001/${revision}`, orderNumber: "PO-1001", buyer: "C-NORTH", revision });
const decisions = (credit = "ok", audit = "ok") => [
  { rule: "audit", outcome: audit, reasons: [] },
  { rule: "price", outcome: "ok", reasons: [] },
  { rule: "credit", outcome: credit, reasons: [] },
  { rule: "atp", outcome: "ok", reasons: [] },
];
const released = (revision = 0, dates = ["2026-03-05", "2026-03-12"]) => ({
  event: "order.released",
  ...head(revision),
  outcome: "released",
  at: "2026-03-01",
  reasons: [],
  decisions: decisions(),
  confirmations: dates.map((date, i) => ({ lineNumber: String(i + 1), sku: i ? "BR-200" : "GH-100", quantity: 1, date, warehouse: "WH-A", source: "supply" })),
  order: order(revision),
});
const o2c = (event: string, document: string, at: string, extra: Record<string, unknown> = {}) => ({ event, ...head(), document, at, ...extra });

let n = 0;
/** An event as it arrives; the message id is fresh unless given (a redelivery keeps its id, a repeated webhook gets another). */
const arrive = (routingKey: string, body: unknown, messageId = `m-${++n}`, receivedAt = "2026-03-01T08:00:00.000Z"): TimelineEvent => ({ routingKey, body, messageId, receivedAt });

/** Records events as the store does: each milestone once (same message id, or same event and document). */
function record(...events: TimelineEvent[]): TimelineEntry[] {
  const kept: TimelineEntry[] = [];
  for (const e of events) for (const entry of timelineEntries(e)) if (!isRepeatOf(entry, kept)) kept.push(entry);
  return kept;
}

const accepted = () => arrive("order.accepted", order());
const booked = () => arrive("order.booked", o2c("order.booked", "SO-4711", "2026-03-02T09:00:00Z", { system: "erp" }));
const shipped = (document: string, lines: unknown[], at = "2026-03-05T14:00:00Z") => arrive("order.shipped", o2c("order.shipped", document, at, { system: "wms", lines }));
const tracking = (event: string, at: string) => arrive(event, o2c(event, "SHP-1", at, { system: "tms" }));

describe("the milestones an event gives", () => {
  it.each([
    ["an accepted order: received from its sender, normalized by the hub", "order.accepted", order(), [["received", "edi", "ORDERS-0"], ["normalized", "hub", KEY]]],
    ["a release: every rule's milestone, then approved", "order.released", released(), [["audited", "hub", KEY], ["priced", "hub", KEY], ["credit-checked", "hub", KEY], ["atp-confirmed", "hub", KEY], ["approved", "hub", KEY]]],
    ["a hold for credit: the rules, then held", "order.held", { event: "order.held", ...head(), outcome: "held", at: "2026-03-01", reasons: ["over the limit"], decisions: decisions("hold"), order: order() }, [["audited", "hub", KEY], ["priced", "hub", KEY], ["credit-checked", "hub", KEY], ["atp-confirmed", "hub", KEY], ["held", "hub", KEY]]],
    ["an approver's release: approved alone, by OA", "order.released", { ...released(), approval: { decidedBy: "bob" } }, [["approved", "oa", KEY]]],
    ["ERP's sales order", "order.booked", o2c("order.booked", "SO-4711", "2026-03-02T09:00:00Z", { system: "erp" }), [["booked", "erp", "SO-4711"]]],
    ["a tracking webhook without a system: the carrier's", "order.in-transit", { ...head(), document: "SHP-1" }, [["in-transit", "tms", "SHP-1"]]],
    ["a payment naming the order", "payment.received", { ...head(), customer: "C-NORTH", amount: 100, document: "PAY-9" }, [["paid", "finance", "PAY-9"]]],
    ["a cancellation confirmed", "order.cancellation-confirmed", { event: "order.cancellation-confirmed", ...head(1), outcome: "cancelled", at: "2026-03-03", reasons: [], decisions: [], order: order(1, [], "cancel") }, [["cancelled", "hub", "C-NORTH/PO-1001/1"]]],
  ])("%s", (_what, routingKey, body, expected) => {
    expect(timelineEntries(arrive(routingKey, body)).map((e) => [e.milestone, e.system, e.document])).toEqual(expected);
  });

  it("keeps the system's own time, and takes the hub's where the event gives only a day", () => {
    expect(timelineEntries(arrive("order.delivered", o2c("order.delivered", "SHP-1", "2026-03-07T16:30:00+01:00")))[0].at).toBe("2026-03-07T15:30:00.000Z");
    expect(timelineEntries(arrive("order.released", released(), "x", "2026-03-01T08:00:00.000Z"))[0].at).toBe("2026-03-01T08:00:00.000Z");
  });

  it.each([
    ["a master data change", "master.customers.upserted", [{ id: "C-1" }]],
    ["a payment on a customer's account", "payment.received", { customer: "C-NORTH", amount: 500, document: "PAY-1" }],
    ["the rejection of a document that could not be read", "order.rejected", { orderNumber: null, buyer: null, reason: "not XML" }],
    ["a body that is no JSON object", "order.shipped", "SHIPPED"],
  ])("gives none for %s", (_what, routingKey, body) => {
    expect(() => timelineEntries(arrive(routingKey, body))).toThrow(NotAnOrderEvent);
  });
});

describe("where the order stands", () => {
  it.each<[string, () => TimelineEvent[], string]>([
    ["received, before any decision", () => [accepted()], "normalized"],
    ["released", () => [accepted(), arrive("order.released", released())], "approved"],
    ["held for credit", () => [accepted(), arrive("order.held", { event: "order.held", ...head(), outcome: "held", at: "2026-03-01", reasons: [], decisions: decisions("hold"), order: order() })], "held"],
    [
      "held, then released by a payment",
      () => [
        arrive("order.held", { event: "order.held", ...head(), outcome: "held", at: "2026-03-01", reasons: [], decisions: decisions("hold"), order: order() }),
        arrive("order.released", { ...released(), release: { at: "2026-03-02", payment: "PAY-1" } }),
      ],
      "approved",
    ],
    ["rejected by a rule", () => [accepted(), arrive("order.rejected", { event: "order.rejected", ...head(), outcome: "rejected", at: "2026-03-01", reasons: ["unknown customer"], decisions: decisions("ok", "reject"), order: order() })], "rejected"],
    [
      "waiting for approval, then rejected by the approver",
      () => [
        arrive("order.needs-approval", { event: "order.needs-approval", ...head(), outcome: "needs-approval", at: "2026-03-01", reasons: [], decisions: decisions("ok", "approval"), order: order() }),
        arrive("order.rejected", { event: "order.rejected", ...head(), outcome: "rejected", at: "2026-03-02", reasons: ["too cheap"], decisions: decisions("ok", "approval"), approval: { decidedBy: "bob" }, order: order() }),
      ],
      "rejected",
    ],
    ["booked and shipped", () => [accepted(), arrive("order.released", released()), booked(), shipped("DN-1", [{ lineNumber: "1", quantity: 10 }])], "shipped"],
    ["delivered, then a late in-transit webhook: still delivered", () => [arrive("order.released", released()), tracking("order.delivered", "2026-03-07T10:00:00Z"), tracking("order.in-transit", "2026-03-06T10:00:00Z")], "delivered"],
    ["in transit, delivered, and a stale held webhook from before booking: still delivered", () => [arrive("order.released", released()), booked(), tracking("order.delivered", "2026-03-07T10:00:00Z"), arrive("order.held", { event: "order.held", ...head(), outcome: "held", at: "2026-02-28", reasons: [], decisions: decisions("hold"), order: order() })], "delivered"],
    ["cancelled after its release", () => [arrive("order.released", released()), arrive("order.cancellation-confirmed", { event: "order.cancellation-confirmed", ...head(1), outcome: "cancelled", at: "2026-03-03", reasons: [], decisions: [], order: order(1, [], "cancel") })], "cancelled"],
    ["the credit re-check before shipment failed", () => [arrive("order.released", released()), booked(), arrive("order.shipment-held", o2c("order.shipment-held", "DN-1", "2026-03-04T08:00:00Z", { reasons: ["over the limit"] }))], "shipment-held"],
    ["held before shipment, then shipped after all", () => [arrive("order.released", released()), booked(), arrive("order.shipment-held", o2c("order.shipment-held", "DN-1", "2026-03-04T08:00:00Z")), shipped("DN-1", [], "2026-03-06T08:00:00Z")], "shipped"],
    ["paid and closed", () => [arrive("order.released", released()), booked(), tracking("order.delivered", "2026-03-07T10:00:00Z"), arrive("payment.received", { ...head(), document: "PAY-2", amount: 10 }), arrive("order.closed", o2c("order.closed", KEY, "2026-03-20T10:00:00Z"))], "closed"],
  ])("%s → %s", (_what, events, state) => {
    expect(stateOf(record(...events()))).toBe(state);
  });

  it("records a duplicate once, whether redelivered (same message id) or a webhook repeated (same event and document)", () => {
    const first = tracking("order.delivered", "2026-03-07T10:00:00Z");
    const redelivered = { ...first };
    const repeatedWebhook = tracking("order.delivered", "2026-03-07T10:05:00Z");
    expect(record(first, redelivered, repeatedWebhook)).toHaveLength(1);
    // a second shipment is another document: a milestone of its own
    expect(record(shipped("DN-1", []), shipped("DN-2", []))).toHaveLength(2);
  });
});

describe("what is still open", () => {
  const lines = (...events: TimelineEvent[]) => orderProgress(record(...events))!.lines.map((l) => [l.lineNumber, l.ordered, l.shipped, l.invoiced, l.open]);

  it.each<[string, () => TimelineEvent[], Array<[string, number, number, number, number]>]>([
    ["nothing shipped yet", () => [accepted()], [["1", 10, 0, 0, 10], ["2", 5, 0, 0, 5]]],
    ["a partial shipment of line 1", () => [accepted(), shipped("DN-1", [{ lineNumber: "1", sku: "GH-100", quantity: 6 }])], [["1", 10, 6, 0, 4], ["2", 5, 0, 0, 5]]],
    ["a short pick and shipment (the warehouse had 6): still 10 ordered, 4 open", () => [accepted(), arrive("order.picked", o2c("order.picked", "DN-1", "2026-03-05T13:00:00Z", { system: "wms", lines: [{ lineNumber: "1", sku: "GH-100", quantity: 6 }] })), shipped("DN-1", [{ lineNumber: "1", sku: "GH-100", quantity: 6 }])], [["1", 10, 6, 0, 4], ["2", 5, 0, 0, 5]]],
    [
      "two shipments, the same one's webhook repeated, and the first invoiced",
      () => [
        accepted(),
        shipped("DN-1", [{ lineNumber: "1", quantity: 6 }]),
        shipped("DN-1", [{ lineNumber: "1", quantity: 6 }]),
        shipped("DN-2", [{ lineNumber: "1", quantity: 4 }, { lineNumber: "2", quantity: 5 }]),
        arrive("order.invoiced", o2c("order.invoiced", "INV-1", "2026-03-08T10:00:00Z", { lines: [{ lineNumber: "1", quantity: 6 }], amount: 600 })),
      ],
      [["1", 10, 10, 6, 0], ["2", 5, 5, 0, 0]],
    ],
    ["a shipment naming only SKUs", () => [accepted(), shipped("DN-1", [{ sku: "BR-200", quantity: 2 }])], [["1", 10, 0, 0, 10], ["2", 5, 2, 0, 3]]],
    ["a shipment of zero", () => [accepted(), shipped("DN-1", [{ lineNumber: "1", quantity: 0 }])], [["1", 10, 0, 0, 10], ["2", 5, 0, 0, 5]]],
    ["more shipped than ordered: nothing open, never below zero", () => [accepted(), shipped("DN-1", [{ lineNumber: "2", quantity: 7 }])], [["1", 10, 0, 0, 10], ["2", 5, 7, 0, 0]]],
    ["a change lowers line 1 to 8: the change's lines count", () => [accepted(), arrive("order.changed", order(1, [{ lineNumber: "1", sku: "GH-100", quantity: 8 }, { lineNumber: "2", sku: "BR-200", quantity: 5 }], "change"))], [["1", 8, 0, 0, 8], ["2", 5, 0, 0, 5]]],
    ["cancelled after a partial shipment: nothing left open", () => [accepted(), shipped("DN-1", [{ lineNumber: "1", quantity: 3 }]), arrive("order.cancellation-confirmed", { event: "order.cancellation-confirmed", ...head(1), outcome: "cancelled", at: "2026-03-03", reasons: [], decisions: [], order: order(1, [], "cancel") })], [["1", 10, 3, 0, 0], ["2", 5, 0, 0, 0]]],
  ])("%s", (_what, events, expected) => {
    expect(lines(...events())).toEqual(expected);
  });

  it("names each system's documents once, in time order", () => {
    const progress = orderProgress(record(arrive("order.released", released()), booked(), arrive("order.delivery-note-sent", o2c("order.delivery-note-sent", "DN-1", "2026-03-03T08:00:00Z")), tracking("order.dispatched", "2026-03-05T10:00:00Z"), tracking("order.delivered", "2026-03-07T10:00:00Z"), arrive("payment.received", { ...head(), document: "PAY-2", amount: 10 })))!;
    expect(progress.documents).toEqual({ erpOrder: "SO-4711", deliveryNotes: ["DN-1"], shipments: ["SHP-1"], invoices: [], payments: ["PAY-2"] });
  });
});

describe("late: promised date passed, not delivered", () => {
  const progressOf = (...events: TimelineEvent[]) => orderProgress(record(...events))!;

  it.each<[string, () => TimelineEvent[], string, string | null, boolean]>([
    ["not released yet: nothing promised, never late", () => [accepted()], "2026-04-01", null, false],
    ["promised 2026-03-12 (its latest line), asked on the 12th: not yet late", () => [arrive("order.released", released())], "2026-03-12", "2026-03-12", false],
    ["asked on the 13th: late", () => [arrive("order.released", released())], "2026-03-13", "2026-03-12", true],
    ["shipped but not delivered on the 13th: late", () => [arrive("order.released", released()), shipped("DN-1", [])], "2026-03-13", "2026-03-12", true],
    ["delivered late: not late any more", () => [arrive("order.released", released()), tracking("order.delivered", "2026-03-14T10:00:00Z")], "2026-03-20", "2026-03-12", false],
    ["cancelled: never late", () => [arrive("order.released", released()), arrive("order.cancellation-confirmed", { event: "order.cancellation-confirmed", ...head(1), outcome: "cancelled", at: "2026-03-03", reasons: [], decisions: [], order: order(1, [], "cancel") })], "2026-04-01", "2026-03-12", false],
    ["a change released later promises anew", () => [arrive("order.released", released()), arrive("order.released", released(1, ["2026-03-20"]))], "2026-03-15", "2026-03-20", false],
    ["a rush order pushed its delivery back", () => [arrive("order.released", released()), arrive("order.rescheduled", { event: "order.rescheduled", orderKey: KEY, sku: "GH-100", warehouse: "WH-A", quantity: 10, from: "2026-03-05", to: "2026-03-25", at: "2026-03-02" })], "2026-03-20", "2026-03-25", false],
  ])("%s", (_what, events, asOf, promised, late) => {
    const progress = progressOf(...events());
    expect(progress.promisedDate).toBe(promised);
    expect(isLate(progress, asOf)).toBe(late);
  });
});
