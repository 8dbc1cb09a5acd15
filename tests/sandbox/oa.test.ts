import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postJson } from "../../connectors/rest/post-json";
import { approvalRequest } from "../../domain/order/approval";
import type { Decision } from "../../domain/order/decision";
import { createOa } from "../../sandbox/oa";
import { changedRules, DEFAULT_OA_RULES, oaVerdict, type OaRules } from "../../sandbox/oa/rules";
import type { StandIn } from "../../sandbox/types";
import { deskOrder } from "../support/order-decisions";
import { quietFor, until } from "../support/wait";
import { call, contextFor, serve, startReceiver, type HubReceiver } from "./hub-receiver";

const rules = (change: Partial<OaRules> = {}): OaRules => ({ ...DEFAULT_OA_RULES, reject: { customers: [] }, ...change });

describe("OA's rules, as the approver's department sets them", () => {
  const cases: Array<[string, { buyer: string; payable: number }, OaRules, string | undefined, string]> = [
    ["a small order is approved by rule", { buyer: "C-1", payable: 1_200 }, rules(), "approve", "auto-approve"],
    ["an order of nothing is approved by rule", { buyer: "C-1", payable: 0 }, rules(), "approve", "auto-approve"],
    ["exactly at the limit: a person decides (below means below)", { buyer: "C-1", payable: 50_000 }, rules(), undefined, "person"],
    ["above the limit: a person decides", { buyer: "C-1", payable: 80_000 }, rules(), undefined, "person"],
    ["a customer on the reject list is rejected even for a small order", { buyer: "C-BAD", payable: 10 }, rules({ reject: { customers: ["C-BAD"] } }), "reject", "reject-customer"],
    ["above the ceiling: rejected", { buyer: "C-1", payable: 250_000.01 }, rules({ reject: { customers: [], above: 250_000 } }), "reject", "reject-above"],
    ["exactly at the ceiling: not rejected, a person decides", { buyer: "C-1", payable: 250_000 }, rules({ reject: { customers: [], above: 250_000 } }), undefined, "person"],
    ["a limit of 0 approves nothing by rule, not even a free order", { buyer: "C-1", payable: 0 }, rules({ autoApproveBelow: 0 }), undefined, "person"],
  ];
  it.each(cases)("%s", (_name, request, given, decision, rule) => {
    const verdict = oaVerdict({ ...request, currency: "EUR" }, given);
    expect(verdict.decision).toBe(decision);
    expect(verdict.rule).toBe(rule);
  });

  it("changing the rules names the field that is wrong, and keeps what is not given", () => {
    expect(changedRules(rules(), { delayMs: 0 })).toEqual({ ...rules(), delayMs: 0 });
    expect(changedRules(rules({ reject: { customers: ["X"], above: 5 } }), { reject: { customers: ["Y"], above: null } }).reject).toEqual({ customers: ["Y"] });
    expect(() => changedRules(rules(), { autoApproveBelow: -1 })).toThrow("autoApproveBelow: must be an amount, 0 or more (is -1)");
    expect(() => changedRules(rules(), { reject: { customers: "C-1" } })).toThrow("reject.customers: must be a list of customer ids");
    expect(() => changedRules(rules(), { reject: { below: 3 } })).toThrow("reject.below: no such rule");
    expect(() => changedRules(rules(), { autoApprove: 3 })).toThrow("autoApprove: no such rule (there are autoApproveBelow, reject, delayMs)");
    expect(() => changedRules(rules(), { delayMs: 1.5 })).toThrow("delayMs: must be whole milliseconds");
  });
});

/** An approval request exactly as the hub's approval-request node builds it. */
function hubRequest(id: string, buyer: string, quantity: number) {
  const order = deskOrder(`PO-${id}`, buyer, { quantity });
  const decisions: Decision[] = [{ rule: "audit", outcome: "approval", reasons: [`sales rep SR-X is not authorised for customer ${buyer}`] } as Decision];
  return approvalRequest(order, decisions, { approvalId: id, correlationId: `corr-${id}`, orderKey: `${buyer}/PO-${id}/0` }, { escalateAfterMs: 86_400_000, rejectAfterMs: 86_400_000 }, "2026-01-15T10:00:00.000Z");
}

