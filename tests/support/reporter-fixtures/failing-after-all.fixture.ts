import { afterAll, expect, it } from "vitest";

afterAll(() => {
  throw new Error("the hub did not stop");
});
it("passes", () => expect(1).toBe(1));
