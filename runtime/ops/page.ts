import type { Counts, WindowCount } from "./samples";
import type { Capped, Detail, OpsFacts, Section } from "./types";

/**
 * `GET /ops` as HTML, rendered from the facts `GET /ops.json` answers: no script, no external asset, inline CSS that
 * prints readably, and a refresh every five seconds. Every text from outside (a dead letter's reason, a queue, a node's
 * name) is escaped.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const e = escapeHtml;

/** A number linked to where its detail is: the route, else the command (in its title, and shown beside it). */
function num(value: number | string, detail?: Detail): string {
  const title = detail?.cli ? ` title="${e(detail.cli)}"` : "";
  if (detail?.href) return `<a class="n" href="${e(detail.href)}"${title}>${e(value)}</a>`;
  if (detail?.cli) return `<span class="n"${title}>${e(value)}</span> <code class="cli">${e(detail.cli)}</code>`;
  return `<span class="n">${e(value)}</span>`;
}

const capped = (c: Capped) => num(c.capped ? `${c.count}+` : c.count, c.detail);

function windowCell(w: WindowCount): string {
  return w.sinceStart ? `${e(w.count)} <small>since start</small>` : `${e(w.count)} <small>in ${e(w.seconds)} s</small>`;
}

const countCells = (c: Counts) => `<td>${e(c.total)}</td><td>${windowCell(c.lastMinute)}</td><td>${windowCell(c.last5Minutes)}</td>`;

function unavailable(reason: string): string {
  return `<p class="unavailable">unavailable: ${e(reason)}</p>`;
}

/** The section's body, or the reason it is unavailable. */
function part<T>(s: Section<T>, render: (facts: T) => string): string {
  return s.available ? render(s) : unavailable(s.reason);
}

function table(head: string[], rows: string[], empty: string): string {
  if (rows.length === 0) return `<p class="none">${e(empty)}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const row = (...cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${seconds % 60} s` : `${seconds} s`;
}

function hub(f: OpsFacts): string {
  return part(f.hub, (h) => {
    const lines = [
      ...h.problems.map((p) => `<li class="problem">${e(p)}</li>`),
      ...h.warnings.map((w) => `<li class="warning">${e(w)}</li>`),
    ];
    return `<p><span class="status ${h.status === "ok" ? "ok" : "bad"}">${e(h.status)}</span> <a href="${e(h.detail.href ?? "/health")}">/health</a></p>
${lines.length ? `<ul>${lines.join("")}</ul>` : ""}
<dl>
<dt>uptime</dt><dd>${e(duration(h.uptimeSeconds))} (since ${e(h.startedAt)})</dd>
<dt>version</dt><dd>${e(h.name)} ${e(h.version)}</dd>
<dt>flows</dt><dd>${h.flowsRunning ? "running" : '<span class="bad">not running</span>'}</dd>
<dt>store</dt><dd>${h.store.ok ? "ok" : `<span class="bad">not ok: ${e(h.store.error ?? "")}</span>`}</dd>
</dl>`;
  });
}

function broker(f: OpsFacts): string {
  const connections = part(f.broker, (b) =>
    table(
      ["connection", "state", "reconnects", "in flight", "dead letters waiting", "drift"],
      b.connections.map((c) =>
        row(
          e(c.name),
          `<span class="${c.state === "connected" ? "ok" : "bad"}">${e(c.state)}</span>${c.lastError ? ` <small>${e(c.lastError)}</small>` : ""}${c.blocked ? ` <small class="bad">blocked: ${e(c.blocked)}</small>` : ""}`,
          num(c.reconnects),
          num(c.inFlight),
          `<span class="${c.deadLettersWaiting > 0 ? "bad" : ""}">${num(c.deadLettersWaiting)}</span>`,
          c.topologyDrift.map((d) => `${e(d.queue)}: ${e(d.drift)}`).join("<br>"),
        ),
      ),
      "no broker connection is registered",
    ),
  );
  const depth = (queue: string) => {
    if (!f.queues.available) return "";
    const q = f.queues.queues.find((x) => x.queue === queue);
    return !q ? "" : "unavailable" in q ? `<small class="bad">unavailable: ${e(q.unavailable)}</small>` : num(q.ready);
  };
  const consumers = part(f.broker, (b) =>
    table(
      ["queue", "flow", "node", "consuming", "in flight", "ready in queue"],
      b.consumers.map((c) =>
        row(e(c.queue), e(c.flow ?? ""), e(c.node), c.running ? '<span class="ok">yes</span>' : `<span class="bad">no${c.reason ? `: ${e(c.reason)}` : ""}</span>`, num(c.inFlight), depth(c.queue)),
      ),
      "no queue is consumed",
    ),
  );
  const dlq = part(f.queues, (q) => {
    const d = q.deadLetterQueue;
    const count = "unavailable" in d ? `unavailable: ${e(d.unavailable)}` : num(d.ready);
    return `<p>dead letters in <code>${e(d.queue)}</code>: <strong class="${"ready" in d && d.ready > 0 ? "bad" : ""}">${count}</strong> — to see them: <code class="cli">${e(d.detail.cli)}</code></p>`;
  });
  const recent = part(f.broker, (b) =>
    table(
      ["failed at", "from queue", "node", "reason"],
      b.recentDeadLetters.map((d) => row(e(d.at), e(d.queue), e(d.flow ? `${d.node} (${d.flow})` : d.node), `<span class="reason">${e(d.error)}</span>`)),
      "no dead letter kept by this hub since it started",
    ),
  );
  return `<h3>Connections</h3>${connections}<h3>Consumers</h3>${consumers}<h3>Dead letters</h3>${dlq}<h4>Newest dead letters this hub kept</h4>${recent}`;
}

