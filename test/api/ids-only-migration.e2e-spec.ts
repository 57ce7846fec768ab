import { type DomainCommand, registerStudentOnEnrollment } from '@rapport/domain';
import { EventStore, ProjectionRebuilder, Tenants } from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import type { Actor } from '../../apps/api/src/auth/actor';
import { LegacyAdvisorsBecomeStaff1764400200001 } from '../../apps/api/src/database/migrations/1764400200001-legacy-advisors-become-staff';
import {
  cleanTenant,
  type HygieneReport,
  IdsOnlyOutsideTheEnvelope1764700300000,
} from '../../apps/api/src/database/migrations/1764700300000-ids-only-outside-the-envelope';
import { DEMO_SLUG, DemoSeedService } from '../../apps/api/src/demo/demo-seed.service';
import { projections } from '../../apps/api/src/projections';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { StateCache } from '../../apps/api/src/write/state-cache';
import { newInstitution } from '../support/builders';
import { caughtUp } from '../support/projections';
import { startTestApp, type TestApp } from '../support/test-app';

const MARIA = 'Maria.Lopez@oldshape.test';
const OLD_REJECTION = `Can't send mail - all recipients were rejected: 550 5.1.1 <maria.lopez@oldshape.test>: Recipient address rejected: User unknown (Maria Lopez)`;
/** What must be gone from everywhere outside `data.personal`, case-insensitively. */
const PERSONAL = ['oldshape.test', 'maria.lopez', 'maria lopez', 'adv-7'];

