import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteStore, setHubStore, type HubStore } from "../../store";
import { json } from "../support/amqp";
import { INBOUND, useIntakeFlow } from "../support/intake-flow";
import { canonicalOrder } from "../support/orders";
import { until } from "../support/wait";

const intake = useIntakeFlow("orderhub-in-flight");

/**
 * The hub's store, except that the done marks wait until `release()`: the original's event is published and
 * acknowledged, but its key is not yet confirmed, for as long as the test needs. Every claim is noted with the inbound
 * message it is for.
 */
class HeldDoneMarks implements HubStore {
  readonly kind = "sqlite" as const;
  readonly claimedFor: string[] = [];
  private held: Array<() => void> | undefined = [];

  constructor(private readonly inner: SqliteStore) {}

  claim(...args: Parameters<HubStore["claim"]>) {
    this.claimedFor.push(args[5] ?? "");
    return this.inner.claim(...args);
  }

  markDone(...args: Parameters<HubStore["markDone"]>): Promise<void> {
    const held = this.held;
    if (!held) return this.inner.markDone(...args);
    return new Promise((resolve, reject) => held.push(() => void this.inner.markDone(...args).then(resolve, reject)));
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const mark of held) mark();
  }

  purgeBefore = (olderThan: number) => this.inner.purgeBefore(olderThan);
  ping = () => this.inner.ping();
  close = () => this.inner.close();
}

describe("an order whose event is published but not yet confirmed in the store", () => {
  it("is announced once, however long its repeats wait: a conflict and a retry that waited out their turn publish nothing more", async () => {
    const events = await intake.start();
    const client = intake.client;
    const store = new HeldDoneMarks(new SqliteStore(join(intake.dir, "held.db")));
    setHubStore(store);
    const body = JSON.stringify(canonicalOrder("SO-HELD"));
    const changed = canonicalOrder("SO-HELD") as { lines: Array<{ quantity: number; lineAmount: number; unitPrice: number }>; totals: Record<string, number> };
    changed.lines[0].quantity += 1;
    changed.lines[0].lineAmount += changed.lines[0].unitPrice;
    changed.totals.lineTotal += changed.lines[0].unitPrice;
    changed.totals.payable += changed.lines[0].unitPrice;

    await client.send(INBOUND, body, { contentType: "application/json", messageId: "held-1" });
    const [accepted] = await client.collect(events, 1);
    expect(accepted.fields.routingKey).toBe("order.accepted");

    // a changed order under the same number and revision, and the sender's retry of the first: both wait for it
    await client.send(INBOUND, JSON.stringify(changed), { contentType: "application/json", messageId: "held-2" });
    await client.send(INBOUND, body, { contentType: "application/json", messageId: "held-3" });
    // until their wait ran out and each asked the store about its key
    await until("the repeats' claims", () => store.claimedFor.includes("held-2") && store.claimedFor.includes("held-3"));
    store.release();

    const got = await client.collect(events, 3, 1500);
    expect(got.map((m) => m.fields.routingKey).sort()).toEqual(["order.rejected"]);
    expect(json(got[0]).inboundMessageId).toBe("held-2");
    expect(await client.depth(INBOUND)).toBe(0);
    await store.close();
  });
});
