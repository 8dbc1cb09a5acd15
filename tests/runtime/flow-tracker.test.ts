import { describe, expect, it } from "vitest";
import { containerLabels, flowLabel } from "../../runtime/flow-tracker";

describe("the flow label a completed message is counted under", () => {
  const labels = containerLabels([
    { id: "t1", type: "tab", label: "Order intake" },
    { id: "t2", type: "tab", label: "" },
    { id: "sf", type: "subflow", name: "enrich" },
    { id: "inst", type: "subflow:sf", z: "t1" },
    { id: "n1", type: "change", z: "t1" },
  ]);

  it("is the label of the node's tab, or the tab id when the tab has no label", () => {
    expect(flowLabel("t1", labels)).toBe("Order intake");
    expect(flowLabel("t2", labels)).toBe("t2");
  });

  it("is the tab of the subflow instance for nodes running inside it", () => {
    expect(flowLabel("inst", labels)).toBe("Order intake");
  });

  it("is global for nodes without a tab, and the raw id for a tab it does not know", () => {
    expect(flowLabel(undefined, labels)).toBe("global");
    expect(flowLabel("zz", labels)).toBe("zz");
  });
});
