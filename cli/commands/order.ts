// `orderhub order show NUMBER` and `orderhub order list`: an order's timeline, state and open quantities, and the
// orders by state or lateness, as the running hub's order timeline has them (GET /api/orders…). Tables for people.
import { Command } from "commander";
import type { OrderDocuments, ProgressLine } from "../../domain/order/timeline-progress";
import { DEFAULT_HUB_URL, hubAnswer, hubBaseUrl, hubFetch, reportFailure } from "./hub-client";

interface Common {
  hub?: string;
}

/**
 * GET a path of the hub's API as JSON. Bad input (what the hub refused) exits 2; an unknown order, or a hub that
 * cannot be reached or fails, exits 1.
 */
async function getJson(base: string, path: string): Promise<Record<string, unknown>> {
  const res = await hubFetch(base, path, {}, "set --hub or ORDERHUB_URL");
  return hubAnswer(res, base, { notFound: (why) => why, needsKey: [401, 403] });
}

const fail = (command: string, err: unknown) => reportFailure(`order ${command}`, err);

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, right: readonly number[] = []): string {
  const cells: string[][] = [[...head], ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd())
    .join("\n");
}

/** `2026-03-01T10:00:00.000Z` → `2026-03-01 10:00:00` (UTC). */
const timeText = (iso: string) => (/^\d{4}-\d{2}-\d{2}T/.test(iso) ? iso.replace("T", " ").replace(/(\.\d+)?Z$/, "") : iso);

const num = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000));

interface OrderView {
  orderKey: string;
  buyer: string;
  state: string;
  promisedDate: string | null;
  late: boolean;
  lines: ProgressLine[];
  documents: OrderDocuments;
}

interface EntryView {
  milestone: string;
  at: string;
  system: string;
  document: string;
  outcome?: string;
}

/** One order as `order show` prints it: the headline, the timeline, the lines and the documents. */
export function showText(order: OrderView, entries: readonly EntryView[]): string {
  const head = `order ${order.orderKey} (buyer ${order.buyer}): ${order.state}${order.promisedDate ? `, promised for ${order.promisedDate}` : ""}${order.late ? " — LATE" : ""}`;
  const timeline = table(
    ["time (UTC)", "milestone", "system", "document"],
    entries.map((e) => [timeText(e.at), e.outcome ? `${e.milestone} (${e.outcome})` : e.milestone, e.system, e.document]),
  );
  const lines = order.lines.length
    ? table(["line", "sku", "ordered", "shipped", "invoiced", "open"], order.lines.map((l) => [l.lineNumber, l.sku, num(l.ordered), num(l.shipped), num(l.invoiced), num(l.open)]), [2, 3, 4, 5])
    : "(no lines known)";
  const d = order.documents;
  const docs = [
    d.erpOrder ? `ERP order ${d.erpOrder}` : undefined,
    d.deliveryNotes.length ? `delivery notes ${d.deliveryNotes.join(", ")}` : undefined,
    d.shipments.length ? `shipments ${d.shipments.join(", ")}` : undefined,
    d.invoices.length ? `invoices ${d.invoices.join(", ")}` : undefined,
    d.payments.length ? `payments ${d.payments.join(", ")}` : undefined,
  ].filter(Boolean);
  return [head, "", timeline, "", lines, ...(docs.length ? ["", `documents: ${docs.join("; ")}`] : [])].join("\n");
}

export function registerOrder(program: Command): void {
  const order = program.command("order").description("an order's timeline, state and open quantities, from the running hub");

  order
    .command("show")
    .description("print an order's timeline as a table, with its state and what is still open per line")
    .argument("<number>", "the buyer's order number")
    .option("--buyer <buyer>", "the buyer, where several buyers' orders have the number")
    .option("--hub <url>", `the hub (default: ORDERHUB_URL, else ${DEFAULT_HUB_URL})`)
    .action(async (number: string, opts: Common & { buyer?: string }) => {
      try {
        const base = hubBaseUrl(opts.hub);
        const query = opts.buyer ? `?buyer=${encodeURIComponent(opts.buyer)}` : "";
        const path = `/api/orders/${encodeURIComponent(number)}`;
        const [state, timeline] = await Promise.all([getJson(base, `${path}${query}`), getJson(base, `${path}/timeline${query}`)]);
        const orders = state.orders as OrderView[];
        const entries = new Map((timeline.orders as Array<{ orderKey: string; entries: EntryView[] }>).map((o) => [o.orderKey, o.entries]));
        process.stdout.write(`${orders.map((o) => showText(o, entries.get(o.orderKey) ?? [])).join("\n\n")}\n`);
      } catch (err) {
        fail("show", err);
      }
    });

  order
    .command("list")
    .description("the orders the timeline knows, most recently moved first: by state, late ones")
    .option("--state <states>", "only these states, comma-separated (shipped,delivered …)")
    .option("--late", "only orders whose promised date has passed and that are not delivered")
    .option("--buyer <buyer>", "only this buyer's orders")
    .option("--limit <n>", "at most this many (1 to 1000)", "100")
    .option("--hub <url>", `the hub (default: ORDERHUB_URL, else ${DEFAULT_HUB_URL})`)
    .action(async (opts: Common & { state?: string; late?: boolean; buyer?: string; limit: string }) => {
      try {
        const base = hubBaseUrl(opts.hub);
        const query = new URLSearchParams({ limit: opts.limit });
        if (opts.state) query.set("state", opts.state);
        if (opts.late) query.set("late", "true");
        if (opts.buyer) query.set("buyer", opts.buyer);
        const answer = await getJson(base, `/api/orders?${query}`);
        const rows = answer.orders as Array<{ orderNumber: string; buyer: string; state: string; promisedDate: string | null; late: boolean; updatedAt: string }>;
        if (rows.length === 0) {
          process.stdout.write("no order matches\n");
          return;
        }
        const text = table(
          ["order", "buyer", "state", "promised", "late", "last moved (UTC)"],
          rows.map((r) => [r.orderNumber, r.buyer, r.state, r.promisedDate ?? "", r.late ? "LATE" : "", timeText(r.updatedAt)]),
        );
        process.stdout.write(`${text}\n`);
      } catch (err) {
        fail("list", err);
      }
    });
}
