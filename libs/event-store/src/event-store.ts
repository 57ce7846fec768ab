import { randomUUID } from 'node:crypto';
import { type Database, type Tx } from './database/database';
import { assertTenantId } from './database/tenant-id';
import {
  ConcurrencyError,
  EventStoreError,
  EventStoreErrorCode,
  type ExpectedVersion,
} from './event-store.errors';
import {
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type NewEvent,
  type ReadPage,
  type RecordedEvent,
} from './event-store.types';
import { handles, liveTables, type Projection } from './projections/projection';
import { Upcasters } from './upcasters';

const MAX_EVENTS_PER_APPEND = 10_000;

export interface EventRow {
  tenant_id: string;
  stream_id: string;
  stream_version: string;
  global_position: string;
  transaction_id: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

/**
 * Append-only, multi-tenant event log on PostgreSQL. Appends check the expected version
 * atomically; reads of the whole log are commit-safe (see docs/adr/0002).
 */
export class EventStore {
  private readonly inline: Projection[] = [];
  private readonly appendListeners: ((events: number) => void)[] = [];
  private readonly conflictListeners: (() => void)[] = [];

  constructor(
    private readonly database: Database,
    readonly upcasters: Upcasters = new Upcasters(),
  ) {}

  /** Inline projections run in every append's transaction that carries an event they handle. */
  addInlineProjection(projection: Projection): void {
    if (projection.mode !== 'inline')
      throw new Error(`${projection.name} is not an inline projection`);
    this.inline.push(projection);
  }

  /** Called after each append that wrote something (in this process only): a wake-up hint. */
  onAppended(listener: (events: number) => void): void {
    this.appendListeners.push(listener);
  }

  /** Called after each append refused for a wrong expected version (metrics). */
  onConflict(listener: () => void): void {
    this.conflictListeners.push(listener);
  }

  async append(
    tenantId: string,
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    let result: AppendResult;
    try {
      result = await this.appendOnce(tenantId, streamId, events, options);
    } catch (error) {
      if (error instanceof ConcurrencyError)
        for (const listener of this.conflictListeners) listener();
      throw error;
    }
    if (!result.replayed) for (const listener of this.appendListeners) listener(events.length);
    return result;
  }

  private async appendOnce(
    tenantId: string,
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const tenant = assertTenantId(tenantId);
    const payload = toPayload(streamId, events);
    const expected = options.expectedVersion ?? 'any';
    const needsInline = this.inline.some((p) => payload.some((e) => handles(p, e.type)));
    if (options.tx) return this.appendIn(options.tx, tenant, streamId, payload, expected);
    if (!needsInline && this.database.mode === 'server') {
      // The function sets the tenant itself, so one round trip is a whole append.
      return this.retryingRace(() =>
        this.callAppend(
          (sql, params) => this.database.statement(sql, params),
          [tenant, streamId, encodeExpected(expected), JSON.stringify(payload)],
          streamId,
          expected,
        ),
      );
    }
    return this.retryingRace(() =>
      this.database.withTenant(tenant, (tx) =>
        this.appendIn(tx, tenant, streamId, payload, expected),
      ),
    );
  }

  /** Reads one stream forward from `fromVersion` (inclusive). */
  async readStream(
    tenantId: string,
    streamId: string,
    options: { fromVersion?: number; maxCount?: number; tx?: Tx } = {},
  ): Promise<RecordedEvent[]> {
    const read = async (tx: Tx) =>
      (
        await tx.query<EventRow>(
          `SELECT * FROM events WHERE tenant_id = $1 AND stream_id = $2 AND stream_version >= $3
            ORDER BY stream_version LIMIT $4`,
          [tx.tenantId, streamId, options.fromVersion ?? 1, options.maxCount ?? 2_147_483_647],
        )
      ).map((row) => this.toRecorded(row));
    return options.tx ? read(options.tx) : this.database.withTenant(tenantId, read);
  }

  /** One tenant's events after `after`, in commit-safe order. */
  readTenant(tenantId: string, after: Checkpoint, limit = 1000): Promise<ReadPage> {
    return this.database.withTenant(tenantId, async (tx) =>
      this.toPage(
        await tx.query<EventRow>(
          `SELECT * FROM events
            WHERE tenant_id = $1
              AND (tenant_id, transaction_id, global_position) > ($1, $2::xid8, $3)
              AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY tenant_id, transaction_id, global_position LIMIT $4`,
          [tx.tenantId, after.transactionId, after.globalPosition, limit],
        ),
        after,
      ),
    );
  }

  /** Every tenant's events after `after`, in commit-safe order: the projection runner's path. */
  async readAll(after: Checkpoint, limit = 1000, tx?: Tx): Promise<ReadPage> {
    const read = async (t: Tx) =>
      this.toPage(
        await t.query<EventRow>(`SELECT * FROM rapport_read_all_events($1::xid8, $2, $3)`, [
          after.transactionId,
          after.globalPosition,
          limit,
        ]),
        after,
      );
    return tx ? read(tx) : this.database.withoutTenant(read);
  }

