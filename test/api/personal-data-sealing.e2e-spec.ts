import {
  EventStore,
  ProjectionRebuilder,
  sealPlaintextEvents,
  Tenants,
} from '@rapport/event-store';
import { personalDataPolicy, storePrivacy } from '../../apps/api/src/config/data-keys';
import { DEMO_SLUG, DemoSeedService } from '../../apps/api/src/demo/demo-seed.service';
import { projections } from '../../apps/api/src/projections';
import { caughtUp } from '../support/projections';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every string of at least four characters inside a value, but ids (contact ids of referrals). */
function strings(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === 'string' && value.length >= 4 && !ID.test(value)) into.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, into);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) strings(v, into);
  return into;
}

// The demo institution written the way Rapport wrote events before docs/adr/0024, then sealed
// in place by the step that runs after migrating.
describe('sealing a log written before personal data was sealed', () => {
  let t: TestApp;
  let tenantId: string;
  const dump = () =>
    t.db.owner.database.withTenant(tenantId, (tx) =>
      tx.query<{ data: string }>(`SELECT data::text AS data FROM events ORDER BY global_position`),
    );

  beforeAll(async () => {
    t = await startTestApp({ dataKeys: { sealing: false, cacheMs: 60_000, cacheSize: 1_000 } });
    await t.app.get(DemoSeedService).seedIfEmpty(new Date('2026-11-27T15:00:00Z'));
    tenantId = (await new Tenants(t.db.worker.database).findBySlug(DEMO_SLUG))!.tenantId;
    await caughtUp(t.app);
  });
  afterAll(() => t.close());

  it('leaves no personal string in events.data, rebuilds every read model identically, and is idempotent', async () => {
    const personal = new Set<string>();
    for (const { data } of await dump()) strings(JSON.parse(data).personal, personal);
    expect(personal.size).toBeGreaterThan(50);

    const privacy = storePrivacy(testConfig(t.db));
    expect(
      await sealPlaintextEvents(t.db.owner.database, privacy.keys, personalDataPolicy),
    ).toBeGreaterThan(0);

    const sealed = (await dump()).map((r) => r.data).join('\n');
    const leaked = [...personal].filter((s) => sealed.includes(s));
    expect(leaked).toEqual([]);

    // The live read models were built from the plaintext; a replay of the sealed log matches them.
    const rebuilder = new ProjectionRebuilder(
      t.db.owner.database,
      new EventStore(t.db.owner.database, undefined, privacy),
    );
    for (const projection of projections) {
      const differences = await rebuilder.verify(projection);
      expect({ [projection.name]: differences }).toEqual({
        [projection.name]: Object.fromEntries(projection.tables.map((table) => [table, 0])),
      });
    }

    const before = await dump();
    expect(await sealPlaintextEvents(t.db.owner.database, privacy.keys, personalDataPolicy)).toBe(
      0,
    );
    expect(await dump()).toEqual(before);
    await privacy.keys.close();
  });
});
