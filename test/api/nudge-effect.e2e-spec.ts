import type { INestApplication } from '@nestjs/common';
import { type DomainCommand, registerStudentOnEnrollment } from '@rapport/domain';
import { EventStore, ProjectionRebuilder } from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../apps/api/src/auth/actor';
import type { DigestConfig } from '../../apps/api/src/config/app-config';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import {
  FollowUpActionService,
  studentWebActor,
} from '../../apps/api/src/follow-up-action/follow-up-action.service';
import { DigestTrackingService } from '../../apps/api/src/nudge-effect/digest-tracking.service';
import { NudgeEffectService } from '../../apps/api/src/nudge-effect/nudge-effect.service';
import { nudgeEffectProjection } from '../../apps/api/src/nudge-effect/nudge-effect.projection';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, testMail, type TestApp } from '../support/test-app';

const DIGEST: DigestConfig = {
  enabled: false,
  tickMs: 60_000,
  deliveryMs: 1_000,
  maxAttempts: 5,
  retryBaseMs: 1,
  sendConcurrency: 4,
};

const EFFECT = `query ($id: ID!, $asOf: DateTime) {
  cohort(id: $id) {
    dashboard {
      nudgeEffect(asOf: $asOf) {
        asOf windowDays digestsSent digestsOpened items pending doneFromMail doneElsewhere notDone
        shares { doneFromMail doneElsewhere notDone }
        medianDaysToAct
        byKind { kind items pending doneFromMail doneElsewhere notDone medianDaysToAct }
      }
    }
  }
}`;

const admin = (tenantId: string): Actor => ({ subject: 'admin-test', tenantId, role: 'admin' });

/** Domain commands at a simulated instant, through the same executor as GraphQL. */
function commands(app: INestApplication, tenantId: string) {
  const executor = app.get(CommandExecutor);
  const run = async (actor: Actor, at: string, command: DomainCommand) =>
    (await executor.execute({ actor, correlationId: randomUUID(), now: new Date(at) }, command))
      .events;
  return {
    async cohort(at: string, name: string) {
      const cohortId = randomUUID();
      await run(admin(tenantId), at, {
        type: 'CreateCohort',
        data: {
          cohortId,
          name,
          term: 'Fall 2026',
          startDate: '2026-09-01',
          endDate: '2027-01-29',
          interviewTargetOverride: null,
          at,
        },
      });
      return cohortId;
    },
    async enrol(at: string, cohortId: string, names: string[]) {
      const rows = names.map((name) => ({
        studentId: randomUUID(),
        name,
        email: `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 6)}@students.test`,
      }));
      const events = await run(admin(tenantId), at, {
        type: 'EnrollStudents',
        data: { cohortId, rows, at },
      });
      for (const event of events)
        if (event.type === 'StudentEnrolled')
          await run(admin(tenantId), at, registerStudentOnEnrollment(event));
      return rows;
    },
    student(studentId: string) {
      const me: Actor = { subject: `user-${studentId}`, tenantId, role: 'student', studentId };
      const exec = (at: string, command: DomainCommand) => run(me, at, command);
      return {
        exec,
        async contact(at: string, name: string) {
          const contactId = randomUUID();
          await exec(at, {
            type: 'AddContact',
            data: { contactId, studentId, relationship: 'friend', personal: { name }, at },
          });
          return contactId;
        },
        async request(at: string, contactId: string) {
          const interviewId = randomUUID();
          await exec(at, {
            type: 'SendRequest',
            data: {
              interviewId,
              studentId,
              contactId,
              channel: 'email',
              askMinutes: 30,
              proposedFormats: ['video'],
              at,
            },
          });
          return interviewId;
        },
        async held(at: string, contactId: string) {
          const interviewId = randomUUID();
          await exec(at, {
            type: 'RecordInterviewHeld',
            data: {
              interviewId,
              studentId,
              contactId,
              heldAt: at,
              format: 'video',
              personal: {},
              at,
            },
          });
          return interviewId;
        },
      };
    },
  };
}

const days = (from: string, n: number, minutes = 0) =>
  new Date(Date.parse(from) + n * 86_400_000 + minutes * 60_000).toISOString();

