import express from "express";
import { FaultSwitches } from "../faults";
import { HubCallbacks, retryPolicy, type CallbackRecord, type StandInOptions } from "../standin-callbacks";
import { Refusal, amount, handle, restStandInRouter, idempotencyKey, invalid, jsonBody, list, objectBody, optionalText, record, text } from "../standin-http";
import type { SandboxContext, StandIn } from "../types";
import { DEFAULT_OA_RULES, changedRules, oaVerdict, type OaRules, type OaVerdict } from "./rules";

/**
 * The sandbox OA (office automation: where a person approves an order), at `/sandbox/oa`:
 * - `POST /approvals` (or `POST /`): an approval request exactly as the hub's `approval-request` node sends it
 *   (domain/order/approval.ts `ApprovalRequest`) → 202; the same approvalId again → 200, the one it holds.
 * - OA's rules (`GET`/`PUT /_rules`) decide it and call the hub back after `delayMs` with
 *   `POST {hub}/api/approvals/{id}` `{decision, by: "oa-sandbox", comment}`; what they leave waits for a person:
 *   `POST /approvals/{id}/decide` `{decision: "approve"|"reject", by?, comment?}`.
 * - `GET /approvals`, `GET /approvals/{id}`.
 */

export const OA_DECIDER = "oa-sandbox";

export interface OaApproval {
  id: string;
  orderKey: string;
  orderNumber: string;
  buyer: string;
  payable: number;
  currency: string;
  reasons: string[];
  receivedAt: string;
  /** How many times the hub sent the request (a retry after a lost answer sends it again). */
  received: number;
  /** waiting: for a person; scheduled: a rule decided, the call to the hub is due; decided: the hub was told (or the call failed: see `hub`). */
  state: "waiting" | "scheduled" | "decided";
  rule: OaVerdict["rule"];
  decision?: { decision: "approve" | "reject"; by: string; comment: string; at: string };
  /** What the hub answered to the decision. */
  hub?: { status?: number; error?: string };
  request: Record<string, unknown>;
}

const REQUEST_SHAPE = '{"approvalId", "orderKey", "orderNumber", "buyer", "amount": {"payable", "currency"}, "reasons": [...]}';

/** The parts of an approval request OA needs; 422 naming the field that is missing or wrong. */
function requestOf(body: unknown): Omit<OaApproval, "receivedAt" | "received" | "state" | "rule"> {
  const b = objectBody(body, REQUEST_SHAPE);
  const money = record(b.amount, "amount");
  const reasons = list(b.reasons, "reasons", 0);
  reasons.forEach((r, i) => text(r, `reasons[${i}]`));
  return {
    id: text(b.approvalId, "approvalId"),
    orderKey: text(b.orderKey, "orderKey"),
    orderNumber: text(b.orderNumber, "orderNumber"),
    buyer: text(b.buyer, "buyer"),
    payable: amount(money.payable, "amount.payable", "0 or more"),
    currency: text(money.currency, "amount.currency"),
    reasons: reasons as string[],
    request: b,
  };
}

