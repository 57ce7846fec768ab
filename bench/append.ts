/**
 * Append throughput: our EventStore beside the physical limit (plain INSERTs of the same rows
 * into a bare table with the same indexes) and beside a peer (Emmett's PostgreSQL event store),
 * for single-event appends with 1 and 8 writers and for 100-event appends.
 *
 * Every system appends the same rows: contact streams of the real domain (`ContactAdded` then
 * `ContactUpdated`s, ~400 bytes of JSON with the executor's metadata), each append with the
 * stream's expected version. Each system gets its own pool of `writers` connections, and the
 * systems take turns (ours, plain, Emmett, ours as wired in the app), each for the same time.
 * "As wired in the app" (`asWiredInApp`) is the append the write path makes: the state folded
 * in memory and stored by the same statement (`rapport_append_with_state`, ADR 28); it is held to >= 0.8x plain INSERT and >= 2x Emmett at 8 writers (issue #17).
 */
import {
  getPostgreSQLEventStore,
  type PostgresEventStore,
} from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { type DatabaseHandle, EventStore, Tenants } from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { aggregateStateProjection } from '../apps/api/src/write/aggregate-state.projection';
import { aggregateOf, type Fold, foldEvents, initialFold } from '../apps/api/src/write/aggregates';
import { storingState } from '../apps/api/src/write/command-executor';
import {
  type Args,
  DB_NAME,
  dbUrl,
  dropDatabase,
  freshDatabase,
  log,
  recreate,
  record,
} from './harness';

export interface Shape {
  label: string;
  writers: number;
  /** Events per append call. */
  perAppend: number;
  /** Events per stream (a new stream is started after that many). */
  perStream: number;
}

const SHAPES: Shape[] = [
  { label: 'single event, 1 writer', writers: 1, perAppend: 1, perStream: 10 },
  { label: 'single event, 8 writers', writers: 8, perAppend: 1, perStream: 10 },
  { label: '100-event appends, 8 writers', writers: 8, perAppend: 100, perStream: 100 },
];

export interface BenchEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** Appends `events` (versions `from`..`from+n-1`) to `stream`; `from === 1` means a new stream. */
export type Appender = (stream: string, from: number, events: BenchEvent[]) => Promise<void>;

export interface System {
  name: string;
  appender: Appender;
}

const STUDENT = randomUUID();

export function contactEvents(contactId: string, from: number, count: number): BenchEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const version = from + i;
    const facts = {
      contactId,
      studentId: STUDENT,
      relationship: 'coworker',
      organization: 'Brightline Software',
      role: 'Staff engineer',
      industry: 'software',
      at: new Date(Date.UTC(2026, 9, 1, 12, 0, version)).toISOString(),
      personal: {
        name: `Dana Fox ${version}`,
        email: 'dana.fox@brightline.example',
        linkedinUrl: 'https://www.linkedin.com/in/dana-fox-example',
        notes: 'Met at the alumni panel; prefers a short call on Fridays.',
      },
    };
    return {
      type: version === 1 ? 'ContactAdded' : 'ContactUpdated',
      data: version === 1 ? { ...facts, referredByContactId: null } : facts,
      metadata: {
        correlationId: randomUUID(),
        actorId: `user-${STUDENT}`,
        actorRole: 'student',
      },
    };
  });
}

const SLICE_SECONDS = 0.5;

/** Runs `writers` loops for `seconds`; returns the events appended and the time it took. */
export async function measure(
  system: System,
  shape: Shape,
  seconds: number,
): Promise<{ events: number; seconds: number }> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let appended = 0;
  await Promise.all(
    Array.from({ length: shape.writers }, async () => {
      let contactId = randomUUID();
      let version = 1;
      while (performance.now() < deadline) {
        if (version > shape.perStream) {
          contactId = randomUUID();
          version = 1;
        }
        await system.appender(
          `contact-${contactId}`,
          version,
          contactEvents(contactId, version, shape.perAppend),
        );
        version += shape.perAppend;
        appended += shape.perAppend;
      }
    }),
  );
  return { events: appended, seconds: (performance.now() - started) / 1000 };
}

function ours(handle: DatabaseHandle, tenantId: string): Appender {
  const store = new EventStore(handle.database);
  return async (stream, from, events) => {
    await store.append(tenantId, stream, events, {
      expectedVersion: from === 1 ? 'noStream' : from - 1,
    });
  };
}

/**
 * An append as the app's write path makes it: the store with the inline aggregate-state
 * projection, called the way the command executor calls it. The one place to change when the
 * write path appends through another method.
 */
function asWiredInApp(handle: DatabaseHandle, tenantId: string): Appender {
  const store = new EventStore(handle.database);
  store.addInlineProjection(aggregateStateProjection);
  // The executor's cache: each stream's state as this process last wrote it.
  const folds = new Map<string, Fold>();
  return async (stream, from, events) => {
    const { kind } = aggregateOf(stream);
    const folded = foldEvents(kind, folds.get(stream) ?? initialFold(kind), from - 1, events);
    // The executor checks the people a command names (student-X, staff-X) at the write.
    const subjects = [`student-${STUDENT}`, `staff-${STUDENT}`];
    await store.append(tenantId, stream, events, {
      expectedVersion: from === 1 ? 'noStream' : from - 1,
      via: storingState(
        stream,
        folded,
        subjects.map((s) => ({ stream: s, version: 0 })),
      ),
    });
    folds.set(stream, folded);
  };
}

