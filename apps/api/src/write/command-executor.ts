import { Injectable, Optional } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import {
  type DomainCommand,
  type DomainEvent,
  erasedError,
  erasedStaffError,
  eventSchemaVersions,
  isDomainError,
  streamIds,
  streamIdForCommand,
  uuidV8,
} from '@rapport/domain';
import {
  ConcurrencyError,
  Database,
  EventStore,
  type NewEvent,
  type Tx,
} from '@rapport/event-store';
import { createHash } from 'node:crypto';
import { AGGREGATE_STATES } from './aggregate-state.projection';
import { aggregateOf } from './aggregates';
import type { CommandContext } from './command-context';
import { decodeState } from './state-codec';

export interface Loaded<S> {
  state: S;
  /** The stream's version; 0 when it does not exist yet. */
  version: number;
}

export interface Executed<S> extends Loaded<S> {
  events: DomainEvent[];
  /** The same clientMutationId was executed before: nothing new was appended. */
  replayed: boolean;
}

export interface ExecuteOptions {
  /** The version the client last saw; a mismatch is a CONFLICT instead of a silent overwrite. */
  expectedVersion?: number;
  /** Run inside a transaction that also appends to other streams. */
  tx?: Tx;
}

const RETRIES_WITHOUT_EXPECTED_VERSION = 3;

