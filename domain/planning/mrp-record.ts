/**
 * The MRP record of one item, one value per period, printed the way a production-planning textbook prints it:
 *
 *   Period                    1    2    3
 *   Gross requirements            10   20
 *   Scheduled receipts       15
 *   Projected on hand   5   20   10    0
 *   Net requirements                   10
 *   Planned order receipts             10
 *   Planned order releases        10
 *
 * Arrays hold periods 1…N at indexes 0…N−1; the projected on hand of period 0 is the item's on-hand stock.
 */
export interface MrpRecord {
  grossRequirements: number[];
  scheduledReceipts: number[];
  projectedAvailable: number[];
  netRequirements: number[];
  /** Good quantity received at the start of the period (what the projected on hand grows by). */
  plannedReceipts: number[];
  /** Quantity to release in the period: the planned receipt plus the scrap expected on it. */
  plannedReleases: number[];
}

export const ROWS: readonly [keyof MrpRecord, string][] = [
  ["grossRequirements", "Gross requirements"],
  ["scheduledReceipts", "Scheduled receipts"],
  ["projectedAvailable", "Projected on hand"],
  ["netRequirements", "Net requirements"],
  ["plannedReceipts", "Planned order receipts"],
  ["plannedReleases", "Planned order releases"],
];

export function emptyRecord(periods: number): MrpRecord {
  // Rows of zeros held as doubles from the start (filled with 0.5 first, then 0): quantities such as 12.5 or a tidied
  // sum would otherwise make V8 copy each row of small integers into a row of doubles on the first such store.
  const zeros = new Array<number>(periods).fill(0.5).fill(0);
  return {
    grossRequirements: zeros.slice(),
    scheduledReceipts: zeros.slice(),
    projectedAvailable: zeros.slice(),
    netRequirements: zeros.slice(),
    plannedReceipts: zeros.slice(),
    plannedReleases: zeros,
  };
}

/**
 * The record as a text table: one column per period, a period-0 column holding the on-hand stock, blanks for zero
 * except in the projected on hand (where 0 is news). Trailing blanks are trimmed.
 */
export function printRecord(record: MrpRecord, onHand: number): string {
  const periods = record.grossRequirements.length;
  const label = Math.max(...ROWS.map(([, name]) => name.length));
  const cells = ROWS.map(([key]) => [key === "projectedAvailable" ? String(onHand) : "", ...record[key].map((v) => (v === 0 && key !== "projectedAvailable" ? "" : String(v)))]);
  const head = ["", ...Array.from({ length: periods }, (_, i) => String(i + 1))];
  const width = Math.max(4, ...[head, ...cells].flat().map((c) => c.length + 1));
  const line = (name: string, row: string[]) => (name.padEnd(label) + row.map((c) => c.padStart(width)).join("")).trimEnd();
  return [line("Period", head), ...ROWS.map(([, name], i) => line(name, cells[i]))].join("\n");
}