function throughput(f: OpsFacts): string {
  return part(f.throughput, (t) => {
    const head = (what: string[]) => [...what, "since start", "last minute", "last 5 minutes"];
    return `<p class="note">Counted from the hub's counters, sampled every ${e(t.sampleEverySeconds)} s; a window with no sample that old yet counts since start.</p>
<h3>Messages settled per queue</h3>
${table(head(["queue", "flow", "outcome"]), t.queues.flatMap((q) => [`<tr><td>${e(q.queue)}</td><td>${e(q.flow ?? "")}</td><td>acknowledged</td>${countCells(q.acked)}</tr>`, `<tr><td>${e(q.queue)}</td><td>${e(q.flow ?? "")}</td><td>dead-lettered</td>${countCells(q.deadLettered)}</tr>`]), "no message taken off a queue yet")}
<h3>Node steps per flow</h3>
${table(head(["flow", "outcome"]), t.flows.flatMap((x) => [`<tr><td>${e(x.flow)}</td><td>ok</td>${countCells(x.ok)}</tr>`, `<tr><td>${e(x.flow)}</td><td>error</td>${countCells(x.error)}</tr>`]), "no node finished a message yet")}
<h3>Dead letters by queue and failing node</h3>
${table(head(["queue", "node"]), t.deadLetters.map((d) => `<tr><td>${e(d.queue)}</td><td>${e(d.node)}</td>${countCells(d.count)}</tr>`), "no dead letter since start")}
<h3>Published, duplicates, key conflicts</h3>
${table(
  head(["what", "where"]),
  [
    ...t.published.map((p) => `<tr><td>published</td><td>${e(p.exchange)} ${e(p.routingKey)}</td>${countCells(p.count)}</tr>`),
    ...t.duplicates.map((d) => `<tr><td>duplicates</td><td>${e(d.scope)}</td>${countCells(d.count)}</tr>`),
    ...t.keyConflicts.map((d) => `<tr><td>key conflicts</td><td>${e(d.scope)}</td>${countCells(d.count)}</tr>`),
  ],
  "nothing published yet",
)}`;
  });
}

function systems(f: OpsFacts): string {
  return part(f.systems, (s) => {
    const circuits = table(
      ["system", "host", "circuit", "opened since start"],
      s.circuits.map((c) => row(e(c.system ?? "?"), e(c.host), `<span class="${c.state === "closed" ? "ok" : "bad"}">${e(c.state)}</span>`, num(c.opened))),
      "no REST system called yet",
    );
    const soap = table(
      ["system", "calls", "ok", "SOAP faults", "failed", "attempts retried"],
      s.soap.map((x) => row(e(x.system), num(x.calls), num(x.ok), num(x.fault), `<span class="${x.failed > 0 ? "bad" : ""}">${num(x.failed)}</span>`, num(x.retried))),
      "no SOAP call yet",
    );
    const rest = table(
      ["system", "calls", "ok", "refused (4xx)", "failed", "circuit open", "attempts retried"],
      s.rest.map((x) => row(e(x.system), num(x.calls), num(x.ok), num(x.refused), `<span class="${x.failed > 0 ? "bad" : ""}">${num(x.failed)}</span>`, num(x.circuitOpen), num(x.retried))),
      "no REST call yet",
    );
    return `<h3>Circuit breakers</h3>${circuits}<h3>SOAP calls since start</h3>${soap}<h3>REST calls since start</h3>${rest}`;
  });
}