  toRecorded(row: EventRow): RecordedEvent {
    const { schemaVersion, data } = this.upcasters.handles(row.type)
      ? this.upcasters.apply(row.type, row.schema_version, row.data)
      : { schemaVersion: row.schema_version, data: row.data };
    return {
      tenantId: row.tenant_id,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      globalPosition: Number(row.global_position),
      transactionId: String(row.transaction_id),
      eventId: row.event_id,
      type: row.type,
      schemaVersion,
      data,
      metadata: row.metadata,
      recordedAt: row.recorded_at,
    };
  }

  /** Rows of `events` in commit order as a page: the events, and the checkpoint after them. */
  toPage(rows: EventRow[], after: Checkpoint): ReadPage {
    const events = rows.map((row) => this.toRecorded(row));
    const last = events.at(-1);
    return {
      events,
      checkpoint: last
        ? { transactionId: last.transactionId, globalPosition: last.globalPosition }
        : after,
    };
  }

  private async appendIn(
    tx: Tx,
    tenant: string,
    streamId: string,
    payload: EventPayload[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    if (tx.tenantId !== tenant) {
      throw new EventStoreError(
        EventStoreErrorCode.InvalidAppend,
        'the transaction belongs to another tenant than the append',
      );
    }
    const result = await this.callAppend(
      (sql, params) => tx.query(sql, params),
      [tenant, streamId, encodeExpected(expected), JSON.stringify(payload)],
      streamId,
      expected,
    );
    const interested = this.inline.filter((p) => payload.some((e) => handles(p, e.type)));
    if (!result.replayed && interested.length > 0) {
      await this.runInline(tx, interested, streamId, result.nextExpectedVersion, payload.length);
    }
    return result;
  }

  private async runInline(
    tx: Tx,
    interested: Projection[],
    streamId: string,
    version: number,
    count: number,
  ): Promise<void> {
    const events = await this.readStream(tx.tenantId!, streamId, {
      fromVersion: version - count + 1,
      tx,
    });
    for (const projection of interested) {
      const mine = events.filter((e) => handles(projection, e.type));
      if (mine.length > 0) await projection.apply(mine, { tx, table: liveTables() });
    }
  }

  private async callAppend(
    query: (sql: string, params: unknown[]) => Promise<unknown[]>,
    params: unknown[],
    streamId: string,
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    try {
      const [row] = (await query(
        `SELECT * FROM rapport_append_events($1, $2, $3, $4::jsonb)`,
        params,
      )) as {
        next_expected_version: string;
        last_global_position: string;
        replayed: boolean;
      }[];
      return {
        nextExpectedVersion: Number(row.next_expected_version),
        lastGlobalPosition: Number(row.last_global_position),
        replayed: row.replayed,
      };
    } catch (error) {
      throw translate(error, streamId, expected);
    }
  }

  /**
   * Two retries of one append racing each other: the loser hits the event-id unique key.
   * Once the winner has committed, running again answers with the winner's result.
   */
  private async retryingRace(append: () => Promise<AppendResult>): Promise<AppendResult> {
    try {
      return await append();
    } catch (error) {
      if (driverError(error)?.constraint === 'events_event_id_key') return append();
      throw error;
    }
  }
}

interface EventPayload {
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
}

function toPayload(streamId: string, events: readonly NewEvent[]): EventPayload[] {
  if (!streamId || streamId.length > 500) invalid('stream id must be 1 to 500 characters');
  if (events.length === 0) invalid('an append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND)
    invalid(`at most ${MAX_EVENTS_PER_APPEND} events per append`);
  const ids = new Set<string>();
  return events.map((event) => {
    if (!event.type) invalid('every event needs a type');
    const eventId = event.eventId ?? randomUUID();
    if (ids.has(eventId)) invalid(`event id ${eventId} appears twice in one append`);
    ids.add(eventId);
    return {
      event_id: eventId,
      type: event.type,
      schema_version: event.schemaVersion ?? 1,
      data: event.data ?? {},
      metadata: event.metadata ?? {},
    };
  });
}

function invalid(message: string): never {
  throw new EventStoreError(EventStoreErrorCode.InvalidAppend, message);
}

function encodeExpected(expected: ExpectedVersion): string {
  switch (expected) {
    case 'any':
      return 'any';
    case 'noStream':
      return 'no_stream';
    case 'streamExists':
      return 'stream_exists';
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        invalid(`expected version must be a non-negative integer, got ${expected}`);
      }
      return expected === 0 ? 'no_stream' : String(expected);
  }
}

interface DriverError {
  code?: string;
  constraint?: string;
  detail?: string;
}

function driverError(error: unknown): DriverError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = (error as { driverError?: DriverError }).driverError ?? error;
  return candidate;
}

function translate(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  const pg = driverError(error);
  if (pg?.code === 'RA001') {
    const actual = Number((JSON.parse(pg.detail ?? '{}') as { actual?: number }).actual ?? 0);
    return new ConcurrencyError(streamId, expected, actual);
  }
  if (pg?.code === 'RA002') {
    return new EventStoreError(
      EventStoreErrorCode.EventIdReused,
      'some of these event ids were already appended to another stream or with other events',
    );
  }
  return error;
}
