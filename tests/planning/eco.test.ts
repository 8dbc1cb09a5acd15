import { describe, expect, it } from "vitest";
import { effectiveLines, type BomLine } from "../../domain/planning/bom";
import { applyEco, checkEco, type Eco } from "../../domain/planning/eco";
import { BomCycleError, PlanningInputError } from "../../domain/planning/errors";

// Two chairs share the screw S-4; the armchair also takes a cushion. Engineering moves to the stronger screw S-5 on 1 June.
const BOMS: BomLine[] = [
  { parent: "CHAIR", child: "LEG", quantity: 4 },
  { parent: "CHAIR", child: "S-4", quantity: 8, lossRate: 0.05 },
  { parent: "ARMCHAIR", child: "LEG", quantity: 4 },
  { parent: "ARMCHAIR", child: "S-4", quantity: 12 },
  { parent: "ARMCHAIR", child: "CUSHION", quantity: 1 },
  { parent: "STOOL", child: "LEG", quantity: 3 },
];

const eco = (changes: Eco["changes"], effectiveDate = "2026-06-01"): Eco => ({ id: "ECO-1", reason: "stronger screws", effectiveDate, changes });
const on = (lines: BomLine[], parent: string, date: string) => effectiveLines(lines.filter((l) => l.parent === parent), date).map((l) => `${l.child}×${l.quantity}`).sort();

describe("an ECO as engineering writes it: every BOM it touches, before → after, from its effective date", () => {
  const cases: { name: string; changes: Eco["changes"]; touched: string[]; before: Record<string, string[]>; after: Record<string, string[]> }[] = [
    {
      name: "replace a component in every BOM that uses it",
      changes: [{ match: { component: "S-4" }, action: "replace", to: "S-5" }],
      touched: ["ARMCHAIR", "CHAIR"],
      before: { CHAIR: ["LEG×4", "S-4×8"], ARMCHAIR: ["CUSHION×1", "LEG×4", "S-4×12"] },
      after: { CHAIR: ["LEG×4", "S-5×8"], ARMCHAIR: ["CUSHION×1", "LEG×4", "S-5×12"] },
    },
    {
      name: "replace only in the parents named, with a new quantity",
      changes: [{ match: { component: "S-4", parents: ["CHAIR"] }, action: "replace", to: "S-5", quantity: 6 }],
      touched: ["CHAIR"],
      before: { CHAIR: ["LEG×4", "S-4×8"], ARMCHAIR: ["CUSHION×1", "LEG×4", "S-4×12"] },
      after: { CHAIR: ["LEG×4", "S-5×6"], ARMCHAIR: ["CUSHION×1", "LEG×4", "S-4×12"] },
    },
    {
      name: "set a quantity",
      changes: [{ match: { component: "LEG", parents: ["STOOL"] }, action: "set-quantity", quantity: 4 }],
      touched: ["STOOL"],
      before: { STOOL: ["LEG×3"] },
      after: { STOOL: ["LEG×4"] },
    },
    {
      name: "add a component to named parents",
      changes: [{ match: { component: "GLIDE", parents: ["CHAIR", "STOOL"] }, action: "add", quantity: 4 }],
      touched: ["CHAIR", "STOOL"],
      before: { STOOL: ["LEG×3"] },
      after: { STOOL: ["GLIDE×4", "LEG×3"], CHAIR: ["GLIDE×4", "LEG×4", "S-4×8"] },
    },
    {
      name: "remove a component",
      changes: [{ match: { component: "CUSHION" }, action: "remove" }],
      touched: ["ARMCHAIR"],
      before: { ARMCHAIR: ["CUSHION×1", "LEG×4", "S-4×12"] },
      after: { ARMCHAIR: ["LEG×4", "S-4×12"] },
    },
    {
      name: "several changes, each on the result of the one before",
      changes: [
        { match: { component: "S-4" }, action: "replace", to: "S-5" },
        { match: { component: "S-5", parents: ["ARMCHAIR"] }, action: "set-quantity", quantity: 10 },
      ],
      touched: ["ARMCHAIR", "CHAIR"],
      before: { ARMCHAIR: ["CUSHION×1", "LEG×4", "S-4×12"] },
      after: { ARMCHAIR: ["CUSHION×1", "LEG×4", "S-5×10"], CHAIR: ["LEG×4", "S-5×8"] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { boms, lines } = applyEco(eco(c.changes), BOMS);
      expect(boms.map((b) => b.parent)).toEqual(c.touched);
      for (const [parent, children] of Object.entries(c.before)) expect(on(lines, parent, "2026-05-31")).toEqual(children);
      for (const [parent, children] of Object.entries(c.after)) expect(on(lines, parent, "2026-06-01")).toEqual(children);
    });
  }

  it("ends the old line on the effective date and starts the new one on it, keeping its loss rate", () => {
    const { boms } = applyEco(eco([{ match: { component: "S-4", parents: ["CHAIR"] }, action: "replace", to: "S-5" }]), BOMS);
    expect(boms).toEqual([
      {
        parent: "CHAIR",
        changes: [0],
        before: [{ parent: "CHAIR", child: "LEG", quantity: 4 }, { parent: "CHAIR", child: "S-4", quantity: 8, lossRate: 0.05 }],
        after: [
          { parent: "CHAIR", child: "LEG", quantity: 4 },
          { parent: "CHAIR", child: "S-4", quantity: 8, lossRate: 0.05, validTo: "2026-06-01" },
          { parent: "CHAIR", child: "S-5", quantity: 8, lossRate: 0.05, validFrom: "2026-06-01" },
        ],
      },
    ]);
  });

  it("a line that starts on the effective date itself is changed in place, not ended before it began", () => {
    const lines: BomLine[] = [{ parent: "CHAIR", child: "S-4", quantity: 8, validFrom: "2026-06-01" }];
    const { boms } = applyEco(eco([{ match: { component: "S-4" }, action: "set-quantity", quantity: 9 }]), lines);
    expect(boms[0].after).toEqual([{ parent: "CHAIR", child: "S-4", quantity: 9, validFrom: "2026-06-01" }]);
    expect(applyEco(eco([{ match: { component: "S-4" }, action: "remove" }]), lines).boms[0].after).toEqual([]);
  });

  it("leaves lines that ended before the effective date (history) as they are, and changes the one valid then", () => {
    const lines: BomLine[] = [
      { parent: "CHAIR", child: "S-3", quantity: 8, validTo: "2026-01-01" },
      { parent: "CHAIR", child: "S-4", quantity: 8, validFrom: "2026-01-01" },
    ];
    const { boms } = applyEco(eco([{ match: { component: "S-4" }, action: "replace", to: "S-5" }]), lines);
    expect(boms[0].after).toEqual([
      { parent: "CHAIR", child: "S-3", quantity: 8, validTo: "2026-01-01" },
      { parent: "CHAIR", child: "S-4", quantity: 8, validFrom: "2026-01-01", validTo: "2026-06-01" },
      { parent: "CHAIR", child: "S-5", quantity: 8, validFrom: "2026-06-01" },
    ]);
  });
});

