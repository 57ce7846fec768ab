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
  type AppendVia,
  type Checkpoint,
  type NewEvent,
  type ReadPage,
  type RecordedEvent,
} from './event-store.types';
import { handles, liveTables, type Projection } from './projections/projection';
import { Upcasters } from './upcasters';
import { openPersonal, sealPersonal, sealedOwner } from './privacy/envelope';
import { type KeyRing } from './privacy/key-ring';
import { type PersonalDataPolicy } from './privacy/personal-data';

/** Sealing of `data.personal` (docs/adr/0024): whose key, and the keys. */
export interface StorePrivacy {
  policy: PersonalDataPolicy;
  keys: KeyRing;
}

/** Data keys of one page of events, by tenant then owner (null: destroyed). */
type PageKeys = Map<string, Map<string, Buffer | null>>;

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

/** What opening an event's personal part needs of its row. */
export type OpenableRow = Pick<EventRow, 'tenant_id' | 'event_id' | 'type' | 'data'>;

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
    /** Without it events are stored as given and read as stored (the bench's "off" mode). */
    readonly privacy: StorePrivacy | null = null,
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
    const plain = toPayload(streamId, events);
    const payload = await this.sealed(tenant, plain, options.tx);
    const expected = options.expectedVersion ?? 'any';
    const call: AppendCall = {
      sql: appendSql(options.via),
      name: `${options.via?.fn ?? 'rapport_append_events'}_${options.via?.params.length ?? 0}`,
      params: [
        tenant,
        streamId,
        encodeExpected(expected),
        JSON.stringify(payload),
        ...(options.via?.params ?? []),
      ],
      streamId,
      expected,
    };
    const inline = this.inline.filter(
      (p) => !options.via?.covers.includes(p.name) && payload.some((e) => handles(p, e.type)),
    );
    if (options.tx) return this.appendIn(options.tx, tenant, call, inline, plain);
    if (inline.length === 0 && this.database.mode === 'server') {
      // The function sets the tenant itself, so one round trip is a whole append.
      return this.retryingRace(() =>
        this.callAppend((sql, params) => this.database.statement(sql, params, call.name), call),
      );
    }
    return this.retryingRace(() =>
      this.database.withTenant(tenant, (tx) => this.appendIn(tx, tenant, call, inline, plain)),
    );
  }

  /** Reads one stream forward from `fromVersion` (inclusive). */
  async readStream(
    tenantId: string,
    streamId: string,
    options: { fromVersion?: number; maxCount?: number; tx?: Tx } = {},
  ): Promise<RecordedEvent[]> {
    const read = async (tx: Tx) =>
      this.toRecords(
        tx,
        await tx.query<EventRow>(
          `SELECT * FROM events WHERE tenant_id = $1 AND stream_id = $2 AND stream_version >= $3
            ORDER BY stream_version LIMIT $4`,
          [tx.tenantId, streamId, options.fromVersion ?? 1, options.maxCount ?? 2_147_483_647],
        ),
      );
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
        tx,
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
        t,
      );
    return tx ? read(tx) : this.database.withoutTenant(read);
  }

  /**
   * Rows of `events` as recorded events, their personal parts opened: the keys a page needs come
   * from memory or from one SELECT per tenant in `tx` (which may leave `tx` on another tenant).
   */
  async toRecords(tx: Tx, rows: readonly EventRow[]): Promise<RecordedEvent[]> {
    const keys = await this.pageKeys(tx, rows);
    return rows.map((row) => this.toRecorded(row, keys));
  }

  /** Each row's `data` with its personal part opened (not upcast), for reads that pick columns. */
  async openData(tx: Tx, rows: readonly OpenableRow[]): Promise<unknown[]> {
    const keys = await this.pageKeys(tx, rows);
    return rows.map((row) => (keys ? this.opened(row, keys) : row.data));
  }

  private toRecorded(row: EventRow, keys: PageKeys | null): RecordedEvent {
    const opened = keys ? this.opened(row, keys) : row.data;
    const { schemaVersion, data } = this.upcasters.handles(row.type)
      ? this.upcasters.apply(row.type, row.schema_version, opened)
      : { schemaVersion: row.schema_version, data: opened };
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
  async toPage(rows: EventRow[], after: Checkpoint, tx: Tx): Promise<ReadPage> {
    const events = await this.toRecords(tx, rows);
    const last = events.at(-1);
    return {
      events,
      checkpoint: last
        ? { transactionId: last.transactionId, globalPosition: last.globalPosition }
        : after,
    };
  }

  /** The keys a page needs, or null when nothing in it is sealed. */
  private async pageKeys(tx: Tx, rows: readonly OpenableRow[]): Promise<PageKeys | null> {
    if (!this.privacy) return null;
    let owners: Map<string, Set<string>> | null = null;
    for (const row of rows) {
      const owner = sealedOwner(personalOf(row.data));
      if (owner === null) continue;
      owners ??= new Map();
      let mine = owners.get(row.tenant_id);
      if (!mine) owners.set(row.tenant_id, (mine = new Set()));
      mine.add(owner);
    }
    if (!owners) return null;
    const keys: PageKeys = new Map();
    for (const [tenant, mine] of owners)
      keys.set(tenant, await this.privacy.keys.openingKeys(tx, tenant, mine));
    return keys;
  }

  /** The row's data with `personal` opened, or as erased when its owner's key is gone. */
  private opened(row: OpenableRow, keys: PageKeys): unknown {
    const sealed = personalOf(row.data);
    const owner = sealedOwner(sealed);
    if (owner === null) return row.data;
    const data = row.data as Record<string, unknown>;
    const key = keys.get(row.tenant_id)?.get(owner);
    const personal = key
      ? openPersonal(key, { tenantId: row.tenant_id, eventId: row.event_id }, sealed as string)
      : this.privacy!.policy.erased(row.type, data);
    return { ...data, personal };
  }

  /** The payload with every `personal` part sealed under its owner's key. */
  private async sealed(tenant: string, payload: EventPayload[], tx?: Tx): Promise<EventPayload[]> {
    if (!this.privacy) return payload;
    const { policy, keys } = this.privacy;
    const owners = payload.map((e) => {
      const personal = personalOf(e.data);
      if (personal === undefined || sealedOwner(personal) !== null) return null;
      return policy.ownerOf(e.type, e.data);
    });
    const distinct = [...new Set(owners.filter((o): o is string => o !== null))];
    if (distinct.length === 0) return payload;
    const found = new Map<string, Buffer>();
    const fetch = async (t: Tx) => {
      for (const owner of distinct) found.set(owner, await keys.sealingKey(t, owner));
    };
    if (tx) await fetch(tx);
    else if (distinct.every((owner) => keys.cached(tenant, owner)))
      for (const owner of distinct) found.set(owner, keys.cached(tenant, owner)!);
    else await this.database.withTenant(tenant, fetch);
    return payload.map((e, i) => {
      const ownerId = owners[i];
      if (ownerId === null) return e;
      const data = e.data as Record<string, unknown>;
      const personal = sealPersonal(
        found.get(ownerId)!,
        { tenantId: tenant, eventId: e.event_id, ownerId },
        data.personal,
      );
      return { ...e, data: { ...data, personal } };
    });
  }

  private async appendIn(
    tx: Tx,
    tenant: string,
    call: AppendCall,
    inline: Projection[],
    plain: EventPayload[],
  ): Promise<AppendResult> {
    if (tx.tenantId !== tenant) {
      throw new EventStoreError(
        EventStoreErrorCode.InvalidAppend,
        'the transaction belongs to another tenant than the append',
      );
    }
    const result = await this.callAppend((sql, params) => tx.query(sql, params), call);
    if (!result.replayed && inline.length > 0) {
      await this.runInline(tx, inline, call.streamId, result.nextExpectedVersion, plain);
    }
    return result;
  }

  private async runInline(
    tx: Tx,
    interested: Projection[],
    streamId: string,
    version: number,
    plain: EventPayload[],
  ): Promise<void> {
    // The rows as written, with the data this append was given: nothing to open again.
    const given = new Map(plain.map((e) => [e.event_id, e.data]));
    const rows = await tx.query<EventRow>(
      `SELECT * FROM events WHERE tenant_id = $1 AND stream_id = $2 AND stream_version >= $3
        ORDER BY stream_version`,
      [tx.tenantId, streamId, version - plain.length + 1],
    );
    const events = await this.toRecords(
      tx,
      rows.map((row) =>
        given.has(row.event_id) ? { ...row, data: given.get(row.event_id) } : row,
      ),
    );
    for (const projection of interested) {
      const mine = events.filter((e) => handles(projection, e.type));
      if (mine.length > 0) await projection.apply(mine, { tx, table: liveTables() });
    }
  }

  private async callAppend(
    query: (sql: string, params: unknown[]) => Promise<unknown[]>,
    call: AppendCall,
  ): Promise<AppendResult> {
    try {
      const [row] = (await query(call.sql, call.params)) as {
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
      throw translate(error, call.streamId, call.expected);
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

interface AppendCall {
  sql: string;
  /** Named (prepared once per connection) where the statement's text is fixed. */
  name: string;
  params: unknown[];
  streamId: string;
  expected: ExpectedVersion;
}

function appendSql(via: AppendVia | undefined): string {
  if (!via) return `SELECT * FROM rapport_append_events($1, $2, $3, $4::jsonb)`;
  if (!/^[a-z_][a-z0-9_]*$/.test(via.fn)) invalid(`not a function name: ${via.fn}`);
  const rest = via.params.map((_, i) => `, $${i + 5}`).join('');
  return `SELECT * FROM ${via.fn}($1, $2, $3, $4::jsonb${rest})`;
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

function personalOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null
    ? (data as { personal?: unknown }).personal
    : undefined;
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
  if (pg?.code === 'RA004') {
    const moved = JSON.parse(pg.detail ?? '{}') as {
      stream: string;
      expected: number;
      actual: number;
    };
    return new ConcurrencyError(moved.stream, Number(moved.expected), Number(moved.actual), true);
  }
  if (pg?.code === 'RA002') {
    return new EventStoreError(
      EventStoreErrorCode.EventIdReused,
      'some of these event ids were already appended to another stream or with other events',
    );
  }
  return error;
}