export function createOa(ctx: SandboxContext, options: StandInOptions = {}): StandIn {
  const faults = new FaultSwitches();
  const callbacks = new HubCallbacks(ctx, faults, retryPolicy(options));
  const approvals = new Map<string, OaApproval>();
  const timers = new Set<NodeJS.Timeout>();
  let rules: OaRules = structuredClone(DEFAULT_OA_RULES) as OaRules;

  const tellHub = async (a: OaApproval, decision: "approve" | "reject", by: string, comment: string): Promise<CallbackRecord> => {
    a.decision = { decision, by, comment, at: new Date().toISOString() };
    const result = await callbacks.call("POST", `/api/approvals/${encodeURIComponent(a.id)}`, { decision, by, comment }, `${a.id}:${decision}`);
    if (approvals.get(a.id) === a) {
      a.state = "decided";
      a.hub = { status: result.status, ...(result.error ? { error: result.error } : {}) };
    }
    return result;
  };

  const business = express.Router();

  const receive = handle((req, res) => {
    const asked = requestOf(req.body);
    const held = approvals.get(asked.id);
    if (held) {
      held.received++;
      return res.status(200).json({ approvalId: held.id, state: held.state, repeat: true });
    }
    const verdict = oaVerdict({ buyer: asked.buyer, payable: asked.payable, currency: asked.currency }, rules);
    const a: OaApproval = { ...asked, receivedAt: new Date().toISOString(), received: 1, state: verdict.decision ? "scheduled" : "waiting", rule: verdict.rule };
    approvals.set(a.id, a);
    if (verdict.decision) {
      const decision = verdict.decision;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void tellHub(a, decision, OA_DECIDER, verdict.comment);
      }, rules.delayMs);
      timers.add(timer);
    }
    res.status(202).json({ approvalId: a.id, state: a.state, rule: verdict.rule, comment: verdict.comment, idempotencyKey: idempotencyKey(req) ?? null });
  });
  business.post("/", jsonBody(), receive);
  business.post("/approvals", jsonBody(), receive);

  business.get("/approvals", (req, res) => {
    const state = req.query.state;
    const all = [...approvals.values()].filter((a) => state === undefined || a.state === state);
    res.json({ count: all.length, approvals: all });
  });

  business.get("/approvals/:id", (req, res) => {
    const a = approvals.get(req.params.id);
    if (!a) throw new Refusal(404, `OA has no approval ${req.params.id}`);
    res.json(a);
  });

  business.post(
    "/approvals/:id/decide",
    jsonBody("64kb"),
    handle(async (req, res) => {
      const a = approvals.get(req.params.id);
      if (!a) throw new Refusal(404, `OA has no approval ${req.params.id}`);
      const b = objectBody(req.body, '{"decision": "approve" | "reject", "by": "<who>", "comment": "<why>"}');
      if (b.decision !== "approve" && b.decision !== "reject") throw invalid(`decision: must be "approve" or "reject" (is ${JSON.stringify(b.decision) ?? "missing"})`);
      const by = optionalText(b.by, "by") ?? OA_DECIDER;
      const comment = optionalText(b.comment, "comment") ?? `${b.decision === "approve" ? "approved" : "rejected"} in OA by ${by}`;
      if (a.state !== "waiting") {
        const who = a.decision ? `${a.decision.decision} by ${a.decision.by} at ${a.decision.at}` : `by OA's rule (${a.rule}), to be sent to the hub`;
        throw new Refusal(409, `approval ${a.id} (order ${a.orderKey}) is decided already: ${who}`, { approval: a });
      }
      a.state = "scheduled";
      const result = await tellHub(a, b.decision, by, comment);
      if (result.error) return res.status(202).json({ approval: a, warning: `decided in OA, but the hub did not take it: ${result.error}; POST /sandbox/oa/_callbacks/retry sends it again` });
      res.json({ approval: a, hub: result.answer });
    }),
  );

  const control = express.Router();
  control.get("/_rules", (_req, res) => res.json(rules));
  control.put("/_rules", jsonBody("64kb"), (req, res) => {
    try {
      rules = changedRules(rules, req.body);
    } catch (err) {
      throw new Refusal(400, (err as Error).message);
    }
    res.json(rules);
  });

  const reset = () => {
    timers.forEach(clearTimeout);
    timers.clear();
    approvals.clear();
    callbacks.reset();
    rules = structuredClone(DEFAULT_OA_RULES) as OaRules;
    faults.clear();
  };
  const state = () => ({ rules, approvals: [...approvals.values()], callbacksSent: callbacks.sent.length, failedCallbacks: callbacks.failed });

  return {
    name: "oa",
    router: restStandInRouter("OA", faults, callbacks, control, business, state, reset),
    faults,
    state,
    reset,
    async stop() {
      timers.forEach(clearTimeout);
      timers.clear();
      callbacks.reset();
    },
  };
}

