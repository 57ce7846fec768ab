import { type DomainCommand, registerStudentOnEnrollment } from '@rapport/domain';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../apps/api/src/auth/actor';
import { LegacyAdvisorsBecomeStaff1764400200001 } from '../../apps/api/src/database/migrations/1764400200001-legacy-advisors-become-staff';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { PersonMatchers } from '../../apps/api/src/identity/person-matcher';
import { StaffService } from '../../apps/api/src/staff/staff.service';
import { TokenService } from '../../apps/api/src/auth/token.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, type GraphqlResult, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, testMail, type TestApp } from '../support/test-app';

const INVITE = `
  mutation ($input: InviteStaffInput!) {
    inviteStaff(input: $input) { clientMutationId staffMember { id name email role status version } }
  }
`;
const RESEND = `
  mutation ($input: ResendStaffInvitationInput!) {
    resendStaffInvitation(input: $input) { staffMember { id status } }
  }
`;
const DEACTIVATE = `
  mutation ($input: DeactivateStaffInput!) {
    deactivateStaff(input: $input) { staffMember { id status deactivatedAt } }
  }
`;
const LIST = `
  query ($first: Int, $after: String) {
    staff(first: $first, after: $after) {
      totalCount
      edges { node { id name email role status } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const CREATE_COHORT = `
  mutation ($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }
`;
const ASSIGN = `
  mutation ($input: AssignAdvisorInput!) { assignAdvisor(input: $input) { cohort { id advisorIds } } }
