import type { ConfigMigration } from "../shared/config-version";
import { NUMBER_KEY_PROPERTIES, ORDER_KEY_PROPERTIES } from "./keys";

/** `msg.payload.orderNumber, payload.revision` and `payload.orderNumber,payload.revision` are the same key. */
const normalized = (list: unknown) =>
  String(list ?? "")
    .split(",")
    .map((p) => p.trim().replace(/^msg\./, ""))
    .filter(Boolean)
    .join(",");

/** How a saved idempotent node's config is brought up to date, one version at a time. */
export const IDEMPOTENT_MIGRATIONS: ConfigMigration[] = [
  {
    from: 1,
    why: "an order is its buyer's order number and revision: the default business key (order number + revision) becomes buyer + order number + revision, and the keys stored under the old one still count (earlierKeyProperties)",
    up(config) {
      const key = normalized(config.keyProperties);
      // A key of the user's own stays as it is; the old default (also what an empty key meant) becomes the new one.
      if (key && key !== NUMBER_KEY_PROPERTIES) return { ...config, earlierKeyProperties: "" };
      return { ...config, keyProperties: ORDER_KEY_PROPERTIES, earlierKeyProperties: NUMBER_KEY_PROPERTIES };
    },
  },
];
