import { readFileSync } from "node:fs";
import path from "node:path";

export const PUBLIC = path.resolve(__dirname, "../../../shared/fixtures/public");
export const OWN = path.resolve(__dirname, "../fixtures/orders");

export const publicFixture = (name: string): Buffer => readFileSync(path.join(PUBLIC, name));
export const ownFixture = (name: string): Buffer => readFileSync(path.join(OWN, name));
