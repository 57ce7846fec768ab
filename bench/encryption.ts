/**
 * Crypto-shredding (docs/adr/0024): the same work with personal data sealed and without.
 *
 * - Appends as the app is wired (inline aggregate_states), contact events with a `personal`
 *   part, sealed (key ring, AES-256-GCM) vs unsealed; the two take turns in short slices.
 * - The rebuild of every read model on a seeded log: unsealed (after a warm-up rebuild), then
 *   the log sealed in place by the post-migration step, then rebuilt with a cold key cache.
 */
import {
  type DatabaseHandle,
  EventStore,
  KeyRing,
  LocalKeyEncryptionKey,
  ProjectionRebuilder,
  sealPlaintextEvents,
  type StorePrivacy,
  Tenants,
} from '@rapport/event-store';
import { personalDataPolicy } from '../apps/api/src/config/data-keys';
import { projections } from '../apps/api/src/projections';
import { aggregateStateProjection } from '../apps/api/src/write/aggregate-state.projection';
import { type Appender, measure, type Shape, type System } from './append';
import {
  type Args,
  DB_NAME,
  dbUrl,
  dropDatabase,
  freshDatabase,
  log,
  record,
  withClient,
} from './harness';
import { seed } from './seed';

const SECRET = 'rapport-bench-data-key-secret-0123456789';
const SLICE_SECONDS = 0.5;
const REBUILD_BATCH = 10_000;
const SHAPES: Shape[] = [
  { label: 'single event, 8 writers', writers: 8, perAppend: 1, perStream: 10 },
  { label: '100-event appends, 8 writers', writers: 8, perAppend: 100, perStream: 100 },
];

const privacy = (): StorePrivacy => ({
  policy: personalDataPolicy,
  keys: new KeyRing(new LocalKeyEncryptionKey(SECRET)),
});

function asTheApp(handle: DatabaseHandle, tenantId: string, sealed: StorePrivacy | null): Appender {
  const store = new EventStore(handle.database, undefined, sealed);
  store.addInlineProjection(aggregateStateProjection);
  return async (stream, from, events) => {
    await store.append(tenantId, stream, events, {
      expectedVersion: from === 1 ? 'noStream' : from - 1,
    });
  };
}

async function appends(args: Args): Promise<void> {
  const name = `${DB_NAME}_sealed_append`;
  const { app, owner } = await freshDatabase(name, 8);
  await owner.close();
  const worker = await app.as('worker');
  const tenant = await new Tenants(worker.database)
    .create({ slug: 'bench', name: 'Bench' })
    .finally(() => worker.close());
  const sealed = privacy();
  const systems: System[] = [
    { name: 'unsealed', appender: asTheApp(app, tenant.tenantId, null) },
    { name: 'sealed', appender: asTheApp(app, tenant.tenantId, sealed) },
  ];
  try {
    for (const system of systems) await measure(system, SHAPES[0], 0.3);
    const slices = Math.max(1, Math.round(args.appendSeconds / SLICE_SECONDS));
    for (const shape of SHAPES) {
      const totals = new Map<string, { events: number; seconds: number }>();
      for (let slice = 0; slice < slices; slice++) {
        const order = slice % 2 === 0 ? systems : [...systems].reverse();
        for (const system of order) {
          const r = await measure(system, shape, SLICE_SECONDS);
          const t = totals.get(system.name) ?? { events: 0, seconds: 0 };
          totals.set(system.name, { events: t.events + r.events, seconds: t.seconds + r.seconds });
        }
      }
      const rate = (n: string) => totals.get(n)!.events / totals.get(n)!.seconds;
      record(
        'encryption',
        `append ${shape.label} as the app: sealed vs unsealed`,
        'events/s',
        rate('sealed'),
        {
          baseline: { name: 'unsealed', value: rate('unsealed') },
          goal: { kind: 'min', of: 'ratio', target: 0.8 },
        },
      );
    }
  } finally {
    await sealed.keys.close();
    await app.close();
    await dropDatabase(name);
  }
}

async function rebuilds(args: Args): Promise<void> {
  const name = `${DB_NAME}_sealed_rebuild`;
  const { app, owner } = await freshDatabase(name);
  try {
    const seeded = await withClient(dbUrl(name), (c) =>
      seed(c, {
        events: args.sizes[0],
        studentsPerCohort: args.cohortSize,
        termStart: new Date('2026-09-07T00:00:00.000Z'),
        termDays: 84,
      }),
    );
    const rebuild = async (sealed: StorePrivacy | null) => {
      const store = new EventStore(owner.database, undefined, sealed);
      const result = await new ProjectionRebuilder(
        owner.database,
        store,
        REBUILD_BATCH,
      ).rebuildMany(projections);
      return result.seconds;
    };
    const warm = await rebuild(null);
    const unsealed = await rebuild(null);
    log(`  unsealed rebuild ${unsealed.toFixed(1)} s (warm-up ${warm.toFixed(1)} s)`);
    const started = performance.now();
    const sealer = privacy();
    const changed = await sealPlaintextEvents(owner.database, sealer.keys, personalDataPolicy);
    await sealer.keys.close();
    // The in-place UPDATE left the old row versions behind, as ADR 24 says to reclaim: without
    // this the sealed rebuild would measure a bloated, reordered heap rather than the sealing.
    await withClient(dbUrl(name), (c) => c.query('VACUUM (FULL, ANALYZE) events'));
    log(
      `  sealed ${changed} events in place in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const cold = privacy(); // a fresh process: no key in memory
    const sealed = await rebuild(cold);
    await cold.keys.close();
    record(
      'encryption',
      `rebuild ${seeded.events} events, all read models: sealed vs unsealed`,
      'events/s',
      seeded.events / sealed,
      {
        baseline: { name: 'unsealed (second run)', value: seeded.events / unsealed },
        goal: { kind: 'min', of: 'ratio', target: 0.8 },
        note: `${changed} events sealed; sealed ${sealed.toFixed(1)} s, unsealed ${unsealed.toFixed(1)} s`,
      },
    );
  } finally {
    await owner.close();
    await app.close();
    await dropDatabase(name);
  }
}

export async function encryptionWorkload(args: Args): Promise<void> {
  log('\n== encryption (sealed personal data) ==');
  await appends(args);
  await rebuilds(args);
}