/** The physical limit: the same rows, one plain INSERT per append, no function, no RLS. */
function plain(pool: Pool, tenantId: string): Appender {
  return async (stream, from, events) => {
    await pool.query(
      `INSERT INTO bench_plain_events (tenant_id, stream_id, stream_version, event_id, type, data, metadata)
       SELECT $1, $2, $3::bigint + e.ord - 1, gen_random_uuid(), e.value->>'type', e.value->'data', e.value->'metadata'
         FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(value, ord)`,
      [tenantId, stream, from, JSON.stringify(events)],
    );
  };
}

function emmett(store: PostgresEventStore): Appender {
  return async (stream, from, events) => {
    await store.appendToStream(stream, events, {
      expectedStreamVersion: from === 1 ? STREAM_DOES_NOT_EXIST : BigInt(from - 1),
    });
  };
}

export async function appendWorkload(args: Args): Promise<void> {
  log('\n== append ==');
  const ourDb = `${DB_NAME}_append`;
  const emmettDb = `${DB_NAME}_emmett`;
  const writers = Math.max(...SHAPES.map((s) => s.writers));
  const { app, owner } = await freshDatabase(ourDb, writers);
  await owner.close();
  await recreate(emmettDb);
  const worker = await app.as('worker'); // only the worker role may create a tenant
  const tenant = await new Tenants(worker.database)
    .create({ slug: 'bench', name: 'Bench' })
    .finally(() => worker.close());
  // Same columns, defaults and indexes as `events`, without RLS or the append function.
  const plainPool = new Pool({ connectionString: dbUrl(ourDb), max: writers });
  await plainPool.query(`
    CREATE TABLE bench_plain_events (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS);
    ALTER TABLE bench_plain_events ADD PRIMARY KEY (tenant_id, global_position),
      ADD UNIQUE (tenant_id, stream_id, stream_version), ADD UNIQUE (tenant_id, event_id);
    CREATE INDEX ON bench_plain_events (transaction_id, global_position);
    CREATE INDEX ON bench_plain_events (tenant_id, transaction_id, global_position);`);
  const emmettPool = new Pool({ connectionString: dbUrl(emmettDb), max: writers });
  const emmettStore = getPostgreSQLEventStore(dbUrl(emmettDb), {
    connectionOptions: { pool: emmettPool },
  });
  await emmettStore.schema.migrate();

  const systems: System[] = [
    { name: 'rapport EventStore.append', appender: ours(app, tenant.tenantId) },
    { name: 'plain INSERT', appender: plain(plainPool, tenant.tenantId) },
    { name: 'Emmett appendToStream', appender: emmett(emmettStore) },
    { name: 'rapport as wired in the app', appender: asWiredInApp(app, tenant.tenantId) },
  ];
  try {
    // Warm-up: connections, plans, JIT of both sides.
    for (const system of systems) await measure(system, SHAPES[1], 0.3);
    // Short slices, the systems taking turns (in a rotating order), so that the load other
    // processes put on the machine lands on every system alike.
    const slices = Math.max(1, Math.round(args.appendSeconds / SLICE_SECONDS));
    for (const shape of SHAPES) {
      const totals = new Map<string, { events: number; seconds: number }>();
      for (let slice = 0; slice < slices; slice++) {
        const order = systems.map((_, i) => systems[(i + slice) % systems.length]);
        for (const system of order) {
          const r = await measure(system, shape, SLICE_SECONDS);
          const t = totals.get(system.name) ?? { events: 0, seconds: 0 };
          totals.set(system.name, { events: t.events + r.events, seconds: t.seconds + r.seconds });
        }
      }
      const value = (name: string) => totals.get(name)!.events / totals.get(name)!.seconds;
      const ourRate = value(systems[0].name);
      const inlineRate = value(systems[3].name);
      const batched = shape.perAppend > 1;
      record('append', `append ${shape.label}: ours vs plain INSERT`, 'events/s', ourRate, {
        baseline: { name: 'plain INSERT', value: value(systems[1].name) },
        goal: batched
          ? { kind: 'min', of: 'value', target: 50_000 }
          : { kind: 'min', of: 'ratio', target: 0.8 },
      });
      record('append', `append ${shape.label}: ours vs Emmett`, 'events/s', ourRate, {
        baseline: { name: 'Emmett 0.42', value: value(systems[2].name) },
        ...(shape.writers === 8 && !batched
          ? { goal: { kind: 'min' as const, of: 'ratio' as const, target: 1.5 } }
          : {}),
      });
      // The app's own appends: goals at 8 single-event writers, where requests meet.
      const appGoals = shape.writers === 8 && !batched;
      record(
        'append',
        `append ${shape.label}: ours + inline aggregate_states (as the app) vs plain INSERT`,
        'events/s',
        inlineRate,
        {
          baseline: { name: 'plain INSERT', value: value(systems[1].name) },
          ...(appGoals
            ? { goal: { kind: 'min' as const, of: 'ratio' as const, target: 0.8 } }
            : {}),
        },
      );
      record(
        'append',
        `append ${shape.label}: ours + inline aggregate_states (as the app) vs Emmett`,
        'events/s',
        inlineRate,
        {
          baseline: { name: 'Emmett 0.42', value: value(systems[2].name) },
          ...(appGoals ? { goal: { kind: 'min' as const, of: 'ratio' as const, target: 2 } } : {}),
        },
      );
    }
  } finally {
    await emmettStore.close();
    await emmettPool.end().catch(() => undefined);
    await plainPool.end().catch(() => undefined);
    await app.close();
    await dropDatabase(emmettDb);
    await dropDatabase(ourDb);
  }
}
