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
  EventStoreError,
  EventStoreErrorCode,
  type AppendVia,
  type NewEvent,
  type Tx,
} from '@rapport/event-store';
import { createHash } from 'node:crypto';
import { AggregateStatesRepository } from './aggregate-states.repository';
import { aggregateStateProjection } from './aggregate-state.projection';
import { aggregateOf, type Fold, foldEvents, ownersOf } from './aggregates';
import type { CommandContext } from './command-context';
import { StateCache } from './state-cache';
import { encodeState } from './state-codec';

export interface Loaded<S, V = unknown> {
  state: S;
  /** What readers need beyond decisions (an interview's notes); null for kinds without one. */
  view: V | null;
  /** The stream's version; 0 when it does not exist yet. */
  version: number;
}

export interface Executed<S, V = unknown> extends Loaded<S, V> {
  events: DomainEvent[];
  /** The same clientMutationId was executed before: nothing new was appended. */
  replayed: boolean;
}

/** States a decision reads besides its own aggregate's; each is checked unchanged at the write. */
export interface StateReader {
  get<S, V = unknown>(streamId: string): Promise<Loaded<S, V>>;
}

export interface ExecuteOptions<S> {
  /** The version the client last saw; a mismatch is a CONFLICT instead of a silent overwrite. */
  expectedVersion?: number;
  /** Run inside a transaction that also appends to other streams (see `transaction`). */
  tx?: Tx;
  /** Whether the caller may take this step, given the aggregate's state and any others it reads. */
  authorize?: (target: Loaded<S>, reads: StateReader) => Promise<void> | void;
}

/** Attempts when the client named no version, or a state came from this process's cache. */
const ATTEMPTS = 4;