describe("the sandbox OA over HTTP", () => {
  let hub: HubReceiver;
  let oa: StandIn;
  let server: { base: string; close(): Promise<void> };

  beforeAll(async () => {
    hub = await startReceiver();
    oa = createOa(contextFor(hub), { retry: { retries: 3, initialDelayMs: 20, maxDelayMs: 80 } });
    server = await serve(oa);
  });
  afterAll(async () => {
    await server.close();
    await hub.close();
  });
  beforeEach(async () => {
    oa.reset();
    hub.calls.length = 0;
    hub.answer = () => ({ status: 200, body: { state: "approved" } });
    expect((await call("PUT", `${server.base}/_rules`, { delayMs: 0 })).status).toBe(200);
  });

  it("takes the request the approval-request node sends and approves a small order by calling the hub back", async () => {
    const request = hubRequest("apv-1", "C-GOOD", 10); // 1,000.00 EUR
    const answer = await postJson(`${server.base}/approvals`, request, { headers: { "idempotency-key": "apv-1" }, retries: 0 });
    expect(answer.status).toBe(202);
    const back = await until("OA's decision at the hub", () => hub.on("/api/approvals/apv-1")[0]);
    expect(back.method).toBe("POST");
    expect(back.body).toMatchObject({ decision: "approve", by: "oa-sandbox" });
    expect((back.body as { comment: string }).comment).toContain("1000.00 EUR is below OA's auto-approval limit of 50000.00 EUR");
    expect(back.headers.authorization).toBe("Bearer sandbox-key");
    await until("the approval decided in OA", () => (oa.state() as any).approvals[0].state === "decided");

    // the hub sends the same request again (its answer was lost): the one OA holds, no second decision
    const again = await call("POST", `${server.base}/approvals`, request);
    expect(again).toMatchObject({ status: 200, body: { approvalId: "apv-1", repeat: true } });
    expect(await quietFor(() => hub.calls.length, 200)).toBe(1);
  });

  it("accepts the request at its base URL too (the address the hub gives a system)", async () => {
    expect((await call("POST", server.base, hubRequest("apv-base", "C-GOOD", 1))).status).toBe(202);
    await until("the decision", () => hub.on("/api/approvals/apv-base").length === 1);
  });

  it("leaves a large order to a person, whose decision goes to the hub once; rejects a listed customer by rule", async () => {
    await call("PUT", `${server.base}/_rules`, { autoApproveBelow: 1_000, reject: { customers: ["C-BLOCKED"] } });
    expect((await call("POST", `${server.base}/approvals`, hubRequest("apv-big", "C-GOOD", 50))).body).toMatchObject({ state: "waiting", rule: "person" });
    expect((await call("POST", `${server.base}/approvals`, hubRequest("apv-bad", "C-BLOCKED", 1))).body).toMatchObject({ state: "scheduled", rule: "reject-customer" });
    const rejected = await until("the rule's rejection", () => hub.on("/api/approvals/apv-bad")[0]);
    expect(rejected.body).toMatchObject({ decision: "reject", by: "oa-sandbox", comment: "OA rejects every order of customer C-BLOCKED" });
    expect(hub.on("/api/approvals/apv-big")).toHaveLength(0);

    const decided = await call("POST", `${server.base}/approvals/apv-big/decide`, { decision: "approve", by: "anna.berg", comment: "known customer" });
    expect(decided.status).toBe(200);
    expect(hub.on("/api/approvals/apv-big").map((c) => c.body)).toEqual([{ decision: "approve", by: "anna.berg", comment: "known customer" }]);
    const twice = await call("POST", `${server.base}/approvals/apv-big/decide`, { decision: "reject" });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toContain("approval apv-big (order C-GOOD/PO-apv-big/0) is decided already: approve by anna.berg");
    expect((await call("POST", `${server.base}/approvals/nope/decide`, { decision: "approve" })).status).toBe(404);
  });

  it("refuses requests and decisions a real OA could not take, naming the field", async () => {
    const { approvalId: _drop, ...noId } = hubRequest("x", "C-GOOD", 1);
    expect(await call("POST", `${server.base}/approvals`, noId)).toMatchObject({ status: 422, body: { error: 'approvalId: must be non-empty text (is missing)' } });
    const badAmount = { ...hubRequest("y", "C-GOOD", 1), amount: { payable: "1000", currency: "EUR" } };
    expect(await call("POST", `${server.base}/approvals`, badAmount)).toMatchObject({ status: 422, body: { error: 'amount.payable: must be a number 0 or more (is "1000")' } });
    expect((await call("POST", `${server.base}/approvals`, "{not json", { "content-type": "application/json" })).status).toBe(400);
    expect(await call("PUT", `${server.base}/_rules`, { autoApproveBelow: "lots" })).toMatchObject({ status: 400, body: { error: 'autoApproveBelow: must be an amount, 0 or more (is "lots")' } });
    await call("PUT", `${server.base}/_rules`, { autoApproveBelow: 0 });
    await call("POST", `${server.base}/approvals`, hubRequest("z", "C-GOOD", 1));
    expect((await call("POST", `${server.base}/approvals/z/decide`, { decision: "maybe" })).body.error).toBe('decision: must be "approve" or "reject" (is "maybe")');
    expect(hub.calls).toHaveLength(0);
  });

  it("retries a callback the hub cannot take yet, and keeps one the hub refuses in failedCallbacks", async () => {
    let busy = 2;
    hub.answer = (c) => (c.path === "/api/approvals/apv-retry" && busy-- > 0 ? { status: 503, body: { error: "store busy" } } : c.path === "/api/approvals/apv-late" ? { status: 409, body: { error: "rejected by orderhub at the deadline" } } : { status: 200 });
    await call("POST", `${server.base}/approvals`, hubRequest("apv-retry", "C-GOOD", 1));
    await call("POST", `${server.base}/approvals`, hubRequest("apv-late", "C-GOOD", 1));
    await until("both calls done", () => (oa.state() as any).approvals.every((a: any) => a.state === "decided"));
    expect(hub.on("/api/approvals/apv-retry")).toHaveLength(3);
    const failed = (oa.state() as any).failedCallbacks;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ path: "/api/approvals/apv-late", status: 409, attempts: 1 });
    expect(failed[0].error).toContain("rejected by orderhub at the deadline");
  });

  it("answers 503 while it is down", async () => {
    expect((await call("PUT", `${server.base}/_faults`, { down: true })).status).toBe(200);
    expect(await call("POST", `${server.base}/approvals`, hubRequest("apv-down", "C-GOOD", 1))).toMatchObject({ status: 503 });
    await call("PUT", `${server.base}/_faults`, { down: false });
    expect((await call("POST", `${server.base}/approvals`, hubRequest("apv-down", "C-GOOD", 1))).status).toBe(202);
  });
});
