// The order timeline on its way to and from the writer thread (store/sqlite-timeline.cjs): an operation and its
// arguments go, plain records come back.
import type { SendToWriter } from "./sqlite-orders";
import type { ProgressQuery, ProgressRow, TimelineRead, TimelineStore, TimelineWrite, TimelineWriteResult } from "./timeline-types";

export class SqliteTimelineStore implements TimelineStore {
  constructor(private readonly send: SendToWriter) {}

  async write(write: TimelineWrite): Promise<TimelineWriteResult> {
    return (await this.send({ timeline: "write", write })) as TimelineWriteResult;
  }

  async read(orderRef: string): Promise<TimelineRead> {
    return (await this.send({ timeline: "read", orderRef })) as TimelineRead;
  }

  async byNumber(orderNumber: string, buyer?: string): Promise<TimelineRead[]> {
    return (await this.send({ timeline: "number", orderNumber, buyer })) as TimelineRead[];
  }

  async counts(asOf: string): Promise<{ byState: Record<string, number>; late: number }> {
    return (await this.send({ timeline: "counts", asOf })) as { byState: Record<string, number>; late: number };
  }

  async list(query: ProgressQuery): Promise<ProgressRow[]> {
    return (await this.send({ timeline: "list", query })) as ProgressRow[];
  }

  async orderOfDocument(milestone: string, document: string): Promise<string | undefined> {
    return ((await this.send({ timeline: "document", milestone, document })) as string | null) ?? undefined;
  }
}
