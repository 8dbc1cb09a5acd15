/** The hub's local date (YYYY-MM-DD, in the process's time zone, TZ): the evaluation date "now" of the order rules. */
export function today(clock: () => number = Date.now): string {
  const d = new Date(clock());
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