describe("an ECO that cannot be applied is refused, naming the change and the component", () => {
  const cases: { name: string; changes: Eco["changes"]; lines?: BomLine[]; error: string | RegExp }[] = [
    { name: "a component no BOM uses", changes: [{ match: { component: "S-9" }, action: "remove" }], error: "changes[0]: S-9 is in no BOM valid on 2026-06-01: nothing to remove" },
    {
      name: "a component used only before the effective date",
      changes: [{ match: { component: "S-3" }, action: "replace", to: "S-5" }],
      lines: [{ parent: "CHAIR", child: "S-3", quantity: 1, validTo: "2026-05-01" }],
      error: "changes[0]: S-3 is in no BOM valid on 2026-06-01: nothing to replace",
    },
    { name: "a parent named that does not use it", changes: [{ match: { component: "CUSHION", parents: ["ARMCHAIR", "STOOL"] }, action: "remove" }], error: "changes[0]: STOOL does not use CUSHION on 2026-06-01" },
    { name: "adding what a parent has already", changes: [{ match: { component: "LEG", parents: ["STOOL"] }, action: "add", quantity: 1 }], error: "changes[0]: STOOL uses LEG on 2026-06-01 already; to change its quantity, use set-quantity" },
    { name: "replacing with a component the parent has already", changes: [{ match: { component: "S-4", parents: ["ARMCHAIR"] }, action: "replace", to: "CUSHION" }], error: /changes\[0\]: ARMCHAIR uses CUSHION on 2026-06-01 already/ },
    { name: "the second change fails after the first worked", changes: [{ match: { component: "S-4" }, action: "replace", to: "S-5" }, { match: { component: "S-4" }, action: "remove" }], error: "changes[1]: S-4 is in no BOM valid on 2026-06-01: nothing to remove" },
    { name: "replace without a new component", changes: [{ match: { component: "S-4" }, action: "replace" }], error: "changes[0].to: must be a non-empty string (is missing)" },
    { name: "set-quantity of zero", changes: [{ match: { component: "S-4" }, action: "set-quantity", quantity: 0 }], error: "changes[0].quantity: must be a number above 0 (is 0)" },
    { name: "add without parents", changes: [{ match: { component: "GLIDE" }, action: "add", quantity: 1 }], error: "changes[0].match.parents: add needs the parents to add GLIDE to (is missing)" },
    { name: "an unknown action", changes: [{ match: { component: "S-4" }, action: "swap" as "remove" }], error: 'changes[0].action: must be one of replace, set-quantity, add, remove (is "swap")' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(() => applyEco(eco(c.changes), c.lines ?? BOMS)).toThrow(PlanningInputError);
      expect(() => applyEco(eco(c.changes), c.lines ?? BOMS)).toThrow(c.error);
    });
  }

  it("a change that closes a loop is refused naming the loop", () => {
    const err = (() => {
      try {
        applyEco(eco([{ match: { component: "GLIDE", parents: ["LEG"] }, action: "add", quantity: 1 }, { match: { component: "CHAIR", parents: ["GLIDE"] }, action: "add", quantity: 1 }]), BOMS);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BomCycleError);
    expect((err as BomCycleError).loop).toEqual(["LEG", "GLIDE", "CHAIR", "LEG"]);
  });

  it("an ECO without changes, without a reason or with a date that is none", () => {
    expect(() => checkEco({ id: "E", reason: "r", effectiveDate: "2026-06-01", changes: [] })).toThrow("changes: an ECO must change something (is [])");
    expect(() => checkEco({ id: "E", reason: "", effectiveDate: "2026-06-01", changes: [] })).toThrow("reason: must be a non-empty string");
    expect(() => checkEco({ id: "E", reason: "r", effectiveDate: "1 June", changes: [] })).toThrow('effectiveDate: must be a date, YYYY-MM-DD (is "1 June")');
  });
});
