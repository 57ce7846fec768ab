import { Injectable } from '@nestjs/common';
import type { InterviewEvent } from '@rapport/domain';
import { Database, EventStore, type EventRow, type Tx } from '@rapport/event-store';
import { evolveInterviewView, initialInterviewView, type InterviewView } from './interview.view';

/** An interview's row as read: its stored view, or null when stored before views existed. */
export interface InterviewRowAt {
  streamId: string;
  version: number;
  view: unknown;
}

@Injectable()
export class InterviewViews {
  constructor(
    private readonly database: Database,
    private readonly store: EventStore,
  ) {}

  /**
   * The views of these interviews, by stream id: as stored, except for rows stored before views
   * existed, folded from their streams (up to the row's version) in one query until the next
   * write or rebuild stores them.
   */
  async of(
    tenantId: string,
    rows: readonly InterviewRowAt[],
    tx?: Tx,
  ): Promise<Map<string, InterviewView>> {
    const views = new Map<string, InterviewView>();
    const legacy = new Map<string, number>();
    for (const row of rows) {
      if (row.view !== null) views.set(row.streamId, row.view as InterviewView);
      else legacy.set(row.streamId, row.version);
    }
    if (legacy.size === 0) return views;
    const query = async (t: Tx) =>
      this.store.toRecords(
        t,
        await t.query<EventRow>(
          `SELECT * FROM events WHERE tenant_id = $1 AND stream_id = ANY($2)
            ORDER BY stream_id, stream_version`,
          [t.tenantId, [...legacy.keys()]],
        ),
      );
    for (const streamId of legacy.keys()) views.set(streamId, initialInterviewView());
    for (const event of await (tx ? query(tx) : this.database.withTenant(tenantId, query))) {
      if (event.streamVersion > legacy.get(event.streamId)!) continue;
      const view = views.get(event.streamId)!;
      views.set(event.streamId, evolveInterviewView(view, event as unknown as InterviewEvent));
    }
    return views;
  }
}
