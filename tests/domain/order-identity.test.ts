import { describe, expect, it } from "vitest";
import { buyerIdentity, orderKey } from "../../domain/order/canonical-order";

describe("an order is known by its buyer, the buyer's order number and the revision", () => {
  it.each([
    ["by the buyer's id", { id: "C-NORTH", gln: "4012345000009", name: "Nordwerk GmbH" }, "C-NORTH/PO-1001/0"],
    ["by its GLN where it has no id", { gln: "4012345000009", name: "Nordwerk GmbH" }, "4012345000009/PO-1001/0"],
    ["by its name where it has neither", { name: "Nordwerk GmbH" }, "Nordwerk GmbH/PO-1001/0"],
  ])("names the buyer %s", (_how, buyer, key) => {
    expect(orderKey({ buyer, orderNumber: "PO-1001", revision: 0 })).toBe(key);
  });

  it("tells two buyers' orders under the same number apart, and two revisions of one", () => {
    const keys = [
      orderKey({ buyer: { id: "C-NORTH" }, orderNumber: "PO-1001", revision: 0 }),
      orderKey({ buyer: { id: "C-SOUTH" }, orderNumber: "PO-1001", revision: 0 }),
      orderKey({ buyer: { id: "C-NORTH" }, orderNumber: "PO-1001", revision: 1 }),
    ];
    expect(new Set(keys).size).toBe(3);
  });

  it("skips an empty id as absent", () => {
    expect(buyerIdentity({ id: "", gln: "4012345000009" })).toBe("4012345000009");
  });
});
