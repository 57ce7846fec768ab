import type {
  Projection,
  ProjectionContext,
  RecordedEvent,
  Tx,
  Writer,
} from '@rapport/event-store';
import { type InsertValuesSpec, insertValues, type SqlValue, writerOf } from '@rapport/event-store';
import { eventSchemaVersions, type StreamKind } from '@rapport/domain';
import { aggregateOf, foldEvents, initialFold, ownersOf } from './aggregates';
import { decodeState, encodeState } from './state-codec';

export const AGGREGATE_STATES = 'aggregate_states';

interface StateRow {
  stream_id: string;
  kind: StreamKind;
  aggregate_id: string | null;
  student_id: string | null;
  cohort_id: string | null;
  version: number;
  state: unknown;
  view: unknown;
  updated_at: Date;
  /** In a rebuild, the last batch that touched the row (not stored). */
  touched: number;
}

/**
 * What a rebuild keeps per tenant across batches, written once by `flush`. `evicted` names the
 * streams written out to make room, the only ones that can be in the twin table already (any
 * other stream is new to the rebuild). `batches` counts the batches applied: each row records
 * the last one that touched it, so eviction finds the least recently touched by sorting, rarely,
 * instead of moving every touched row to the end of `rows` in every batch.
 */
interface TenantMemo {
  rows: Map<string, StateRow>;
  evicted: Set<string>;
  batches: number;
}
type Memo = Map<string, TenantMemo>;
/**
 * Aggregates kept in memory during a rebuild before the least recently touched are written out
 * (most are contacts and interviews of ~1 KB: ~500 MB at most). Set above the streams of a
 * 1M-event log: reading a stream back waits for every write queued before it, and writing rows
 * out during the replay slowed it more than writing them all at the end (measured, ADR 9).
 */
const MEMO_LIMIT = 300_000;

/**
 * Inline: the state of each aggregate after every append, folded with the decider's `evolve`.
 * Handles a batch of many streams (a rebuild) with one read and one write; during a rebuild
 * the rows stay in memory until `flush`.
 */
export const aggregateStateProjection: Projection = {
  name: 'aggregate-states',
  mode: 'inline',
  tables: [AGGREGATE_STATES],
  // Only the domain's events have aggregates; the rest (digest bookkeeping) skip the read-back.
  eventTypes: Object.keys(eventSchemaVersions),

  async apply(events: readonly RecordedEvent[], context: ProjectionContext) {
    const { tx, table } = context;
    const memo = context.rebuild ? tenantMemo(context.rebuild.memo as Memo, tx.tenantId!) : null;
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const list = byStream.get(event.streamId);
      if (list) list.push(event);
      else if (memo?.rows.has(event.streamId) || aggregateOfOrNull(event.streamId))
        byStream.set(event.streamId, [event]);
    }
    if (byStream.size === 0) return;

    // A rebuild reads back only what it wrote out itself; the live path reads every stream.
    const missing = [...byStream.keys()].filter(
      (id) => !memo || (!memo.rows.has(id) && memo.evicted.has(id)),
    );
    const loaded =
      missing.length > 0
        ? await loadRows(tx, table(AGGREGATE_STATES), missing)
        : new Map<string, StateRow>();
    const rows = [...byStream].map(([streamId, streamEvents]) =>
      fold(streamId, memo?.rows.get(streamId) ?? loaded.get(streamId), streamEvents),
    );
    if (memo) {
      const batch = ++memo.batches;
      for (const row of rows) {
        row.touched = batch;
        memo.rows.set(row.stream_id, row);
        memo.evicted.delete(row.stream_id);
      }
      // Memory stays bounded however many streams there are: the streams touched least
      // recently are written out (down to 3/4 of the limit, so this is not every batch).
      const limit = context.rebuild?.memoLimit ?? MEMO_LIMIT;
      if (memo.rows.size > limit) {
        const out = [...memo.rows.values()]
          .sort((a, b) => a.touched - b.touched)
          .slice(0, memo.rows.size - Math.floor((limit * 3) / 4));
        for (const row of out) {
          memo.rows.delete(row.stream_id);
          memo.evicted.add(row.stream_id);
        }
        await saveRows(writerOf(tx, context.rebuild), table(AGGREGATE_STATES), out);
      }
    } else await saveRows(tx, table(AGGREGATE_STATES), rows);
  },

  async flush({ tx, table, rebuild }: ProjectionContext) {
    for (const [tenantId, memo] of (rebuild?.memo ?? new Map()) as Memo) {
      await tx.setTenant(tenantId);
      await saveRows(tx, table(AGGREGATE_STATES), memo.rows.values());
    }
  },
};

