import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MasterData } from "../domain/master/types";
import { repoRoot } from "../runtime/paths";

/**
 * The demo manufacturer the stand-ins start from: the master data the order decisions are shown with
 * (tests/fixtures/master/manufacturer.json), so the ERP's customers, prices and stock and the WMS's stock tell the same
 * story as the hub's master data after `orderhub master import` of that file.
 */
export const SEED_FILE = join(repoRoot(), "tests", "fixtures", "master", "manufacturer.json");

let cached: MasterData | undefined;

/** A fresh copy of the demo manufacturer's master data (each stand-in owns and changes its copy). */
export function demoManufacturer(file: string = SEED_FILE): MasterData {
  if (file !== SEED_FILE) return JSON.parse(readFileSync(file, "utf8")) as MasterData;
  cached ??= JSON.parse(readFileSync(file, "utf8")) as MasterData;
  return structuredClone(cached);
}