describe('did the nudge work? (docs/adr/0023)', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let fall: string;
  let spring: string;
  let ava: string;
  let ben: string;
  // Monday 2026-11-30 08:05 in Chicago: the digests go.
  const sent = '2026-11-30T14:05:00.000Z';

  const effect = async (cohortId: string, asOf?: string, token = inst.adminToken) =>
    graphql(t.app, token, EFFECT, { id: cohortId, asOf });
  const nudge = async (cohortId: string, asOf?: string) =>
    ok(await effect(cohortId, asOf)).cohort.dashboard.nudgeEffect;
  const rows = () =>
    t.db.app.database.withTenant(inst.tenantId, async (tx) => ({
      digests: await tx.query(
        `SELECT digest_id, student_id, cohort_id, sent_at, opened_at FROM nudge_digests ORDER BY 1`,
      ),
      items: await tx.query(`SELECT * FROM nudge_digest_items ORDER BY digest_id, item_no`),
    }));

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url), digest: DIGEST });
    inst = await newInstitution(t, { timeZone: 'America/Chicago' });
    const c = commands(t.app, inst.tenantId);
    fall = await c.cohort('2026-11-02T15:00:00Z', 'Fall Explorers');
    spring = await c.cohort('2026-11-02T15:00:00Z', 'Spring Explorers');
    const [a, b] = await c.enrol('2026-11-02T15:00:00Z', fall, ['Ava Stone', 'Ben Ortiz']);
    [ava, ben] = [a.studentId, b.studentId];
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('follows each digest item: from the mail, elsewhere, at the 7-day edge; asOf before and after; rebuilt the same', async () => {
    const c = commands(t.app, inst.tenantId);
    const a = c.student(ava);
    const dana = await a.contact('2026-11-03T15:00:00Z', 'Dana Fox');
    const lee = await a.contact('2026-11-03T15:00:00Z', 'Lee Park');
    const thanks = await a.held('2026-11-20T16:00:00Z', dana);
    const asked = await a.request('2026-11-25T15:00:00Z', lee);
    const b = c.student(ben);
    const omar = await b.contact('2026-11-03T15:00:00Z', 'Omar Reyes');
    const bensThanks = await b.held('2026-11-20T16:00:00Z', omar);
    await caughtUp(t.app);

    expect(await t.app.get(DigestScheduler).tick(new Date(sent))).toBe(2);
    await caughtUp(t.app);
    const { digests } = await rows();
    const digestOf = (studentId: string) =>
      (digests as { digest_id: string; student_id: string }[]).find(
        (d) => d.student_id === studentId,
      )!.digest_id;
    expect(digests).toHaveLength(2);
    expect((await rows()).items).toHaveLength(3);

    const day1 = await nudge(fall, days(sent, 1));
    expect(day1).toMatchObject({
      windowDays: 7,
      digestsSent: 2,
      digestsOpened: 0,
      items: 3,
      pending: 3,
      shares: null,
      medianDaysToAct: null,
    });
    expect(await nudge(fall, days(sent, 0, -1))).toMatchObject({ digestsSent: 0, items: 0 });

    // Ava opens her digest and thanks Dana from its link, two days later.
    const opened = new Date(days(sent, 2));
    await t.app
      .get(DigestTrackingService)
      .opened(inst.tenantId, ava, digestOf(ava), 'action-link', opened);
    const actions = t.app.get(FollowUpActionService);
    const outcome = await actions.perform(
      {
        actor: studentWebActor(inst.tenantId, ava),
        correlationId: randomUUID(),
        now: opened,
        digestId: digestOf(ava),
        clientMutationId: `test-${randomUUID()}`,
      },
      { kind: 'thank_you', interviewId: thanks },
    );
    expect(outcome).toBe('recorded');
    // She nudges Lee elsewhere exactly at the window's end; Ben thanks Omar a minute too late.
    await a.exec(days(sent, 7), {
      type: 'NudgeRequest',
      data: { interviewId: asked, at: days(sent, 7) },
    });
    await b.exec(days(sent, 7, 1), {
      type: 'RecordThankYou',
      data: {
        interviewId: bensThanks,
        sentAt: days(sent, 7, 1),
        channel: 'email',
        at: days(sent, 7, 1),
      },
    });
    await caughtUp(t.app);

    // An instant before those steps answers as it did before they were recorded.
    expect(await nudge(fall, days(sent, 1))).toEqual(day1);
    expect(await nudge(fall, days(sent, 2))).toMatchObject({
      digestsOpened: 1,
      pending: 2,
      doneFromMail: 1,
      shares: { doneFromMail: 1, doneElsewhere: 0, notDone: 0 },
      medianDaysToAct: 2,
    });
    // A minute before the window closes Ben's item is still pending, at the edge it is not done.
    expect(await nudge(fall, days(sent, 7, -1))).toMatchObject({
      pending: 2,
      doneFromMail: 1,
      doneElsewhere: 0,
      notDone: 0,
    });
    const settled = {
      windowDays: 7,
      digestsSent: 2,
      digestsOpened: 1,
      items: 3,
      pending: 0,
      doneFromMail: 1,
      doneElsewhere: 1,
      notDone: 1,
      shares: { doneFromMail: 1 / 3, doneElsewhere: 1 / 3, notDone: 1 / 3 },
      medianDaysToAct: 4.5,
      byKind: [
        {
          kind: 'thank_you',
          items: 2,
          pending: 0,
          doneFromMail: 1,
          doneElsewhere: 0,
          notDone: 1,
          medianDaysToAct: 2,
        },
        {
          kind: 'nudge',
          items: 1,
          pending: 0,
          doneFromMail: 0,
          doneElsewhere: 1,
          notDone: 0,
          medianDaysToAct: 7,
        },
        {
          kind: 'prepare',
          items: 0,
          pending: 0,
          doneFromMail: 0,
          doneElsewhere: 0,
          notDone: 0,
          medianDaysToAct: null,
        },
        {
          kind: 'reach_out_to_referral',
          items: 0,
          pending: 0,
          doneFromMail: 0,
          doneElsewhere: 0,
          notDone: 0,
          medianDaysToAct: null,
        },
        {
          kind: 'stay_in_touch',
          items: 0,
          pending: 0,
          doneFromMail: 0,
          doneElsewhere: 0,
          notDone: 0,
          medianDaysToAct: null,
        },
      ],
    };
    expect(await nudge(fall, days(sent, 7))).toEqual({ ...settled, asOf: days(sent, 7) });
    // Without asOf: the dashboard's instant (now), long after the window.
    expect(await nudge(fall)).toMatchObject(settled);

    // Ben moves to the spring cohort: his digest stays with the cohort it went to.
    ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($input: EnrollStudentsInput!) {
            enrollStudents(input: $input) {
              accepted {
                studentId
              }
            }
          }
        `,
        { input: { cohortId: spring, rows: [{ name: 'Ben Ortiz', email: await emailOf(ben) }] } },
      ),
    );
    await caughtUp(t.app);
    expect(await nudge(spring)).toMatchObject({ digestsSent: 0, items: 0 });
    expect(await nudge(fall)).toMatchObject(settled);

    // A rebuild from history gives the same rows and the same answers.
    const before = await rows();
    const owner = t.db.owner.database;
    await new ProjectionRebuilder(
      owner,
      new EventStore(owner, undefined, t.app.get(EventStore).privacy),
      7,
      5,
      2,
    ).rebuild(nudgeEffectProjection);
    expect(await rows()).toEqual(before);
    expect(await nudge(fall, days(sent, 2))).toMatchObject({ doneFromMail: 1, pending: 2 });
    expect(await nudge(fall, days(sent, 7))).toEqual({ ...settled, asOf: days(sent, 7) });
  });

  it('is for the advisors of the cohort and admins only', async () => {
    const mine = await newStaff(t, inst.adminToken);
    const other = await newStaff(t, inst.adminToken);
    ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($c: ID!, $a: ID!) {
            assignAdvisor(input: { cohortId: $c, advisorId: $a }) {
              cohort {
                id
              }
            }
          }
        `,
        { c: fall, a: mine.staffId },
      ),
    );
    expect(ok(await effect(fall, undefined, mine.token)).cohort.dashboard.nudgeEffect).toBeTruthy();
    expect(errorCode(await effect(fall, undefined, other.token))).toBe('FORBIDDEN');
    // The service holds the rule itself, whatever field leads to it.
    const service = t.app.get(NudgeEffectService);
    const advisor = (subject: string): Actor => ({
      subject,
      tenantId: inst.tenantId,
      role: 'advisor',
    });
    await expect(
      service.cohortNudgeEffect(advisor(mine.staffId), fall, new Date()),
    ).resolves.toHaveProperty('windowDays', 7);
    await expect(
      service.cohortNudgeEffect(advisor(other.staffId), fall, new Date()),
    ).rejects.toThrow('Only the advisors of this cohort');
    expect(errorCode(await effect(fall, undefined, await inst.studentToken(ava)))).toBe(
      'FORBIDDEN',
    );
  });

  async function emailOf(studentId: string): Promise<string> {
    const { student } = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          query ($id: ID!) {
            student(id: $id) {
              email
            }
          }
        `,
        {
          id: studentId,
        },
      ),
    );
    return student.email as string;
  }
});
