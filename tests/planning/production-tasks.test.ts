import { describe, expect, it } from "vitest";
import { PlanningInputError } from "../../domain/planning/errors";
import { checkBatchRequest, retask, tasksForStock, tasksFromOrders, type OrderForTasks } from "../../domain/planning/production-tasks";

// The plant makes carts and wheel assemblies; screws and wheels are bought.
const MADE = new Set(["CART", "WHEEL-ASSY", "TROLLEY"]);
const makes = (sku: string) => MADE.has(sku);

const NORTH: OrderForTasks = {
  orderKey: "C-NORTH/PO-1001/0",
  orderRef: "C-NORTH/PO-1001",
  requestedDate: "2026-06-15",
  lines: [
    { lineNumber: "1", sku: "CART", quantity: 20 },
    { lineNumber: "2", sku: "SCREW", quantity: 500 },
    { lineNumber: "3", sku: "TROLLEY", quantity: 5, requestedDate: "2026-06-01" },
    { lineNumber: "4", sku: "CART", quantity: 0 },
  ],
};
const SOUTH: OrderForTasks = { orderKey: "C-SOUTH/PO-1001/2", orderRef: "C-SOUTH/PO-1001", lines: [{ lineNumber: "10", sku: "CART", quantity: 3 }] };

describe("to order (以销定产): one task per made line, tied to its order line", () => {
  it("makes the carts and trolleys, not the bought screws nor the cancelled line", () => {
    const { tasks, skipped } = tasksFromOrders([NORTH, SOUTH], makes);
    expect(tasks).toEqual([
      { id: "PT-C-NORTH/PO-1001#1", orderKey: "C-NORTH/PO-1001/0", orderRef: "C-NORTH/PO-1001", line: "1", item: "CART", quantity: 20, due: "2026-06-15", status: "open" },
      { id: "PT-C-NORTH/PO-1001#3", orderKey: "C-NORTH/PO-1001/0", orderRef: "C-NORTH/PO-1001", line: "3", item: "TROLLEY", quantity: 5, due: "2026-06-01", status: "open" },
      // the other buyer's PO-1001 is another order; it gives no date, so the task has none
      { id: "PT-C-SOUTH/PO-1001#10", orderKey: "C-SOUTH/PO-1001/2", orderRef: "C-SOUTH/PO-1001", line: "10", item: "CART", quantity: 3, due: null, status: "open" },
    ]);
    expect(skipped).toEqual([
      { orderRef: "C-NORTH/PO-1001", line: "2", item: "SCREW", reason: "SCREW is not made here (bought or outsourced): no production task" },
      { orderRef: "C-NORTH/PO-1001", line: "4", item: "CART", reason: "line 4 (CART) orders nothing (quantity 0): no task" },
    ]);
  });

  it("an order line that has its task already gets no second one", () => {
    const { tasks, skipped } = tasksFromOrders([SOUTH], makes, new Set(["PT-C-SOUTH/PO-1001#10"]));
    expect(tasks).toEqual([]);
    expect(skipped[0].reason).toBe("order C-SOUTH/PO-1001 line 10 has its task PT-C-SOUTH/PO-1001#10 already");
  });

  it("the same order named twice in one batch gives its tasks once", () => {
    expect(tasksFromOrders([SOUTH, SOUTH], makes).tasks).toHaveLength(1);
  });
});

describe("to stock (备货生产): one task per item and quantity", () => {
  it("numbers the tasks in the batch and skips what is bought", () => {
    const { tasks, skipped } = tasksForStock([
      { item: "CART", quantity: 50, due: "2026-07-01" },
      { item: "SCREW", quantity: 10, due: "2026-07-01" },
      { item: "CART", quantity: 25, due: "2026-08-01" },
    ], makes, "20260501T0800");
    expect(tasks.map((t) => [t.id, t.item, t.quantity, t.due, t.orderRef])).toEqual([
      ["PT-S-20260501T0800-1", "CART", 50, "2026-07-01", ""],
      ["PT-S-20260501T0800-3", "CART", 25, "2026-08-01", ""],
    ]);
    expect(skipped).toEqual([{ item: "SCREW", reason: "items[1]: SCREW is not made here (bought or outsourced): no production task" }]);
  });
});

describe("an order change moves its tasks", () => {
  const [cart, trolley] = tasksFromOrders([NORTH], makes).tasks;
  it.each([
    ["more carts, later", [{ lineNumber: "1", sku: "CART", quantity: 30, requestedDate: "2026-06-20" }, { lineNumber: "3", sku: "TROLLEY", quantity: 5, requestedDate: "2026-06-01" }], [{ id: cart.id, quantity: 30, due: "2026-06-20", status: "open" }, { id: trolley.id, quantity: 5, due: "2026-06-01", status: "open" }]],
    ["the trolley line cancelled (quantity 0)", [{ lineNumber: "1", sku: "CART", quantity: 20 }, { lineNumber: "3", sku: "TROLLEY", quantity: 0 }], [{ id: cart.id, quantity: 20, status: "open" }, { id: trolley.id, quantity: 5, status: "cancelled" }]],
    ["the trolley line left out of the change", [{ lineNumber: "1", sku: "CART", quantity: 20 }], [{ id: cart.id, status: "open" }, { id: trolley.id, status: "cancelled" }]],
  ])("%s (every open task takes the new revision)", (_what, lines, expected) => {
    const changed = retask([cart, trolley], { orderKey: "C-NORTH/PO-1001/1", orderRef: "C-NORTH/PO-1001", requestedDate: "2026-06-15", lines });
    expect(changed).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(changed[i]).toMatchObject({ ...e, orderKey: "C-NORTH/PO-1001/1" }));
  });

  it("a task done already is not touched", () => {
    expect(retask([{ ...cart, status: "done" }], { orderKey: "C-NORTH/PO-1001/1", orderRef: "C-NORTH/PO-1001", lines: [] })).toEqual([]);
  });
});

describe("the batch request", () => {
  it.each([
    [{ orders: ["PO-1001", "C-SOUTH/PO-1001/2"] }, { orders: ["PO-1001", "C-SOUTH/PO-1001/2"] }],
    [{ items: [{ item: "CART", quantity: 5, due: "2026-07-01" }] }, { items: [{ item: "CART", quantity: 5, due: "2026-07-01" }] }],
  ])("reads %j", (body, expected) => expect(checkBatchRequest(body)).toEqual(expected));

  it.each([
    [{}, "body: must give orders ([order number or order key …]) or items ([{item, quantity, due}])"],
    [{ orders: [] }, "orders: no order given (is [])"],
    [{ orders: ["PO-1"], items: [] }, "body: give orders (to order) or items (to stock), not both"],
    [{ items: [{ item: "CART", quantity: 0, due: "2026-07-01" }] }, "items[0].quantity: must be a number above 0 (is 0)"],
    [{ items: [{ item: "CART", quantity: 5 }] }, "items[0].due: must be a date, YYYY-MM-DD (is missing)"],
  ])("refuses %j", (body, message) => {
    expect(() => checkBatchRequest(body)).toThrow(PlanningInputError);
    expect(() => checkBatchRequest(body)).toThrow(message);
  });
});
