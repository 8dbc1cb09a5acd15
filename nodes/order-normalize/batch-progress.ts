import type { MappingProgress } from "../../mappings";
import { batchOrdersPending } from "../../observability/metrics";
import type { ThroughputStatus } from "../shared/status";

const count = (n: number) => n.toLocaleString("en-US");

/** One document's reports and its end; `end` is safe to call whether or not a report came. */
export interface BatchTracker {
  onProgress(progress: MappingProgress): void;
  end(): void;
}

/**
 * The documents with several orders a node is mapping: the editor shows how far they have come ("mapped 1,200 of
 * 4,000 orders", or "2 documents: mapped 1,500 of 5,000 orders"), and orderhub_batch_orders_pending how many orders are
 * left. A 10 MB interchange takes tens of seconds to map; without this the node would look idle all that time.
 */
export class BatchProgress {
  private readonly batches = new Set<MappingProgress>();

  constructor(private readonly status: ThroughputStatus) {}

  begin(): BatchTracker {
    let last: MappingProgress | undefined;
    return {
      onProgress: (progress) => {
        const left = last ? last.count - last.done : 0;
        if (last) this.batches.delete(last);
        last = { ...progress };
        this.batches.add(last);
        batchOrdersPending.inc({ format: progress.format }, progress.count - progress.done - left);
        this.show();
      },
      end: () => {
        if (!last) return;
        this.batches.delete(last);
        batchOrdersPending.dec({ format: last.format }, last.count - last.done);
        last = undefined;
        this.show();
      },
    };
  }

  private show(): void {
    const batches = [...this.batches].filter((b) => b.done < b.count);
    if (batches.length === 0) return this.status.busyWith(undefined);
    const done = batches.reduce((sum, b) => sum + b.done, 0);
    const all = batches.reduce((sum, b) => sum + b.count, 0);
    this.status.busyWith(batches.length === 1 ? `mapped ${count(done)} of ${count(all)} orders` : `${batches.length} documents: mapped ${count(done)} of ${count(all)} orders`);
  }
}