function business(f: OpsFacts): string {
  const b = f.business;
  const orders = part(b.orders, (o) =>
    `${table(["state", "orders"], o.byState.map((s) => row(e(s.state), capped(s))), "no order on the timeline")}<p>late on ${e(o.asOf)}: <strong class="${o.late.count > 0 ? "bad" : ""}">${capped(o.late)}</strong></p>`,
  );
  const approvals = part(b.approvals, (a) =>
    `<p>waiting: ${num(a.byState.pending, a.detail)} pending, ${num(a.byState.escalated, a.detail)} escalated; OA has not taken ${num(a.unsent)}; events owed ${num(a.eventsOwed)} <small>(decided so far: ${e(a.byState.approved)} approved, ${e(a.byState.rejected)} rejected)</small></p>`,
  );
  const held = part(b.held, (h) => `<p>held for credit: ${num(h.count, h.detail)}${h.oldestHeldAt ? ` <small>oldest since ${e(h.oldestHeldAt)}</small>` : ""}</p>`);
  const master = part(b.master, (m) => table(["kind", "records"], m.records.map((r) => row(e(r.kind), num(r.count, r.detail))), "no master data loaded"));
  const sync = part(b.masterSync, (m) =>
    table(
      ["source", "last run", "outcome", "records", "changed", "failed"],
      m.runs.map((r) => row(num(r.source, m.detail), e(r.at), `<span class="${r.outcome === "ok" ? "ok" : "bad"}">${e(r.outcome)}</span>${r.error ? ` <small>${e(r.error)}</small>` : ""}`, num(r.records), num(r.changed), num(r.failed))),
      "no master data sync ran since the hub started",
    ),
  );
  const reconciliation = part(b.reconciliation, (r) => {
    if (!r.last) return '<p class="none">no reconciliation run kept yet <code class="cli">orderhub reconcile</code></p>';
    const l = r.last;
    const kinds = Object.entries(l.byKind).map(([k, n]) => `${e(k)} ${num(n, l.detail)}`).join(", ");
    const counts = Object.entries(l.counts).map(([k, n]) => `${e(k)} ${num(n, l.detail)}`).join(", ");
    return `<p>run ${num(l.id, l.detail)} for ${e(l.date)} (kept ${e(l.recordedAt)}): ${counts}${kinds ? `; mismatches by kind: ${kinds}` : "; no mismatch"}</p>`;
  });
  const consignment = part(b.consignment, (c) =>
    `<p>consignment sites: ${num(c.count)}${c.sites.length ? ` — ${c.sites.map((s) => num(`${s.customer}/${s.site}`, s.detail)).join(", ")}` : ""}</p>`,
  );
  const planning = part(b.planning, (p) =>
    `${table(["production tasks", "count"], p.tasks.map((t) => row(e(t.status), capped(t))), "no production task")}<p>progress: ${num(p.done)} done of ${num(p.of)} not cancelled</p>`,
  );
  return `<h3>Orders by state</h3>${orders}<h3>Approvals</h3>${approvals}<h3>Held orders</h3>${held}<h3>Master data</h3>${master}<h4>Last sync per source</h4>${sync}<h3>Reconciliation</h3>${reconciliation}<h3>Consignment</h3>${consignment}<h3>Planning</h3>${planning}`;
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1d232a;background:#fff;line-height:1.4}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;border-bottom:2px solid #1d232a;margin-top:1.6rem}h3{font-size:1rem;margin:1rem 0 .3rem}h4{font-size:.9rem;margin:.8rem 0 .3rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ccd;padding:.2rem .4rem;text-align:left;vertical-align:top}th{background:#eef}
.sandbox{background:#c01d1d;color:#fff;font-weight:bold;padding:.4rem .8rem;letter-spacing:.05em}
.status{font-weight:bold;padding:.1rem .5rem;border-radius:.2rem}.status.ok{background:#1c7c38;color:#fff}.status.bad{background:#c01d1d;color:#fff}
.ok{color:#1c7c38}.bad{color:#c01d1d;font-weight:bold}.problem{color:#c01d1d}.warning{color:#8a5a00}.unavailable{color:#8a5a00;font-style:italic}
.none,.note{color:#556}.reason{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-word}code{font-size:.85rem}.cli{background:#f2f2f6;padding:0 .2rem}
a.n{color:#1d4ed8}dl{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem}dt{font-weight:bold}dd{margin:0}
@media print{body{max-width:none;font-size:10pt}a.n{color:#000;text-decoration:none}.sandbox{background:none;color:#000;border:2px solid #000}.status{border:1px solid #000;background:none!important;color:#000!important}tr,p,dl,ul{break-inside:avoid}h2,h3,h4{break-after:avoid}th{background:none}}
`;

export function renderPage(f: OpsFacts): string {
  const status = f.hub.available ? f.hub.status : "unknown";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${f.sandbox ? "OrderHub — SANDBOX" : "OrderHub"} · ops · ${e(status)}</title>
<style>${CSS}</style>
</head>
<body>
${f.sandbox ? '<div class="sandbox">OrderHub — SANDBOX: the stand-in systems answer, no real system is called</div>' : ""}
<header><h1>OrderHub — operations</h1><p>as of ${e(f.at)} · refreshes every 5 s · the same facts as JSON: <a href="/ops.json">/ops.json</a> · metrics: <a href="/metrics">/metrics</a></p></header>
<section id="hub"><h2>Hub</h2>${hub(f)}</section>
<section id="broker"><h2>Broker and queues</h2>${broker(f)}</section>
<section id="throughput"><h2>Throughput</h2>${throughput(f)}</section>
<section id="systems"><h2>Systems</h2>${systems(f)}</section>
<section id="business"><h2>Business</h2>${business(f)}</section>
</body>
</html>
`;
}