/**
 * The stream's row after `events`: the row it had (read back or kept by a rebuild, owned by this
 * projection either way), updated in place; a new row for a stream seen for the first time.
 */
function fold(
  streamId: string,
  start: StateRow | undefined,
  events: readonly RecordedEvent[],
): StateRow {
  const row = start ?? newRow(streamId, null, null);
  // The stored event is the decider's event: type and data (no copy per event).
  const folded = foldEvents(row.kind, row, row.version, events as never);
  const last = events[events.length - 1];
  const owners = ownersOf(row.kind, row.aggregate_id, folded.state);
  row.student_id = owners.studentId;
  row.cohort_id = owners.cohortId;
  row.version = last.streamVersion;
  row.state = folded.state;
  row.view = folded.view;
  row.updated_at = last.recordedAt;
  return row;
}

/** A row for the stream before `fold` fills it in: its state as stored, or the initial one. */
function newRow(streamId: string, stored: unknown, view: unknown, version = 0): StateRow {
  const aggregate = aggregateOf(streamId);
  const initial = initialFold(aggregate.kind);
  return {
    stream_id: streamId,
    kind: aggregate.kind,
    aggregate_id: aggregate.id,
    student_id: null,
    cohort_id: null,
    version,
    state: stored === null ? initial.state : decodeState(stored),
    view: stored === null ? initial.view : view === null ? null : decodeState(view),
    updated_at: new Date(0),
    touched: 0,
  };
}

async function loadRows(
  tx: Tx,
  table: string,
  streamIds: string[],
): Promise<Map<string, StateRow>> {
  const rows = await tx.query<{
    stream_id: string;
    version: string;
    state: unknown;
    view: unknown;
  }>(
    `SELECT stream_id, version, state, view FROM ${table} WHERE tenant_id = $1 AND stream_id = ANY($2)`,
    [tx.tenantId, streamIds],
  );
  return new Map(
    rows.map((row) => [
      row.stream_id,
      newRow(row.stream_id, row.state, row.view, Number(row.version)),
    ]),
  );
}

const STATE_COLUMNS: InsertValuesSpec['columns'] = [
  ['stream_id', 'text'],
  ['kind', 'text'],
  ['aggregate_id', 'text'],
  ['student_id', 'text'],
  ['cohort_id', 'text'],
  ['version', 'bigint'],
  ['state', 'json'],
  ['view', 'json'],
  ['updated_at', 'timestamptz'],
];

async function saveRows(tx: Writer, table: string, rows: Iterable<StateRow>): Promise<void> {
  await insertValues(
    tx,
    {
      table,
      columns: STATE_COLUMNS,
      onConflict: `ON CONFLICT (tenant_id, stream_id) DO UPDATE SET version = EXCLUDED.version,
        state = EXCLUDED.state, view = EXCLUDED.view, updated_at = EXCLUDED.updated_at,
        student_id = EXCLUDED.student_id,
        cohort_id = EXCLUDED.cohort_id`,
    },
    encodedRows(rows),
  );
}

/** Encoded one at a time, as `insertValues` takes them: never every state's JSON at once. */
function* encodedRows(rows: Iterable<StateRow>): Generator<SqlValue[]> {
  for (const row of rows) {
    yield [
      row.stream_id,
      row.kind,
      row.aggregate_id,
      row.student_id,
      row.cohort_id,
      row.version,
      JSON.stringify(encodeState(row.state)),
      row.view === null ? null : JSON.stringify(row.view),
      row.updated_at.toISOString(),
    ];
  }
}

function tenantMemo(memo: Memo, tenantId: string): TenantMemo {
  let tenant = memo.get(tenantId);
  if (!tenant) {
    tenant = { rows: new Map(), evicted: new Set(), batches: 0 };
    memo.set(tenantId, tenant);
  }
  return tenant;
}

function aggregateOfOrNull(streamId: string) {
  try {
    return aggregateOf(streamId);
  } catch {
    return null;
  }
}
