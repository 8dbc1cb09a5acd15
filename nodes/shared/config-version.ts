import { IDEMPOTENT_MIGRATIONS } from "../idempotent/migrations";

/**
 * Users' flows are data that outlive a release. Every OrderHub node saves `configVersion` with its config; when a
 * node's config changes shape, its version goes up here and a migration brings configs saved by older releases up to
 * date as the flow loads, so a deployed flow keeps working after an upgrade.
 */
export interface ConfigMigration {
  /** The version this step upgrades from (to from + 1). */
  from: number;
  /** What changed, for the log. */
  why: string;
  up(config: Record<string, unknown>): Record<string, unknown>;
}

interface NodeConfigHistory {
  version: number;
  migrations: ConfigMigration[];
}

/** The current config version of each node type and how to get there. Version 1 is the first release's shape. */
export const CONFIG_VERSIONS: Record<string, NodeConfigHistory> = {
  "amqp-broker": { version: 1, migrations: [] },
  "amqp-in": { version: 1, migrations: [] },
  "amqp-out": { version: 1, migrations: [] },
  "order-normalize": { version: 1, migrations: [] },
  "order-validate": { version: 1, migrations: [] },
  idempotent: { version: 2, migrations: IDEMPOTENT_MIGRATIONS },
  settle: { version: 1, migrations: [] },
  "dead-letter": { version: 1, migrations: [] },
  "master-data": { version: 1, migrations: [] },
  "approval-request": { version: 1, migrations: [] },
  "order-audit": { version: 1, migrations: [] },
  "price-check": { version: 1, migrations: [] },
  "credit-check": { version: 1, migrations: [] },
  "atp-check": { version: 1, migrations: [] },
  "order-evaluate": { version: 1, migrations: [] },
  "order-outcome": { version: 1, migrations: [] },
  "order-record": { version: 1, migrations: [] },
  "order-revision": { version: 1, migrations: [] },
  "order-change": { version: 1, migrations: [] },
  "credit-release": { version: 1, migrations: [] },
  kitting: { version: 1, migrations: [] },
  "mrp-plan": { version: 1, migrations: [] },
  "bom-import": { version: 1, migrations: [] },
  "delivery-note": { version: 1, migrations: [] },
  "shipment-credit-check": { version: 1, migrations: [] },
  "invoice-build": { version: 1, migrations: [] },
  "ar-voucher": { version: 1, migrations: [] },
  "order-close": { version: 1, migrations: [] },
  "rest-system": { version: 1, migrations: [] },
  "rest-call": { version: 1, migrations: [] },
  "rest-webhook": { version: 1, migrations: [] },
  "timeline-record": { version: 1, migrations: [] },
  "o2c-event": { version: 1, migrations: [] },
  "invoice-on-delivery": { version: 1, migrations: [] },
  "erp-system": { version: 1, migrations: [] },
  "soap-call": { version: 1, migrations: [] },
  "soap-endpoint": { version: 1, migrations: [] },
  "soap-response": { version: 1, migrations: [] },
  "master-sync": { version: 1, migrations: [] },
  "shortage-check": { version: 1, migrations: [] },
  "consignment-ledger": { version: 1, migrations: [] },
  reconcile: { version: 1, migrations: [] },
  dunning: { version: 1, migrations: [] },
  "payment-apply": { version: 1, migrations: [] },
  "settlement-record": { version: 1, migrations: [] },
  "return-receipt": { version: 1, migrations: [] },
  "intercompany-order": { version: 1, migrations: [] },
  "consignment-order": { version: 1, migrations: [] },
  "order-route": { version: 1, migrations: [] },
  "intercompany-shipment": { version: 1, migrations: [] },
};

export interface Upgraded<T> {
  config: T;
  /** The version the config was saved with. */
  from: number;
  /** One line per step applied. */
  steps: string[];
}

/** Brings a saved config up to `history.version`, one step at a time. A config saved by a newer release is refused. */
export function upgradeConfig<T>(type: string, saved: object, history: NodeConfigHistory): Upgraded<T> {
  const from = Number((saved as { configVersion?: unknown }).configVersion ?? 1);
  if (!Number.isInteger(from) || from < 1) {
    throw new Error(`${type}: configVersion ${String((saved as { configVersion?: unknown }).configVersion)} is not a version; re-create the node`);
  }
  if (from > history.version) {
    throw new Error(`${type}: this node was saved by a newer OrderHub (config version ${from}; this release reads up to ${history.version}): upgrade OrderHub or re-create the node`);
  }
  let config = { ...saved } as Record<string, unknown>;
  const steps: string[] = [];
  for (let v = from; v < history.version; v++) {
    const step = history.migrations.find((m) => m.from === v);
    if (!step) throw new Error(`${type}: no migration from config version ${v}; this release cannot read the saved node`);
    config = step.up(config);
    steps.push(`${type} config v${v} → v${v + 1}: ${step.why}`);
  }
  return { config: { ...config, configVersion: history.version } as T, from, steps };
}

/** For a node's constructor: the upgraded config, or undefined after reporting why it cannot be read. */
export function readNodeConfig<T>(node: { error(msg: string): void; warn(msg: string): void; status(s: object): void }, type: string, saved: object): T | undefined {
  try {
    const { config, steps } = upgradeConfig<T>(type, saved, CONFIG_VERSIONS[type]);
    for (const step of steps) node.warn(`${step} (deploy the flow to save it in the new form)`);
    return config;
  } catch (err) {
    node.status({ fill: "red", shape: "dot", text: "config from another release" });
    node.error((err as Error).message);
    return undefined;
  }
}
