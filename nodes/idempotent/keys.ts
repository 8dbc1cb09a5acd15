import type { HubMessage, NodeAPI } from "../shared/types";

/**
 * An order's identity (domain/order/canonical-order.ts, orderKey): its buyer (id, else GLN, else name), the buyer's
 * order number and the revision. The default business key of the idempotent node, and so of the intake flow.
 */
export const ORDER_KEY_PROPERTIES = "payload.buyer.id|payload.buyer.gln|payload.buyer.name,payload.orderNumber,payload.revision";

/** The key of releases before config version 2: the order number and revision alone. */
export const NUMBER_KEY_PROPERTIES = "payload.orderNumber,payload.revision";

/** A part of the business key: a message property, or the first present of several (`a|b|c`), parsed once. */
export interface KeyProperty {
  /** As written, for errors: "payload.buyer.id|payload.buyer.gln". */
  name: string;
  /** Each alternative's name and path, in order. */
  alternatives: Array<{ name: string; path: Array<string | number> }>;
}

/** `payload.orderNumber,payload.revision`: comma-separated parts; a part `a|b` takes `a`, else `b`. */
export function keyProperties(RED: NodeAPI, list: string): KeyProperty[] {
  return list
    .split(",")
    .map((part) =>
      part
        .split("|")
        .map((p) => p.trim().replace(/^msg\./, ""))
        .filter(Boolean)
        .map((name) => ({ name, path: RED.util.normalisePropertyExpression(name) as Array<string | number> })),
    )
    .filter((alternatives) => alternatives.length > 0)
    .map((alternatives) => ({ name: alternatives.map((a) => a.name).join("|"), alternatives }));
}

function valueAt(msg: object, path: Array<string | number>): unknown {
  let value: unknown = msg;
  for (const step of path) value = value === undefined || value === null ? undefined : (value as Record<string | number, unknown>)[step];
  return value === null || value === "" ? undefined : value;
}

const listed = (names: string[]) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`);

/** The business key from the message (its parts joined by "/"), or an error that names the missing property. */
export function businessKey(msg: HubMessage, properties: KeyProperty[]): string {
  let key = "";
  for (const { alternatives } of properties) {
    let value: unknown;
    for (const { path } of alternatives) if ((value = valueAt(msg, path)) !== undefined) break;
    if (value === undefined) {
      const names = alternatives.map((a) => `msg.${a.name}`);
      throw new Error(`idempotent: the business key needs ${listed(names)}, which ${names.length === 1 ? "is" : "are all"} missing`);
    }
    key = key ? `${key}/${String(value)}` : String(value);
  }
  return key;
}

/** The key, or undefined when the message lacks a part of it. */
export function businessKeyIfAny(msg: HubMessage, properties: KeyProperty[]): string | undefined {
  try {
    return properties.length ? businessKey(msg, properties) : undefined;
  } catch {
    return undefined;
  }
}
