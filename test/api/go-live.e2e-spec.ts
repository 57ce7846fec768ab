import request from 'supertest';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { InstitutionService } from '../../apps/api/src/institution/institution.service';
import { StaffService } from '../../apps/api/src/staff/staff.service';
import { graphql, ok } from '../support/graphql';
import { TestOidcProvider } from '../support/oidc-provider';
import { caughtUp } from '../support/projections';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, testMail, type TestApp } from '../support/test-app';

const ME = '{ me { role subject student { id name } } }';

/**
 * The journey of issue #14: an operator creates an institution with its OpenID provider and its
 * first admin (what `npm run institution:create -- … --issuer … --admin-email …` calls), the admin
 * signs in through the provider, imports a roster file and invites an advisor, and a student
 * signs in with a token that carries only standard claims. Nobody here holds a Rapport token.
 */
describe('an institution goes live', () => {
  let t: TestApp;
  let provider: TestOidcProvider;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url) });
    provider = await TestOidcProvider.start({ alg: 'RS256' });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([provider.close(), sink.stop()]);
  });

  const deliver = () => t.app.get(DigestDelivery).deliverDue();

  it('from the operator command to a student signed in through the provider', async () => {
    // 1. The operator creates the institution, its provider and its first admin.
    const institution = await t.app.get(InstitutionService).register({
      name: 'State University',
      slug: 'state-u',
      timeZone: 'America/Chicago',
      identityProvider: { issuer: provider.issuer, audience: provider.audience },
    });
    await t.app.get(StaffService).inviteAsOperator(institution.tenantId, {
      email: 'Career.Center@State.edu',
      name: 'Casey Admin',
      role: 'admin',
    });
    await deliver();
    expect(sink.messagesTo('career.center@state.edu')).toHaveLength(1);

    // 2. The admin signs in with their institution account; the role is Rapport's.
    provider.person('casey', { email: 'career.center@state.edu', email_verified: true });
    const admin = await provider.token('casey');
    expect(ok(await graphql(t.app, admin, ME)).me).toMatchObject({ role: 'admin' });

    // 3. A cohort and its roster file.
    const cohortId = ok(
      await graphql(
        t.app,
        admin,
        `
          mutation ($input: CreateCohortInput!) {
            createCohort(input: $input) {
              cohort {
                id
              }
            }
          }
        `,
        {
          input: {
            name: 'Fall',
            term: 'Fall 2026',
            startDate: '2026-09-01',
            endDate: '2026-12-15',
          },
        },
      ),
    ).createCohort.cohort.id as string;
    const roster = [
      'email,name,external_id,program,graduation_year',
      'ann.lee@state.edu,Ann Lee,S1001,Biology,2028',
      'bo.kim@state.edu,Bo Kim,S1002,History,2027',
      'not-an-email,Nobody,S1003,,',
    ].join('\r\n');
    const imported = await request(t.app.getHttpServer())
      .post(`/imports/cohorts/${cohortId}/roster.csv`)
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', 'text/csv')
      .send(roster);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ accepted: 2, updated: 0, unchanged: 0 });
    expect(imported.body.rejected).toEqual([expect.objectContaining({ row: 4 })]);

    // 4. An advisor is invited, assigned, and signs in.
    const advisorId = ok(
      await graphql(
        t.app,
        admin,
        `
          mutation ($input: InviteStaffInput!) {
            inviteStaff(input: $input) {
              staffMember {
                id
              }
            }
          }
        `,
        { input: { email: 'maria.lopez@state.edu', name: 'Maria Lopez', role: 'ADVISOR' } },
      ),
    ).inviteStaff.staffMember.id as string;
    ok(
      await graphql(
        t.app,
        admin,
        `
          mutation ($input: AssignAdvisorInput!) {
            assignAdvisor(input: $input) {
              cohort {
                id
              }
            }
          }
        `,
        { input: { cohortId, advisorId } },
      ),
    );

    // Welcome mails to the students and the advisor's invitation, each once.
    await deliver();
    expect(sink.messagesTo('ann.lee@state.edu')).toHaveLength(1);
    expect(sink.messagesTo('ann.lee@state.edu')[0].text).toContain('State University');
    expect(sink.messagesTo('bo.kim@state.edu')).toHaveLength(1);
    expect(sink.messagesTo('maria.lopez@state.edu')).toHaveLength(1);

    // 5. A student signs in with only standard claims, found by verified email, and acts.
    provider.person('ann-sub', { email: 'ann.lee@state.edu', email_verified: true });
    const ann = await provider.token('ann-sub');
    const me = ok(await graphql(t.app, ann, ME)).me;
    expect(me).toMatchObject({ role: 'student', student: { name: 'Ann Lee' } });
    ok(
      await graphql(
        t.app,
        ann,
        `
          mutation {
            addContact(input: { name: "Dana Reyes", relationship: friend }) {
              contact {
                id
              }
            }
          }
        `,
      ),
    );

    // The advisor sees her cohort's students, Ann among them.
    provider.person('maria-sub', { email: 'maria.lopez@state.edu', email_verified: true });
    const maria = await provider.token('maria-sub');
    expect(ok(await graphql(t.app, maria, ME)).me).toMatchObject({
      role: 'advisor',
      subject: advisorId,
    });
    await caughtUp(t.app);
    const students = ok(
      await graphql(
        t.app,
        maria,
        `
          query ($id: ID!) {
            cohort(id: $id) {
              students(first: 10) {
                edges {
                  node {
                    id
                    name
                  }
                }
              }
            }
          }
        `,
        { id: cohortId },
      ),
    ).cohort.students.edges.map((e: { node: { name: string } }) => e.node.name);
    expect(students.sort()).toEqual(['Ann Lee', 'Bo Kim']);
  });
});
