// `orderhub dlq list|show|replay`: look at dead letters and send them back once the cause is fixed.
import { Command } from "commander";
import { listDeadLetters, replayDeadLetters, selects, type DeadLetter, type Selection } from "../../connectors/amqp";

const DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672";

interface Common {
  url?: string;
}

const brokerUrl = (opts: Common) => opts.url ?? process.env.AMQP_URL ?? DEFAULT_URL;

function fail(command: string, message: string, code = 2): void {
  process.stderr.write(`orderhub dlq ${command}: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  process.exitCode = code;
}

/** Broker trouble exits 1 (try again later); a wrong id or usage exits 2. */
function brokerFailure(command: string, err: unknown): void {
  fail(command, `cannot reach the broker: ${err instanceof Error ? err.message : String(err)} (set --url or AMQP_URL)`, 1);
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function row(d: DeadLetter): string {
  return [String(d.position).padStart(4), cut(d.messageId ?? "(none)", 36).padEnd(36), (d.failedAt ?? "").padEnd(24), cut(d.queue ?? "?", 26).padEnd(26), cut(d.node, 18).padEnd(18), d.error].join("  ");
}

/** Headers `show` leaves out: x-death is shown as the reason; x-delivery-count counts how often the DLQ was read. */
const UNSHOWN = new Set(["x-death", "x-delivery-count"]);

function show(d: DeadLetter): string {
  const headers = Object.entries(d.headers)
    .filter(([k]) => !UNSHOWN.has(k))
    .map(([k, v]) => `  ${k}: ${Buffer.isBuffer(v) ? v.toString() : typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  return [
    `message id:   ${d.messageId ?? "(none)"}`,
    `position:     ${d.position}`,
    `failed at:    ${d.failedAt ?? "unknown"}`,
    `from queue:   ${d.queue ?? "unknown"}`,
    `failed node:  ${d.node}`,
    `error:        ${d.error}`,
    ...(d.deliveries === undefined ? [] : [`deliveries:   ${d.deliveries}${d.deliveries > 1 ? " (redelivered: the hub or its broker connection went down while it was being handled)" : ""}`]),
    `content type: ${d.contentType ?? "unknown"}`,
    "headers:",
    ...headers,
    `body (${d.body.length} bytes):`,
    d.body.toString("utf8"),
  ].join("\n");
}

export function registerDlq(program: Command): void {
  const dlq = program.command("dlq").description("dead letters in orderhub.dlq: list, show, replay");

  dlq
    .command("list")
    .description("list dead letters, oldest first, without removing them")
    .option("--url <amqp-url>", "the broker (default: AMQP_URL)")
    .option("--limit <n>", "read at most this many", (v) => Number.parseInt(v, 10), 1000)
    .option("--json", "print JSON lines instead of a table")
    .action(async (opts: Common & { limit: number; json?: boolean }) => {
      try {
        const letters = await listDeadLetters(brokerUrl(opts), opts.limit);
        if (opts.json) {
          for (const d of letters) process.stdout.write(`${JSON.stringify({ ...d, body: d.body.toString("utf8") })}\n`);
          return;
        }
        process.stdout.write(`${letters.length} dead letter(s)\n`);
        if (letters.length) process.stdout.write(`${["   #", "message id".padEnd(36), "failed at".padEnd(24), "from queue".padEnd(26), "node".padEnd(18), "error"].join("  ")}\n`);
        for (const d of letters) process.stdout.write(`${row(d)}\n`);
      } catch (err) {
        brokerFailure("list", err);
      }
    });

  dlq
    .command("show")
    .description("show one dead letter: reason, headers and the original body")
    .argument("<id>", "message id, or position from `dlq list`")
    .option("--url <amqp-url>", "the broker (default: AMQP_URL)")
    .action(async (id: string, opts: Common) => {
      try {
        const found = (await listDeadLetters(brokerUrl(opts), 100_000)).find((d) => selects({ ids: [id] }, d));
        if (!found) return fail("show", `no dead letter with message id or position "${id}"`);
        process.stdout.write(`${show(found)}\n`);
      } catch (err) {
        brokerFailure("show", err);
      }
    });

  dlq
    .command("replay")
    .description("send dead letters back to the queue they came from and remove them from the DLQ")
    .argument("[ids...]", "message ids or positions")
    .option("--all", "replay every dead letter")
    .option("--url <amqp-url>", "the broker (default: AMQP_URL)")
    .action(async (ids: string[], opts: Common & { all?: boolean }) => {
      if (!opts.all && ids.length === 0) return fail("replay", "name the dead letters to replay (message id or position), or --all");
      const selection: Selection = opts.all ? { all: true } : { ids };
      try {
        const { replayed, skipped } = await replayDeadLetters(brokerUrl(opts), selection);
        for (const d of replayed) process.stdout.write(`replayed ${d.messageId ?? `#${d.position}`} → ${d.queue}\n`);
        for (const d of skipped) process.stderr.write(`skipped ${d.messageId ?? `#${d.position}`}: ${d.why}\n`);
        process.stdout.write(`${replayed.length} replayed, ${skipped.length} skipped\n`);
        if (!opts.all && replayed.length + skipped.length === 0) fail("replay", `no dead letter with message id or position ${ids.map((i) => `"${i}"`).join(", ")}`);
      } catch (err) {
        brokerFailure("replay", err);
      }
    });
}
