import type { Projection, RecordedEvent } from '@rapport/event-store';
import { aggregateOf } from './aggregates';
import { decodeState, encodeState } from './state-codec';

export const AGGREGATE_STATES = 'aggregate_states';

interface StateRow {
  stream_id: string;
  version: string;
  state: unknown;
}

/**
 * Inline: the state of each aggregate after every append, folded with the decider's `evolve`.
 * Handles a batch of many streams (a rebuild) with one read and one write.
 */
export const aggregateStateProjection: Projection = {
  name: 'aggregate-states',
  mode: 'inline',
  tables: [AGGREGATE_STATES],
  async apply(events: readonly RecordedEvent[], { tx, table }) {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (!aggregateOfOrNull(event.streamId)) continue;
      byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    }
    if (byStream.size === 0) return;
    const current = await tx.query<StateRow>(
      `SELECT stream_id, version, state FROM ${table(AGGREGATE_STATES)} WHERE tenant_id = $1 AND stream_id = ANY($2)`,
      [tx.tenantId, [...byStream.keys()]],
    );
    const known = new Map(current.map((row) => [row.stream_id, row]));
    const rows = [...byStream].map(([streamId, streamEvents]) => {
      const aggregate = aggregateOf(streamId);
      const start = known.get(streamId);
      let state = start ? decodeState(start.state) : aggregate.decider.initialState();
      for (const event of streamEvents) {
        state = aggregate.decider.evolve(state, { type: event.type, data: event.data as object });
      }
      const last = streamEvents[streamEvents.length - 1];
      const lifted = state as { studentId?: string; cohortId?: string };
      return {
        stream_id: streamId,
        kind: aggregate.kind,
        aggregate_id: aggregate.id,
        student_id: aggregate.kind === 'student' ? aggregate.id : (lifted.studentId ?? null),
        cohort_id: aggregate.kind === 'cohort' ? aggregate.id : (lifted.cohortId ?? null),
        version: last.streamVersion,
        state,
        updated_at: last.recordedAt,
      };
    });
    await tx.query(
      `INSERT INTO ${table(AGGREGATE_STATES)}
         (tenant_id, stream_id, kind, aggregate_id, student_id, cohort_id, version, state, updated_at)
       SELECT $1, r.stream_id, r.kind, r.aggregate_id, r.student_id, r.cohort_id, r.version, r.state, r.updated_at
         FROM jsonb_to_recordset($2::jsonb) AS r(stream_id text, kind text, aggregate_id text, student_id text,
              cohort_id text, version bigint, state jsonb, updated_at timestamptz)
       ON CONFLICT (tenant_id, stream_id) DO UPDATE SET
         version = EXCLUDED.version, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at,
         student_id = EXCLUDED.student_id, cohort_id = EXCLUDED.cohort_id`,
      [tx.tenantId, encodeState(rows)],
    );
  },
};

function aggregateOfOrNull(streamId: string) {
  try {
    return aggregateOf(streamId);
  } catch {
    return null;
  }
}