/** Runs `work` in one owner transaction, as `npm run migrate` runs a migration. */
async function asOwner<T>(t: TestApp, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const database = t.db.owner.database;
  const runner = database.dataSource.createQueryRunner();
  await runner.startTransaction();
  try {
    if (database.options.localRole)
      await runner.query(`SET LOCAL ROLE ${database.options.localRole}`);
    const result = await work(runner);
    await runner.commitTransaction();
    // Migrations run before an API process starts; this one ran under a live one, whose
    // cached aggregate states predate it.
    t.app.get(StateCache).clear();
    return result;
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

/** Every row that may hold an id, as text, for comparing runs and searching. */
async function snapshot(t: TestApp, tenantId: string) {
  return t.db.owner.database.withTenant(tenantId, async (tx) => ({
    events: await tx.query<Record<string, unknown>>(
      `SELECT global_position, stream_id, stream_version, type, data - 'personal' AS data, metadata
         FROM events WHERE tenant_id = $1 ORDER BY global_position`,
      [tenantId],
    ),
    streams: await tx.query(
      `SELECT stream_id, version FROM streams WHERE tenant_id = $1 ORDER BY 1`,
      [tenantId],
    ),
    states: await tx.query<{ stream_id: string; kind: string; state: Record<string, unknown> }>(
      `SELECT stream_id, kind, state FROM aggregate_states WHERE tenant_id = $1 ORDER BY 1`,
      [tenantId],
    ),
    delivery: await tx.query(
      `SELECT 'digests' AS t, recipient_id AS id, NULL AS error FROM digests WHERE tenant_id = $1
       UNION ALL SELECT 'optouts', recipient_id, NULL FROM digest_optouts WHERE tenant_id = $1
       UNION ALL SELECT 'outbox', recipient_id, last_error FROM outbox WHERE tenant_id = $1
       UNION ALL SELECT 'activity', actor_id, NULL FROM student_activity WHERE tenant_id = $1
       ORDER BY 1, 2`,
      [tenantId],
    ),
  }));
}

/** The rows outside `personal` whose text holds any of `strings`. */
function leaks(snap: Awaited<ReturnType<typeof snapshot>>, strings: string[]): string[] {
  const found: string[] = [];
  const check = (where: string, value: unknown) => {
    const text = JSON.stringify(value).toLowerCase();
    for (const s of strings) if (text.includes(s.toLowerCase())) found.push(`${where}: ${s}`);
  };
  for (const e of snap.events) check(`event ${String(e.type)} ${String(e.stream_id)}`, e);
  for (const s of snap.streams) check('streams', s);
  for (const s of snap.states) {
    // A staff member's own name and email are their personal part.
    const { personal: _personal, ...rest } = s.state;
    check(`state ${s.stream_id}`, { ...s, state: rest });
  }
  for (const d of snap.delivery) check('delivery', d);
  return found;
}

async function verifyReadModels(t: TestApp): Promise<Record<string, number>> {
  const database = t.db.owner.database;
  const rebuilder = new ProjectionRebuilder(
    database,
    new EventStore(database, undefined, t.app.get(EventStore).privacy),
  );
  const differing: Record<string, number> = {};
  for (const projection of projections)
    for (const [table, count] of Object.entries(await rebuilder.verify(projection)))
      if (count > 0) differing[table] = count;
  return differing;
}

describe('migration 1764700300000: ids only outside the envelope', () => {
  let t: TestApp;
  let tenantId: string;
  let healthId: string;
  let studentId: string;
  let noteId: string;
  let mariaStaffId: string;

  const admin = (): Actor => ({ subject: 'admin-test', tenantId, role: 'admin' });
  const maria = (): Actor => ({ subject: MARIA, tenantId, role: 'advisor' });
  const at = '2026-11-02T15:00:00Z';

  async function run(actor: Actor, command: DomainCommand) {
    const context = { actor, correlationId: randomUUID(), now: new Date(at) };
    return (await t.app.get(CommandExecutor).execute(context, command)).events;
  }

  async function append(
    streamId: string,
    type: string,
    data: object,
    actorId: string,
    role: string,
  ) {
    await t.app
      .get(EventStore)
      .append(tenantId, streamId, [
        { type, data, metadata: { actorId, actorRole: role, correlationId: randomUUID() } },
      ]);
  }

  beforeAll(async () => {
    t = await startTestApp();
    const inst = await newInstitution(t, { name: 'Old Shape College' });
    tenantId = inst.tenantId;
    healthId = randomUUID();
    const details = {
      name: 'Health',
      term: 'Fall',
      startDate: '2026-09-01',
      endDate: '2027-01-29',
    };
    await run(admin(), { type: 'CreateCohort', data: { cohortId: healthId, ...details, at } });
    // The old shape: advisors assigned, acting and mailed by free strings.
    for (const advisorId of [MARIA, 'adv-7'])
      await run(admin(), { type: 'AssignAdvisor', data: { cohortId: healthId, advisorId, at } });
    studentId = randomUUID();
    const rows = [{ studentId, name: 'Ada One', email: 'ada.one@students.test' }];
    for (const event of await run(admin(), {
      type: 'EnrollStudents',
      data: { cohortId: healthId, rows, at },
    }))
      if (event.type === 'StudentEnrolled') await run(admin(), registerStudentOnEnrollment(event));
    noteId = randomUUID();
    await run(maria(), {
      type: 'AddAdvisorNote',
      data: {
        studentId,
        noteId,
        advisorId: MARIA,
        role: 'advisor',
        at,
        personal: { text: 'Met at fair' },
      },
    });
    await run(maria(), {
      type: 'AddContact',
      data: {
        contactId: randomUUID(),
        studentId,
        relationship: 'mentor',
        at,
        personal: { name: 'Dana Fox' },
      },
    });
    await append(
      `digest-advisor-${MARIA}`,
      'DigestDead',
      {
        week: '2026-W44',
        messageId: randomUUID(),
        reason: OLD_REJECTION,
        attempts: 1,
        at,
      },
      'digest-delivery',
      'system',
    );
    await append(`mail-advisor-${MARIA}`, 'DigestUnsubscribed', { at }, MARIA, 'advisor');
    await t.db.owner.database.withTenant(tenantId, async (tx) => {
      const messageId = randomUUID();
      await tx.query(
        `INSERT INTO digest_optouts (tenant_id, recipient_kind, recipient_id) VALUES ($1, 'advisor', $2)`,
        [tenantId, MARIA],
      );
      await tx.query(
        `INSERT INTO digests (tenant_id, recipient_kind, recipient_id, week, message_id) VALUES ($1, 'advisor', $2, '2026-W44', $3)`,
        [tenantId, MARIA, messageId],
      );
      await tx.query(
        `INSERT INTO outbox (tenant_id, message_id, recipient_kind, recipient_id, to_address, subject, html, text, status, last_error, week, kind)
         VALUES ($1, $2, 'advisor', $3, $3, 'Your cohort', '<p>x</p>', 'x', 'dead', $4, '2026-W44', 'digest')`,
        [tenantId, messageId, MARIA, OLD_REJECTION],
      );
    });
    await caughtUp(t.app);
    await asOwner(t, (runner) => new LegacyAdvisorsBecomeStaff1764400200001().up(runner));
    const [staff] = await t.db.owner.database.withTenant(tenantId, (tx) =>
      tx.query<{ aggregate_id: string }>(
        `SELECT aggregate_id FROM aggregate_states WHERE kind = 'staff' AND state->'personal'->>'email' = $1`,
        [MARIA.toLowerCase()],
      ),
    );
    mariaStaffId = staff.aggregate_id;
    // After the legacy-advisors migration, digests went to the staff id: two streams to merge.
    await append(
      `digest-advisor-${mariaStaffId}`,
      'DigestSent',
      { week: '2026-W45', messageId: randomUUID(), at },
      'digest-delivery',
      'system',
    );
    await caughtUp(t.app);
  });
  afterAll(() => t.close());

  it('finds the old shape before it runs (the test seeds what it claims to)', async () => {
    const found = leaks(await snapshot(t, tenantId), PERSONAL);
    for (const where of [
      /^event AdvisorNoteAdded/,
      /^event AdvisorAssigned/,
      /^event ContactAdded/,
      /^event DigestDead digest-advisor-/,
      /^event DigestUnsubscribed mail-advisor-/,
      /^streams/,
      /^state advisor-notes-/,
    ])
      expect([where, found.some((f) => where.test(f))]).toEqual([where, true]);
    expect(found.filter((f) => f.startsWith('delivery')).length).toBeGreaterThanOrEqual(4);
  });

  it('moves every free-string advisor id to its staff id and keeps only SMTP codes, once', async () => {
    // What the legacy-advisors migration left (it dates the states it writes by its own clock).
    const differingBefore = await verifyReadModels(t);
    const report = await asOwner(t, (runner) => cleanTenant(runner, tenantId));
    expect(report.advisorIds).toBe(2);
    expect(report.streamsRenamed).toBe(2);
    expect(report.failureReasons).toBe(2);

    const after = await snapshot(t, tenantId);
    expect(leaks(after, PERSONAL)).toEqual([]);

    const dead = after.events.find((e) => e.type === 'DigestDead')!;
    expect(dead.stream_id).toBe(`digest-advisor-${mariaStaffId}`);
    expect((dead.data as { reason: unknown }).reason).toEqual({
      kind: 'recipient-rejected',
      responseCode: 550,
      status: '5.1.1',
      code: 'EENVELOPE',
      command: null,
    });
    // The merged stream is numbered 1..n in log order, and `streams` agrees.
    const merged = after.events.filter((e) => e.stream_id === `digest-advisor-${mariaStaffId}`);
    expect(merged.map((e) => [e.type, Number(e.stream_version)])).toEqual([
      ['DigestDead', 1],
      ['DigestSent', 2],
    ]);
    expect(after.streams).toContainEqual({
      stream_id: `digest-advisor-${mariaStaffId}`,
      version: '2',
    });
    const cohort = after.states.find((s) => s.stream_id === `cohort-${healthId}`)!;
    expect(cohort.state.advisorIds).toHaveLength(2);
    expect(cohort.state.advisorIds).toContain(mariaStaffId);
    expect(after.delivery).toContainEqual({
      t: 'outbox',
      id: mariaStaffId,
      error: 'recipient-rejected (550 5.1.1 EENVELOPE)',
    });

    // Maria, signed in with her staff id, is still the author of her note.
    await run(
      { ...maria(), subject: mariaStaffId },
      {
        type: 'EditAdvisorNote',
        data: {
          studentId,
          noteId,
          advisorId: mariaStaffId,
          role: 'advisor',
          at,
          personal: { text: 'Met at the fair' },
        },
      },
    );

    // Read models match a rebuild of the rewritten history as well as they did before.
    await caughtUp(t.app);
    expect(await verifyReadModels(t)).toEqual(differingBefore);

    // A second run changes nothing.
    const before = await snapshot(t, tenantId);
    const again: HygieneReport = await asOwner(t, (runner) => cleanTenant(runner, tenantId));
    expect(again).toEqual({
      advisorIds: 0,
      eventsRewritten: 0,
      streamsRenamed: 0,
      failureReasons: 0,
    });
    expect(await snapshot(t, tenantId)).toEqual(before);
  });
});

describe('migration 1764700300000 on the demo data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.get(DemoSeedService).seedIfEmpty(new Date('2026-11-27T15:00:00Z'));
    await caughtUp(t.app);
  });
  afterAll(() => t.close());

  it('finds nothing to change in data written by this version, and every read model still matches', async () => {
    const tenantId = (await new Tenants(t.db.worker.database).findBySlug(DEMO_SLUG))!.tenantId;
    const before = await snapshot(t, tenantId);
    await asOwner(t, (runner) => new IdsOnlyOutsideTheEnvelope1764700300000().up(runner));
    expect(await snapshot(t, tenantId)).toEqual(before);
    expect(await verifyReadModels(t)).toEqual({});
  });
});
