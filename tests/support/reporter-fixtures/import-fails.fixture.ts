import { expect, it } from "vitest";
import "./no-such-module";

it("never runs", () => expect(1).toBe(1));