/**
 * The write path of every mutation: load the aggregate's state (kept inline in
 * aggregate_states), decide, append with the loaded version as the expected version.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    private readonly store: EventStore,
    private readonly database: Database,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async load<S>(tenantId: string, streamId: string, tx?: Tx): Promise<Loaded<S>> {
    const read = async (t: Tx) => {
      const [row] = await t.query<{ version: string; state: S }>(
        `SELECT version, state FROM ${AGGREGATE_STATES} WHERE tenant_id = $1 AND stream_id = $2`,
        [t.tenantId, streamId],
      );
      return row
        ? { state: decodeState<S>(row.state), version: Number(row.version) }
        : { state: aggregateOf(streamId).decider.initialState() as S, version: 0 };
    };
    return tx ? read(tx) : this.database.withTenant(tenantId, read);
  }

  async execute<S>(
    context: CommandContext,
    command: DomainCommand,
    options: ExecuteOptions = {},
  ): Promise<Executed<S>> {
    // A client that named no version accepts whatever is current: re-decide on a lost race.
    const attempts =
      options.expectedVersion === undefined && !options.tx ? RETRIES_WITHOUT_EXPECTED_VERSION : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.executeOnce<S>(context, command, options);
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= attempts) throw error;
      }
    }
  }

  private async executeOnce<S>(
    context: CommandContext,
    command: DomainCommand,
    options: ExecuteOptions,
  ): Promise<Executed<S>> {
    const tenantId = context.actor.tenantId;
    const streamId = streamIdForCommand(command);
    const eventId = eventIdsFor(context, streamId);
    if (eventId && (await this.alreadyRecorded(tenantId, eventId(0), options.tx))) {
      return {
        ...(await this.load<S>(tenantId, streamId, options.tx)),
        events: [],
        replayed: true,
      };
    }

    const loaded = await this.loadForDecision<S>(tenantId, streamId, command, options.tx);
    if (options.expectedVersion !== undefined && options.expectedVersion !== loaded.version) {
      this.metrics?.staleWrite();
      throw new ConcurrencyError(streamId, options.expectedVersion, loaded.version);
    }
    const aggregate = aggregateOf(streamId);
    const decided = aggregate.decider.decide(command as never, loaded.state);
    if (isDomainError(decided)) throw decided;
    if (decided.length === 0) return { ...loaded, events: [], replayed: false };

    const events = decided as DomainEvent[];
    const toAppend: NewEvent[] = events.map((event, index) => ({
      eventId: eventId?.(index),
      type: event.type,
      data: event.data,
      schemaVersion: eventSchemaVersions[event.type],
      metadata: {
        correlationId: context.correlationId,
        actorId: context.actor.subject,
        actorRole: context.actor.role,
        ...(context.clientMutationId ? { clientMutationId: context.clientMutationId } : {}),
        ...(context.digestId ? { digestId: context.digestId } : {}),
      },
    }));
    const result = await this.store.append(tenantId, streamId, toAppend, {
      expectedVersion: loaded.version === 0 ? 'noStream' : loaded.version,
      tx: options.tx,
    });
    if (result.replayed) {
      return {
        ...(await this.load<S>(tenantId, streamId, options.tx)),
        events: [],
        replayed: true,
      };
    }
    const state = events.reduce(
      (s, e) => aggregate.decider.evolve(s as never, e) as S,
      loaded.state,
    );
    return { state, version: result.nextExpectedVersion, events, replayed: false };
  }

  /**
   * The stream's state, read together with whether the person the command names on another
   * stream (a contact, interview, note or sign-in link of theirs) was erased: nothing more is
   * recorded about them (docs/adr/0025), refused here once for every service, in the same
   * statement as the load. Their own stream's decider refuses the rest.
   */
  private async loadForDecision<S>(
    tenantId: string,
    streamId: string,
    command: DomainCommand,
    tx?: Tx,
  ): Promise<Loaded<S>> {
    const data = command.data as { studentId?: unknown; personId?: unknown };
    const subjects = [data.studentId, data.personId]
      .filter((id) => typeof id === 'string')
      .flatMap((id) => [streamIds.student(id), streamIds.staff(id)])
      .filter((id) => id !== streamId);
    if (subjects.length === 0) return this.load<S>(tenantId, streamId, tx);
    const read = async (t: Tx) => {
      const rows = await t.query<{
        stream_id: string;
        kind: string;
        aggregate_id: string;
        version: string;
        state: S;
      }>(
        `SELECT stream_id, kind, aggregate_id, version,
                CASE WHEN stream_id = $2 THEN state END AS state
           FROM ${AGGREGATE_STATES}
          WHERE tenant_id = $1
            AND (stream_id = $2 OR (stream_id = ANY($3) AND (state->>'erased') = 'true'))`,
        [t.tenantId, streamId, subjects],
      );
      const erased = rows.find((r) => r.stream_id !== streamId);
      if (erased)
        throw erased.kind === 'staff'
          ? erasedStaffError(erased.aggregate_id)
          : erasedError(erased.aggregate_id);
      const row = rows.find((r) => r.stream_id === streamId);
      return row
        ? { state: decodeState<S>(row.state), version: Number(row.version) }
        : { state: aggregateOf(streamId).decider.initialState() as S, version: 0 };
    };
    return tx ? read(tx) : this.database.withTenant(tenantId, read);
  }

  /** Whether a command under this context's clientMutationId was recorded on the stream already. */
  async recordedBefore(context: CommandContext, streamId: string): Promise<boolean> {
    const eventId = eventIdsFor(context, streamId);
    return eventId !== null && this.alreadyRecorded(context.actor.tenantId, eventId(0));
  }

  private async alreadyRecorded(tenantId: string, eventId: string, tx?: Tx): Promise<boolean> {
    const read = (t: Tx) =>
      t.query(`SELECT 1 FROM events WHERE tenant_id = $1 AND event_id = $2`, [t.tenantId, eventId]);
    return (await (tx ? read(tx) : this.database.withTenant(tenantId, read))).length > 0;
  }
}

/**
 * With a clientMutationId, event ids are derived from it: a retried mutation produces the same
 * ids, which the event store recognises. Without one, the store assigns random ids.
 */
function eventIdsFor(
  context: CommandContext,
  streamId: string,
): ((index: number) => string) | null {
  const key = context.clientMutationId;
  if (!key) return null;
  return (index) => {
    const hex = createHash('sha256')
      .update([context.actor.tenantId, context.actor.subject, key, streamId, index].join('\u0000'))
      .digest('hex');
    return uuidV8(hex);
  };
}
