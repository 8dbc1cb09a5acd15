/**
 * The sandbox OA's approval rules, as an approver's department would set them: approve small orders at once, reject
 * the customers it does not deal with and anything above a ceiling, and leave the rest to a person. Pure.
 */

export interface OaRules {
  /** An order whose payable amount is below this is approved by OA's rule (strictly below: at the amount, a person decides). */
  autoApproveBelow: number;
  reject: {
    /** Buyers OA rejects whatever the amount. */
    customers: string[];
    /** An order whose payable amount is above this is rejected (strictly above). */
    above?: number;
  };
  /** How long OA takes before it calls the hub back with a rule's decision. */
  delayMs: number;
}

export const DEFAULT_OA_RULES: Readonly<OaRules> = { autoApproveBelow: 50_000, reject: { customers: [] }, delayMs: 500 };

export type OaVerdict =
  | { decision: "approve" | "reject"; rule: "reject-customer" | "reject-above" | "auto-approve"; comment: string }
  | { decision: undefined; rule: "person"; comment: string };

const money = (n: number, currency: string) => `${n.toFixed(2)} ${currency}`;

/** What OA's rules say of a request for `buyer` over `payable`: a decision, or that a person must decide. */
export function oaVerdict(request: { buyer: string; payable: number; currency: string }, rules: OaRules): OaVerdict {
  const { buyer, payable, currency } = request;
  if (rules.reject.customers.includes(buyer)) return { decision: "reject", rule: "reject-customer", comment: `OA rejects every order of customer ${buyer}` };
  if (rules.reject.above !== undefined && payable > rules.reject.above) {
    return { decision: "reject", rule: "reject-above", comment: `${money(payable, currency)} is above OA's ceiling of ${money(rules.reject.above, currency)}` };
  }
  if (payable < rules.autoApproveBelow) {
    return { decision: "approve", rule: "auto-approve", comment: `${money(payable, currency)} is below OA's auto-approval limit of ${money(rules.autoApproveBelow, currency)}` };
  }
  return { decision: undefined, rule: "person", comment: `${money(payable, currency)} is not below OA's auto-approval limit of ${money(rules.autoApproveBelow, currency)}: a person decides` };
}

const shown = (v: unknown) => (v === undefined ? "missing" : JSON.stringify(v));

function limit(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new Error(`${field}: must be an amount, 0 or more (is ${shown(value)})`);
  return value;
}

/**
 * The rules after a `PUT /_rules` body: the fields it gives replace the current ones (`reject` as a whole; `above:
 * null` removes the ceiling). Throws naming the field for a value that is none, or a field OA does not know.
 */
export function changedRules(current: OaRules, body: unknown): OaRules {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error('send JSON: {"autoApproveBelow": 50000, "reject": {"customers": ["C-X"], "above": 250000}, "delayMs": 500}');
  const next: OaRules = { ...current, reject: { ...current.reject, customers: [...current.reject.customers] } };
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === "autoApproveBelow") next.autoApproveBelow = limit(value, key);
    else if (key === "delayMs") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 3_600_000) throw new Error(`delayMs: must be whole milliseconds from 0 to 3600000 (is ${shown(value)})`);
      next.delayMs = value;
    } else if (key === "reject") {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`reject: must be an object {customers?, above?} (is ${shown(value)})`);
      const r = value as Record<string, unknown>;
      const unknown = Object.keys(r).find((k) => k !== "customers" && k !== "above");
      if (unknown) throw new Error(`reject.${unknown}: no such rule (there are customers, above)`);
      const customers = r.customers ?? [];
      if (!Array.isArray(customers) || customers.some((c) => typeof c !== "string" || c.trim() === "")) throw new Error(`reject.customers: must be a list of customer ids (is ${shown(r.customers)})`);
      next.reject = { customers: (customers as string[]).map((c) => c.trim()) };
      if (r.above !== undefined && r.above !== null) next.reject.above = limit(r.above, "reject.above");
    } else throw new Error(`${key}: no such rule (there are autoApproveBelow, reject, delayMs)`);
  }
  return next;
}