/**
 * The write path of every command (docs/adr/0028): load the aggregate's state (this process's
 * cache, else one statement), authorize against it, decide, then one statement that checks the
 * versions of everything the decision read, appends, and stores the state and view folded here.
 * A stale state anywhere evicts it and decides again, here for every command.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    private readonly store: EventStore,
    private readonly database: Database,
    private readonly cache: StateCache,
    private readonly states: AggregateStatesRepository,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** The stream's state as stored now (one statement), which also refreshes the cache. */
  async load<S, V = unknown>(tenantId: string, streamId: string, tx?: Tx): Promise<Loaded<S, V>> {
    return (await this.states.loadMany(tenantId, [streamId], tx)).get(streamId) as Loaded<S, V>;
  }

  async execute<S, V = unknown>(
    context: CommandContext,
    command: DomainCommand,
    options: ExecuteOptions<S> = {},
  ): Promise<Executed<S, V>> {
    for (let attempt = 1; ; attempt++) {
      const reads = new DecisionReads(this.cache, this.states, context.actor.tenantId, options.tx);
      try {
        return await this.executeOnce<S, V>(context, command, options, reads);
      } catch (error) {
        if (error instanceof ConcurrencyError) {
          this.cache.evict(context.actor.tenantId, error.streamId);
          // In a transaction the statement failed it: `transaction` runs it all again.
          if (!options.tx && attempt < ATTEMPTS && this.retryable(error, options, reads)) continue;
        }
        const replay = await this.replayOf<S, V>(context, command, error, options.tx);
        if (replay) return replay;
        throw error;
      }
    }
  }

  /**
   * A transaction for several commands that commit together. A command that met a moved stream
   * evicted it and failed the transaction; the whole of `work` runs again. A client's stale
   * version fails again at its fresh read, as CONFLICT.
   */
  async transaction<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.database.withTenant(tenantId, work);
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  /** Another try can succeed: the state was stale here, or the client accepts whatever is current. */
  private retryable(
    error: ConcurrencyError,
    options: { expectedVersion?: number },
    reads: DecisionReads,
  ): boolean {
    return error.read || reads.cached(error.streamId) || options.expectedVersion === undefined;
  }

  private async executeOnce<S, V>(
    context: CommandContext,
    command: DomainCommand,
    options: ExecuteOptions<S>,
    reads: DecisionReads,
  ): Promise<Executed<S, V>> {
    const tenantId = context.actor.tenantId;
    const streamId = streamIdForCommand(command);
    const aggregate = aggregateOf(streamId);
    const subjects = subjectStreams(command, streamId);
    await reads.prefetch([streamId, ...subjects]);
    const target = await reads.get<S, V>(streamId);
    await options.authorize?.(target, reads);
    await this.refuseErasedSubjects(reads, subjects);
    if (options.expectedVersion !== undefined && options.expectedVersion !== target.version) {
      if (!reads.cached(streamId)) this.metrics?.staleWrite();
      throw new ConcurrencyError(streamId, options.expectedVersion, target.version);
    }
    const decided = aggregate.decider.decide(command as never, target.state);
    if (isDomainError(decided)) throw decided;
    if (decided.length === 0) {
      // A retry can decide nothing where its first run decided something (a roster upload).
      const replayed =
        context.clientMutationId !== undefined &&
        (await this.recordedBefore(context, streamId, options.tx));
      return { ...target, events: [], replayed };
    }

    const events = decided as DomainEvent[];
    const folded = foldEvents(aggregate.kind, target, target.version, events);
    const result = await this.store.append(
      tenantId,
      streamId,
      this.toAppend(context, streamId, events),
      {
        expectedVersion: target.version === 0 ? 'noStream' : target.version,
        tx: options.tx,
        via: storingState(streamId, folded, reads.dependencies(streamId)),
      },
    );
    if (result.replayed)
      return {
        ...(await this.load<S, V>(tenantId, streamId, options.tx)),
        events: [],
        replayed: true,
      };
    const written = { state: folded.state, view: folded.view, version: result.nextExpectedVersion };
    // A transaction may still roll back: only committed states are kept.
    if (options.tx) this.cache.evict(tenantId, streamId);
    else this.cache.set(tenantId, streamId, written);
    return { ...(written as Loaded<S, V>), events, replayed: false };
  }

  private toAppend(
    context: CommandContext,
    streamId: string,
    events: readonly DomainEvent[],
  ): NewEvent[] {
    const eventId = eventIdsFor(context, streamId);
    return events.map((event, index) => ({
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
  }

  /**
   * Nothing more is recorded about an erased person (docs/adr/0025): a command naming one (a
   * contact, interview, note or sign-in link of theirs) is refused here once for every service.
   * Their own stream's decider refuses the rest.
   */
  private async refuseErasedSubjects(reads: DecisionReads, subjects: readonly string[]) {
    for (const subject of subjects) {
      const { state } = await reads.get<{ erased?: boolean }>(subject);
      if (state.erased !== true) continue;
      const { kind, id } = aggregateOf(subject);
      throw kind === 'staff' ? erasedStaffError(id!) : erasedError(id!);
    }
  }

  /**
   * A retried mutation (same clientMutationId) whose first run committed: its events are found
   * by their derived ids, and it is answered with the state as it is now. Looked up only when
   * the command failed, so a first run costs nothing for it.
   */
  private async replayOf<S, V>(
    context: CommandContext,
    command: DomainCommand,
    error: unknown,
    tx?: Tx,
  ): Promise<Executed<S, V> | null> {
    if (!context.clientMutationId) return null;
    const reused =
      error instanceof EventStoreError && error.code === EventStoreErrorCode.EventIdReused;
    // A failed statement ended the caller's transaction; a refused decision sent none.
    const statementFailed = error instanceof ConcurrencyError || reused;
    if (!isDomainError(error) && !statementFailed) return null;
    if (tx && statementFailed) return null;
    const streamId = streamIdForCommand(command);
    if (!(await this.recordedBefore(context, streamId, tx))) return null;
    return {
      ...(await this.load<S, V>(context.actor.tenantId, streamId, tx)),
      events: [],
      replayed: true,
    };
  }

  /** Whether a command under this context's clientMutationId was recorded on the stream already. */
  async recordedBefore(context: CommandContext, streamId: string, tx?: Tx): Promise<boolean> {
    const eventId = eventIdsFor(context, streamId);
    if (!eventId) return false;
    const query = (t: Tx) =>
      t.query(`SELECT 1 FROM events WHERE tenant_id = $1 AND event_id = $2`, [
        t.tenantId,
        eventId(0),
      ]);
    const rows = await (tx ? query(tx) : this.database.withTenant(context.actor.tenantId, query));
    return rows.length > 0;
  }
}

/**
 * The states one decision read, each with the version it was read at and whether it came from
 * the cache (unverified until the write).
 */
class DecisionReads implements StateReader {
  private readonly read = new Map<string, { loaded: Loaded<unknown>; cached: boolean }>();

  constructor(
    private readonly cache: StateCache,
    private readonly states: AggregateStatesRepository,
    private readonly tenantId: string,
    private readonly tx: Tx | undefined,
  ) {}

  /** Loads, in one statement, whichever of these streams the cache does not hold. */
  async prefetch(streams: readonly string[]): Promise<void> {
    const missing: string[] = [];
    for (const streamId of streams) {
      if (this.read.has(streamId)) continue;
      const cached = this.tx ? undefined : this.cache.get(this.tenantId, streamId);
      if (cached) this.read.set(streamId, { loaded: cached, cached: true });
      else missing.push(streamId);
    }
    if (missing.length === 0) return;
    const loaded = await this.states.loadMany(this.tenantId, missing, this.tx);
    for (const [streamId, entry] of loaded)
      this.read.set(streamId, { loaded: entry, cached: false });
  }

  async get<S, V = unknown>(streamId: string): Promise<Loaded<S, V>> {
    await this.prefetch([streamId]);
    return this.read.get(streamId)!.loaded as Loaded<S, V>;
  }

  cached(streamId: string): boolean {
    return this.read.get(streamId)?.cached ?? false;
  }

  /** Every stream read besides the target, with the version the decision saw. */
  dependencies(target: string): { stream: string; version: number }[] {
    return [...this.read]
      .filter(([streamId]) => streamId !== target)
      .map(([stream, { loaded }]) => ({ stream, version: loaded.version }));
  }
}

/**
 * The append that also stores the aggregate's state and view as folded here, once the streams
 * the decision read are found unmoved (`rapport_append_with_state`, docs/adr/0028).
 */
export function storingState(
  streamId: string,
  folded: Fold,
  dependencies: readonly { stream: string; version: number }[],
): AppendVia {
  const { kind, id } = aggregateOf(streamId);
  const owners = ownersOf(kind, id, folded.state);
  return {
    fn: 'rapport_append_with_state',
    params: [
      JSON.stringify(dependencies),
      kind,
      id,
      owners.studentId,
      owners.cohortId,
      JSON.stringify(encodeState(folded.state)),
      folded.view === null ? null : JSON.stringify(folded.view),
    ],
    covers: [aggregateStateProjection.name],
  };
}

/** The people a command names on another stream than their own: the erasure check reads them. */
function subjectStreams(command: DomainCommand, streamId: string): string[] {
  const data = command.data as { studentId?: unknown; personId?: unknown };
  return [data.studentId, data.personId]
    .filter((id): id is string => typeof id === 'string')
    .flatMap((id) => [streamIds.student(id), streamIds.staff(id)])
    .filter((id) => id !== streamId);
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