`;
const COHORTS = `query { cohorts { id } }`;

type Institution = Awaited<ReturnType<typeof newInstitution>>;

function invitationsTo(sink: SmtpSink, address: string) {
  return sink.messagesTo(address).filter((m) => m.subject.includes('invited to Rapport'));
}

describe('staff', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let inst: Institution;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url) });
    inst = await newInstitution(t, { name: 'Northfield University' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });
  beforeEach(() => sink.reset());

  const deliver = () => t.app.get(DigestDelivery).deliverDue();
  const invite = (input: Record<string, unknown>, token = inst.adminToken) =>
    graphql(t.app, token, INVITE, { input });
  const list = async () =>
    ok(await graphql(t.app, inst.adminToken, LIST, { first: 100 })).staff.edges.map(
      (e: { node: Record<string, unknown> }) => e.node,
    ) as Record<string, unknown>[];

  it('invites a staff member: exactly one invitation mail, with the institution and how to sign in', async () => {
    const input = {
      name: 'Maria Lopez',
      email: ' Maria.Lopez@Northfield.test ',
      role: 'ADVISOR',
      clientMutationId: 'invite-maria',
    };
    const invited = ok(await invite(input)).inviteStaff;
    expect(invited.staffMember).toMatchObject({
      name: 'Maria Lopez',
      email: 'maria.lopez@northfield.test',
      role: 'ADVISOR',
      status: 'INVITED',
    });
    // A retried mutation is recognised: no second staff member, no second message.
    expect(ok(await invite(input)).inviteStaff.staffMember.id).toBe(invited.staffMember.id);
    await deliver();
    await deliver();

    const mails = invitationsTo(sink, 'maria.lopez@northfield.test');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Northfield University: you are invited to Rapport');
    for (const part of [mails[0].text, mails[0].html]) {
      expect(part).toContain('Maria Lopez');
      expect(part).toContain('Northfield University');
      expect(part).toContain('maria.lopez@northfield.test');
      expect(part).toMatch(/sign in with your Northfield University account/);
    }
    expect(mails[0].html).toContain('href="https://rapport.test/"');
    expect((await list()).filter((s) => s.email === 'maria.lopez@northfield.test')).toHaveLength(1);
  });

  it('sends the invitation again on request, as a second message', async () => {
    const ann = await newStaff(t, inst.adminToken, { name: 'Ann Reyes' });
    await deliver();
    expect(invitationsTo(sink, ann.email)).toHaveLength(1);

    const resent = ok(
      await graphql(t.app, inst.adminToken, RESEND, { input: { staffId: ann.staffId } }),
    );
    expect(resent.resendStaffInvitation.staffMember).toEqual({
      id: ann.staffId,
      status: 'INVITED',
    });
    await deliver();
    const mails = invitationsTo(sink, ann.email);
    expect(mails).toHaveLength(2);
    expect(mails[0].messageId).not.toBe(mails[1].messageId);
  });

  it('refuses a second staff member with the same email, whatever its case, and records nothing', async () => {
    const first = await newStaff(t, inst.adminToken, { email: 'june.park@northfield.test' });
    const before = await list();
    const result = await invite({
      name: 'Someone Else',
      email: 'JUNE.PARK@northfield.test',
      role: 'ADMIN',
    });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions).toMatchObject({
      reason: 'ALREADY_EXISTS',
      field: 'email',
    });
    expect(result.errors![0].message).toMatch(/already has this email address/);
    expect(result.errors![0].message).not.toContain('june.park');
    expect(await list()).toEqual(before);
    await deliver();
    expect(invitationsTo(sink, 'june.park@northfield.test')).toHaveLength(1);

    // Once the first is deactivated, the address is free again.
    ok(await graphql(t.app, inst.adminToken, DEACTIVATE, { input: { staffId: first.staffId } }));
    const again = ok(
      await invite({ name: 'June Park', email: 'june.park@northfield.test', role: 'ADVISOR' }),
    );
    expect(again.inviteStaff.staffMember.id).not.toBe(first.staffId);
  });

  it('rejects bad input with the field at fault', async () => {
    const badEmail = await invite({ name: 'X', email: 'not-an-email', role: 'ADVISOR' });
    expect(badEmail.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'email',
    });
    const noName = await invite({ name: ' ', email: 'x@northfield.test', role: 'ADVISOR' });
    expect(noName.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('lists staff with their status for admins, paged', async () => {
    const other = await newInstitution(t);
    const a = await newStaff(t, other.adminToken, { name: 'A Advisor', role: 'ADVISOR' });
    const b = await newStaff(t, other.adminToken, { name: 'B Admin', role: 'ADMIN' });
    const c = await newStaff(t, other.adminToken, { name: 'C Gone' });
    ok(await graphql(t.app, other.adminToken, DEACTIVATE, { input: { staffId: c.staffId } }));
    await t.app.get(StaffService).activateOnSignIn(other.tenantId, a.staffId, new Date());

    const first = ok(await graphql(t.app, other.adminToken, LIST, { first: 2 })).staff;
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { id: a.staffId, name: 'A Advisor', email: a.email, role: 'ADVISOR', status: 'ACTIVE' },
      { id: b.staffId, name: 'B Admin', email: b.email, role: 'ADMIN', status: 'INVITED' },
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = ok(
      await graphql(t.app, other.adminToken, LIST, { first: 2, after: first.pageInfo.endCursor }),
    ).staff;
    expect(rest.edges.map((e: { node: { id: string; status: string } }) => e.node)).toMatchObject([
      { id: c.staffId, status: 'DEACTIVATED' },
    ]);
  });

  it('lets only admins invite, list, resend and deactivate', async () => {
    const advisor = await newStaff(t, inst.adminToken);
    const student = await inst.studentToken(randomUUID());
    for (const token of [advisor.token, student]) {
      const calls: GraphqlResult[] = [
        await invite({ name: 'X', email: `x-${randomUUID()}@n.test`, role: 'ADMIN' }, token),
        await graphql(t.app, token, LIST),
        await graphql(t.app, token, RESEND, { input: { staffId: advisor.staffId } }),
        await graphql(t.app, token, DEACTIVATE, { input: { staffId: advisor.staffId } }),
      ];
      expect(calls.map(errorCode)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    }
    const me = (await list()).find((s) => s.id === advisor.staffId);
    expect(me?.status).toBe('INVITED');
  });

  it('deactivates: the staff member’s tokens stop working, sign-in no longer finds them', async () => {
    const admin = await newStaff(t, inst.adminToken, { role: 'ADMIN' });
    const advisor = await newStaff(t, inst.adminToken);
    const matchers = t.app.get(PersonMatchers);
    const claims = (email: string) => ({ verifiedEmail: email, externalId: null });
    expect(await matchers.match(inst.tenantId, claims(advisor.email))).toEqual([
      { role: 'advisor', personId: advisor.staffId },
    ]);
    expect(await matchers.match(inst.tenantId, claims(admin.email))).toEqual([
      { role: 'admin', personId: admin.staffId },
    ]);
    ok(await graphql(t.app, advisor.token, COHORTS));

    // Admins cannot lock themselves out.
    const self = await graphql(t.app, admin.token, DEACTIVATE, {
      input: { staffId: admin.staffId },
    });
    expect(errorCode(self)).toBe('FORBIDDEN');

    const done = ok(
      await graphql(t.app, admin.token, DEACTIVATE, { input: { staffId: advisor.staffId } }),
    ).deactivateStaff.staffMember;
    expect(done.status).toBe('DEACTIVATED');
    expect(errorCode(await graphql(t.app, advisor.token, COHORTS))).toBe('UNAUTHENTICATED');
    expect(await matchers.match(inst.tenantId, claims(advisor.email))).toEqual([]);
    expect(await t.app.get(StaffService).isActive(inst.tenantId, advisor.staffId)).toBe(false);
    await expect(
      t.app.get(StaffService).activateOnSignIn(inst.tenantId, advisor.staffId, new Date()),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // No invitation to resend to someone deactivated.
    const resend = await graphql(t.app, admin.token, RESEND, {
      input: { staffId: advisor.staffId },
    });
    expect(resend.errors![0].extensions).toMatchObject({ reason: 'INVALID_TRANSITION' });
  });

  it('activates a staff member on first sign-in; the invitation can no longer be resent', async () => {
    const ann = await newStaff(t, inst.adminToken);
    const staff = t.app.get(StaffService);
    expect(await staff.isActive(inst.tenantId, ann.staffId)).toBe(true);
    await staff.activateOnSignIn(inst.tenantId, ann.staffId, new Date());
    await staff.activateOnSignIn(inst.tenantId, ann.staffId, new Date());
    expect((await list()).find((s) => s.id === ann.staffId)?.status).toBe('ACTIVE');
    const resend = await graphql(t.app, inst.adminToken, RESEND, {
      input: { staffId: ann.staffId },
    });
    expect(resend.errors![0].extensions).toMatchObject({ reason: 'INVALID_TRANSITION' });
  });

  describe('assignAdvisor', () => {
    let cohortId: string;

    beforeAll(async () => {
      cohortId = ok(
        await graphql(t.app, inst.adminToken, CREATE_COHORT, {
          input: {
            name: 'Explorers',
            term: 'Fall',
            startDate: '2026-09-01',
            endDate: '2026-12-15',
          },
        }),
      ).createCohort.cohort.id;
    });

    it('takes a staff member’s id; that advisor then sees the cohort', async () => {
      const advisor = await newStaff(t, inst.adminToken);
      const admin = await newStaff(t, inst.adminToken, { role: 'ADMIN' });
      expect(
        errorCode(
          await graphql(
            t.app,
            advisor.token,
            `
              query ($id: ID!) {
                cohort(id: $id) {
                  id
                }
              }
            `,
            { id: cohortId },
          ),
        ),
      ).toBe('FORBIDDEN');
      for (const staffId of [advisor.staffId, admin.staffId])
        ok(
          await graphql(t.app, inst.adminToken, ASSIGN, {
            input: { cohortId, advisorId: staffId },
          }),
        );
      const cohorts = ok(await graphql(t.app, advisor.token, COHORTS)).cohorts;
      expect(cohorts).toEqual([{ id: cohortId }]);
    });

    it('refuses an id that is no staff member, or a deactivated one, with a clear error', async () => {
      const gone = await newStaff(t, inst.adminToken);
      ok(await graphql(t.app, inst.adminToken, DEACTIVATE, { input: { staffId: gone.staffId } }));
      const otherInstitution = await newInstitution(t);
      const foreign = await newStaff(t, otherInstitution.adminToken);
      for (const advisorId of [
        'maria@northfield.test',
        randomUUID(),
        gone.staffId,
        foreign.staffId,
      ]) {
        const result = await graphql(t.app, inst.adminToken, ASSIGN, {
          input: { cohortId, advisorId },
        });
        expect(errorCode(result)).toBe('NOT_FOUND');
        expect(result.errors![0].extensions).toMatchObject({ field: 'advisorId' });
        expect(result.errors![0].message).toMatch(/invited or active staff member/);
        expect(result.errors![0].message).not.toContain('maria@');
      }
    });
  });
});

// Mondays 08:05 in Chicago: a digest slot.
const WEEK_49 = { week: '2026-W49', now: new Date('2026-11-30T14:05:00Z') };

describe('advisors from before staff had records', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let inst: Institution;
  let cohortId: string;
  let otherCohortId: string;

  const admin = (): Actor => ({ subject: 'admin-test', tenantId: inst.tenantId, role: 'admin' });
  const at = '2026-11-02T15:00:00Z';

  async function run(command: DomainCommand) {
    const context = { actor: admin(), correlationId: randomUUID(), now: new Date(at) };
    return (await t.app.get(CommandExecutor).execute(context, command)).events;
  }

  async function cohortWith(name: string, advisorIds: string[], students: string[]) {
    const id = randomUUID();
    const details = { name, term: 'Fall', startDate: '2026-09-01', endDate: '2027-01-29' };
    await run({ type: 'CreateCohort', data: { cohortId: id, ...details, at } });
    // The old shape: assigned by free string, as assignAdvisor allowed before.
    for (const advisorId of advisorIds)
      await run({ type: 'AssignAdvisor', data: { cohortId: id, advisorId, at } });
    const rows = students.map((n) => ({
      studentId: randomUUID(),
      name: n,
      email: `${n.toLowerCase().replace(/\W+/g, '.')}@students.test`,
    }));
    for (const event of await run({ type: 'EnrollStudents', data: { cohortId: id, rows, at } }))
      if (event.type === 'StudentEnrolled') await run(registerStudentOnEnrollment(event));
    return id;
  }

  /** The migration class itself, as `npm run migrate` runs it, on data it has not seen yet. */
  async function migrate() {
    const database = t.db.owner.database;
    const runner = database.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      if (database.options.localRole)
        await runner.query(`SET LOCAL ROLE ${database.options.localRole}`);
      await new LegacyAdvisorsBecomeStaff1764400200001().up(runner);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  const events = () =>
    t.db.owner.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ stream_id: string; type: string; data: Record<string, any>; metadata: object }>(
        `SELECT stream_id, type, data, metadata FROM events WHERE tenant_id = $1 ORDER BY global_position`,
        [tx.tenantId],
      ),
    );

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url) });
    inst = await newInstitution(t, { name: 'Old Shape College', timeZone: 'America/Chicago' });
    cohortId = await cohortWith(
      'Health',
      ['Maria.Lopez@oldshape.test', 'adv-7'],
      ['Ada One', 'Ben Two'],
    );
    otherCohortId = await cohortWith(
      'Tech',
      ['maria.lopez@oldshape.test', 'opted.out@oldshape.test'],
      ['Cy Three'],
    );
    await t.db.owner.database.withTenant(inst.tenantId, (tx) =>
      tx.query(
        `INSERT INTO digest_optouts (tenant_id, recipient_kind, recipient_id) VALUES ($1, 'advisor', 'opted.out@oldshape.test')`,
        [tx.tenantId],
      ),
    );
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('makes each free-string advisor a staff member, keeping their cohorts, history and digest', async () => {
    const before = await events();
    await migrate();

    const staff = ok(await graphql(t.app, inst.adminToken, LIST, { first: 100 })).staff.edges.map(
      (e: { node: Record<string, unknown> }) => e.node,
    );
    expect(
      staff.map(({ name, email, role, status }: Record<string, unknown>) => ({
        name,
        email,
        role,
        status,
      })),
    ).toEqual([
      { name: 'adv-7', email: null, role: 'ADVISOR', status: 'INVITED' },
      {
        name: 'Maria Lopez',
        email: 'maria.lopez@oldshape.test',
        role: 'ADVISOR',
        status: 'INVITED',
      },
      { name: 'Opted Out', email: 'opted.out@oldshape.test', role: 'ADVISOR', status: 'INVITED' },
    ]);
    const idOf = (name: string) =>
      staff.find((s: { name: string }) => s.name === name).id as string;
    const maria = idOf('Maria Lopez');

    // Both spellings of Maria's address are one person, advising both cohorts.
    const cohorts = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          query {
            cohorts {
              id
              advisorIds
            }
          }
        `,
      ),
    ).cohorts as { id: string; advisorIds: string[] }[];
    expect(cohorts.find((c) => c.id === cohortId)?.advisorIds.sort()).toEqual(
      [maria, idOf('adv-7')].sort(),
    );
    expect(cohorts.find((c) => c.id === otherCohortId)?.advisorIds.sort()).toEqual(
      [maria, idOf('Opted Out')].sort(),
    );
    const mariaToken = await t.app
      .get(TokenService)
      .sign({ subject: maria, tenantId: inst.tenantId, role: 'advisor' });
    const seen = ok(await graphql(t.app, mariaToken, COHORTS)).cohorts.map(
      (c: { id: string }) => c.id,
    );
    expect(seen.sort()).toEqual([cohortId, otherCohortId].sort());

    // History is intact: the old events are as written, the move is new events after them.
    const after = await events();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(
      after
        .slice(before.length)
        .map((e) => e.type)
        .sort(),
    ).toEqual(
      [
        ...Array(3).fill('StaffInvited'),
        ...Array(4).fill('AdvisorUnassigned'),
        ...Array(4).fill('AdvisorAssigned'),
      ].sort(),
    );

    // Running again finds nothing left to do.
    await migrate();
    expect(await events()).toHaveLength(after.length);

    // Maria's digest keeps coming, now greeted by name; the one who opted out stays out.
    await caughtUp(t.app);
    await t.app.get(DigestScheduler).runWeek(inst.tenantId, WEEK_49.week, WEEK_49.now);
    await t.app.get(DigestDelivery).deliverDue();
    const digests = sink.messagesTo('maria.lopez@oldshape.test');
    expect(digests).toHaveLength(1);
    expect(digests[0].text).toContain('Hi Maria Lopez,');
    expect(digests[0].html).toContain('Health');
    expect(digests[0].html).toContain('Tech');
    expect(sink.messagesTo('opted.out@oldshape.test')).toHaveLength(0);
  });
});
