import { describe, expect, it } from "vitest";
import { deliveryNoteId, deliveryNotes } from "../../domain/fulfilment/delivery-note";
import { AT, line, order, released } from "./books";

const o = order("C-DE", [line("1", "GH-100", 10, 100), line("2", "SH-200", 5, 40), line("3", "BAR-1", 0, 0.85)]);

describe("delivery notes: what each warehouse ships of a released order", () => {
  it("one warehouse with everything: one note with every line and its confirmed quantity", () => {
    const notes = deliveryNotes(released(o, [["1", 10, "WH-A"], ["2", 5, "WH-A"]]));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ deliveryNote: deliveryNoteId("C-DE/PO-1/0", "WH-A"), orderKey: "C-DE/PO-1/0", orderNumber: "PO-1", buyer: "C-DE", warehouse: "WH-A", firstDate: AT, completeDate: AT });
    expect(notes[0].lines.map((l) => [l.lineNumber, l.sku, l.quantity, l.warehouse, l.unit])).toEqual([["1", "GH-100", 10, "WH-A", "H87"], ["2", "SH-200", 5, "WH-A", "H87"]]);
  });

  it.each<[string, Array<[string, number, string, string?]>, Array<[string, Array<[string, number]>]>]>([
    ["a line split over two warehouses: each ships its part", [["1", 6, "WH-A"], ["1", 4, "WH-B"], ["2", 5, "WH-B"]], [["WH-A", [["1", 6]]], ["WH-B", [["1", 4], ["2", 5]]]]],
    ["part now, the rest on the lead time, same warehouse: one note, the line's whole quantity", [["1", 7, "WH-A", AT], ["1", 3, "WH-A", "2026-06-11"]], [["WH-A", [["1", 10]]]]],
    ["a confirmation of 0 (nothing promised there) makes no note", [["1", 10, "WH-A"], ["2", 0, "WH-B"]], [["WH-A", [["1", 10]]]]],
    ["nothing confirmed at all: no note", [], []],
  ])("%s", (_case, confirmations, expected) => {
    const notes = deliveryNotes(released(o, confirmations));
    expect(notes.map((n) => [n.warehouse, n.lines.map((l) => [l.lineNumber, l.quantity])])).toEqual(expected);
  });

  it("tells the warehouse when each part can go: the schedule, the earliest and the complete date", () => {
    const [note] = deliveryNotes(released(o, [["1", 3, "WH-A", "2026-06-11"], ["1", 7, "WH-A", AT], ["2", 5, "WH-A", "2026-06-05"]]));
    expect(note.lines[0]).toMatchObject({ quantity: 10, date: "2026-06-11", schedule: [{ quantity: 7, date: AT }, { quantity: 3, date: "2026-06-11" }] });
    expect([note.firstDate, note.completeDate]).toEqual([AT, "2026-06-11"]);
  });

  it("makes the same notes with the same ids when the same order.released is read again", () => {
    const confirmations: Array<[string, number, string]> = [["1", 6, "WH-A"], ["1", 4, "WH-B"]];
    expect(deliveryNotes(released(o, confirmations))).toEqual(deliveryNotes(released(o, confirmations)));
  });

  it("gives two buyers' orders with the same number, and two revisions, notes of their own", () => {
    const ids = new Set([
      deliveryNoteId("C-DE/PO-1/0", "WH-A"),
      deliveryNoteId("C-AT/PO-1/0", "WH-A"),
      deliveryNoteId("C-DE/PO-1/1", "WH-A"),
      deliveryNoteId("C-DE/PO-1/0", "WH-B"),
    ]);
    expect(ids.size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^DN-[0-9A-Z]{11}$/);
  });
});
