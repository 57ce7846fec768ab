import { randomUUID } from 'node:crypto';
import { enrolledStudents, newInstitution } from '../support/builders';
import { errorCode, graphql, type GraphqlResult, ok } from '../support/graphql';
import { startTestApp, type TestApp } from '../support/test-app';

const INTERVIEW = `
  id studentId contactId status version respondedAt declineReason closedAt
  request { requestedAt channel askMinutes proposedFormats message }
  nudges { number channel at message }
  schedule { scheduledFor format durationMinutes location meetingLink rescheduleCount }
  cancellation { cancelledBy reason at }
  noShows { missedBy scheduledFor at }
  preparation { preparedAt questionIds customQuestions researchNotes }
  held { heldAt format withoutRequest questionIdsAsked notes keyInsights advice }
  thankYou { sentAt channel }
  referrals { contactId name receivedAt }
  shadowingRequests { kind at note }
  touchpoints { kind occurredAt note }
`;

/** `mutation($input: XInput!) { x(input: $input) { clientMutationId interview { … } } }` */
function mutation(name: string): string {
  const input = `${name[0].toUpperCase()}${name.slice(1)}Input`;
  return `mutation($input: ${input}!) { ${name}(input: $input) { clientMutationId interview { ${INTERVIEW} } } }`;
}

const ADD_CONTACT = `mutation($input: AddContactInput!) { addContact(input: $input) { contact { id } } }`;
const INTERVIEW_QUERY = `query($id: ID!) { interview(id: $id) { ${INTERVIEW} } }`;
const INTERVIEWS_QUERY = `query($studentId: ID!) {
  interviews(studentId: $studentId, first: 100) { edges { node { id status version } } }
}`;
const CONTACTS_QUERY = `query($studentId: ID!) {
  contacts(studentId: $studentId, first: 100) {
    edges { node { id name email organization relationship referredByContactId } }
  }
}`;
const nodes = (connection: { edges: { node: any }[] }) => connection.edges.map((e) => e.node);

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe('interviews', () => {
  let t: TestApp;
  let tenantId: string;
  let student: string;
  let studentToken: string;
  let otherStudentToken: string;
  let adminToken: string;
  let advisorToken: string;

  /** Runs an interview mutation as the student and returns its payload (or fails with its errors). */
  async function run(name: string, input: Record<string, unknown>, token = studentToken) {
    return ok(await graphql(t.app, token, mutation(name), { input }))[name];
  }

  function attempt(
    name: string,
    input: Record<string, unknown>,
    token = studentToken,
  ): Promise<GraphqlResult> {
    return graphql(t.app, token, mutation(name), { input });
  }

  async function addContact(name: string): Promise<string> {
    return ok(
      await graphql(t.app, studentToken, ADD_CONTACT, {
        input: { name, relationship: 'acquaintance' },
      }),
    ).addContact.contact.id;
  }

  async function sendRequest(contactId?: string) {
    return (
      await run('sendInterviewRequest', {
        contactId: contactId ?? (await addContact('Someone')),
        channel: 'email',
        proposedFormats: ['coffee'],
      })
    ).interview;
  }

  async function countEvents(streamId?: string): Promise<number> {
    const [row] = await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query<{ n: string }>(
        `SELECT count(*) AS n FROM events WHERE ($1::text IS NULL OR stream_id = $1)`,
        [streamId ?? null],
      ),
    );
    return Number(row.n);
  }

  beforeAll(async () => {
    t = await startTestApp();
    const institution = await newInstitution(t);
    tenantId = institution.tenantId;
    let other: string;
    [student, other] = (
      await enrolledStudents(t, institution.adminToken, [
        { name: 'Ada Student', email: 'ada@example.edu' },
        { name: 'Other Student', email: 'other@example.edu' },
      ])
    ).studentIds;
    studentToken = await institution.studentToken(student);
    otherStudentToken = await institution.studentToken(other);
    adminToken = institution.adminToken;
    advisorToken = await institution.advisorToken('advisor-without-cohort');
  });
  afterAll(() => t.close());

  it('follows one student from a contact to referrals and staying in touch', async () => {
    const contactId = await addContact('Dana Fox');

    const sent = await run('sendInterviewRequest', {
      clientMutationId: 'journey-send',
      contactId,
      channel: 'linkedin',
      proposedFormats: ['coffee', 'video'],
      message: 'Could I ask you about your path into nursing?',
    });
    expect(sent.clientMutationId).toBe('journey-send');
    const id = sent.interview.id;
    expect(sent.interview).toMatchObject({
      studentId: student,
      contactId,
      status: 'requested',
      version: 1,
      request: { channel: 'linkedin', askMinutes: 30, proposedFormats: ['coffee', 'video'] },
      schedule: null,
      held: null,
    });

    await run('nudgeInterviewRequest', {
      interviewId: id,
      expectedVersion: 1,
      message: 'Just following up',
    });
    const accepted = (
      await run('recordInterviewAcceptance', { interviewId: id, expectedVersion: 2 })
    ).interview;
    expect(accepted).toMatchObject({ status: 'accepted', version: 3 });
    expect(accepted.respondedAt).not.toBeNull();

    const scheduledFor = minutesFromNow(3 * 24 * 60);
    const scheduled = (
      await run('scheduleInterview', {
        interviewId: id,
        expectedVersion: 3,
        scheduledFor,
        format: 'video',
        durationMinutes: 30,
        meetingLink: 'https://meet.example.com/dana',
      })
    ).interview;
    expect(scheduled).toMatchObject({
      status: 'scheduled',
      version: 4,
      schedule: {
        scheduledFor,
        format: 'video',
        durationMinutes: 30,
        location: null,
        meetingLink: 'https://meet.example.com/dana',
        rescheduleCount: 0,
      },
    });

    const prepared = (
      await run('recordPreparation', {
        interviewId: id,
        expectedVersion: 4,
        questionIds: ['q-typical-day', 'q-career-path'],
        customQuestions: ['How did you choose your hospital?'],
        researchNotes: 'Ten years in pediatrics',
      })
    ).interview;
    expect(prepared.preparation).toMatchObject({
      questionIds: ['q-typical-day', 'q-career-path'],
      customQuestions: ['How did you choose your hospital?'],
      researchNotes: 'Ten years in pediatrics',
    });

    const heldAt = new Date().toISOString();
    const held = (
      await run('recordInterviewHeld', {
        interviewId: id,
        expectedVersion: 5,
        heldAt,
        questionIdsAsked: ['q-typical-day'],
        notes: 'Long shifts, great team',
        keyInsights: ['Volunteer first', 'Night shifts are common'],
        advice: 'Shadow a nurse',
      })
    ).interview;
    expect(held).toMatchObject({ status: 'held', version: 6 });

    await run('recordThankYou', { interviewId: id, expectedVersion: 6, channel: 'email' });
    const referred = (
      await run('recordReferrals', {
        interviewId: id,
        expectedVersion: 7,
        referrals: [
          {
            name: 'Sam Ortiz',
            email: 'Sam@Example.org',
            organization: 'City Hospital',
            role: 'Charge nurse',
          },
          { name: 'Lee Park' },
        ],
      })
    ).interview;
    expect(referred.version).toBe(8);
    expect(referred.referrals.map((r: { name: string }) => r.name)).toEqual([
      'Sam Ortiz',
      'Lee Park',
    ]);

    const contacts = nodes(
      ok(await graphql(t.app, studentToken, CONTACTS_QUERY, { studentId: student })).contacts,
    );
    const referralContacts = referred.referrals.map((r: { contactId: string }) =>
      contacts.find((c: { id: string }) => c.id === r.contactId),
    );
    expect(referralContacts).toEqual([
      {
        id: referred.referrals[0].contactId,
        name: 'Sam Ortiz',
        email: 'sam@example.org',
        organization: 'City Hospital',
        relationship: 'referral',
        referredByContactId: contactId,
      },
      {
        id: referred.referrals[1].contactId,
        name: 'Lee Park',
        email: null,
        organization: null,
        relationship: 'referral',
        referredByContactId: contactId,
      },
    ]);

    await run('requestShadowing', {
      interviewId: id,
      expectedVersion: 8,
      kind: 'shadowing',
      note: 'A morning shift',
    });
    await run('recordTouchpoint', {
      interviewId: id,
      expectedVersion: 9,
      kind: 'shared_article',
      note: 'Sent the AJN piece',
    });

    const final = ok(await graphql(t.app, studentToken, INTERVIEW_QUERY, { id })).interview;
    expect(final).toMatchObject({
      id,
      studentId: student,
      contactId,
      status: 'held',
      version: 10,
      declineReason: null,
      closedAt: null,
      cancellation: null,
      noShows: [],
      request: {
        channel: 'linkedin',
        askMinutes: 30,
        proposedFormats: ['coffee', 'video'],
        message: 'Could I ask you about your path into nursing?',
      },
      nudges: [{ number: 1, channel: 'linkedin', message: 'Just following up' }],
      schedule: { scheduledFor, format: 'video', durationMinutes: 30 },
      preparation: { questionIds: ['q-typical-day', 'q-career-path'] },
      held: {
        heldAt,
        format: 'video',
        withoutRequest: false,
        questionIdsAsked: ['q-typical-day'],
        notes: 'Long shifts, great team',
        keyInsights: ['Volunteer first', 'Night shifts are common'],
        advice: 'Shadow a nurse',
      },
      thankYou: { channel: 'email' },
      referrals: [
        { contactId: referred.referrals[0].contactId, name: 'Sam Ortiz' },
        { contactId: referred.referrals[1].contactId, name: 'Lee Park' },
      ],
      shadowingRequests: [{ kind: 'shadowing', note: 'A morning shift' }],
      touchpoints: [{ kind: 'shared_article', note: 'Sent the AJN piece' }],
    });
    expect(final.thankYou.sentAt >= heldAt).toBe(true);

    const list = nodes(
      ok(await graphql(t.app, studentToken, INTERVIEWS_QUERY, { studentId: student })).interviews,
    );
    expect(list).toContainEqual({ id, status: 'held', version: 10 });
  });

  it('records an interview held without any request', async () => {
    const contactId = await addContact('Met at a career fair');
    const heldAt = minutesFromNow(-60);
    const { interview } = await run('recordInterviewHeld', {
      contactId,
      heldAt,
      format: 'in_person',
      questionIdsAsked: ['q-trends'],
      keyInsights: ['Hiring is up'],
    });
    expect(interview).toMatchObject({
      studentId: student,
      contactId,
      status: 'held',
      version: 1,
      request: null,
      held: {
        heldAt,
        format: 'in_person',
        withoutRequest: true,
        questionIdsAsked: ['q-trends'],
        keyInsights: ['Hiring is up'],
      },
    });

    const missingContact = await attempt('recordInterviewHeld', { heldAt });
    expect(errorCode(missingContact)).toBe('BAD_USER_INPUT');
    expect(missingContact.errors?.[0].message).toMatch(/contactId is required/);
  });

  it('rejects steps out of order with INVALID_TRANSITION', async () => {
    const requested = await sendRequest();
    const thanks = await attempt('recordThankYou', { interviewId: requested.id, channel: 'email' });
    expect(errorCode(thanks)).toBe('BAD_USER_INPUT');
    expect(thanks.errors?.[0].extensions?.reason).toBe('INVALID_TRANSITION');
    expect(thanks.errors?.[0].message).toMatch(
      /thank-you can only be recorded after the interview was held/i,
    );

    await run('recordInterviewDecline', {
      interviewId: requested.id,
      reason: 'Too busy this month',
    });
    const schedule = await attempt('scheduleInterview', {
      interviewId: requested.id,
      scheduledFor: minutesFromNow(60 * 24),
      format: 'phone',
      durationMinutes: 20,
    });
    expect(errorCode(schedule)).toBe('BAD_USER_INPUT');
    expect(schedule.errors?.[0].extensions?.reason).toBe('INVALID_TRANSITION');
    expect(schedule.errors?.[0].message).toMatch(/declined/);
    const declined = ok(
      await graphql(t.app, studentToken, INTERVIEW_QUERY, { id: requested.id }),
    ).interview;
    expect(declined).toMatchObject({
      status: 'declined',
      declineReason: 'Too busy this month',
      version: 2,
    });
  });

  it('names unknown question ids of a preparation', async () => {
    const requested = await sendRequest();
    const result = await attempt('recordPreparation', {
      interviewId: requested.id,
      questionIds: ['q-typical-day', 'q-no-such-question'],
    });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions).toMatchObject({
      reason: 'VALIDATION',
      field: 'questionIds',
    });
    expect(result.errors?.[0].message).toContain('q-no-such-question');
    expect(result.errors?.[0].message).not.toContain('q-typical-day');
  });

  it('validates input with the field at fault', async () => {
    const requested = await sendRequest();
    const badDate = await attempt('scheduleInterview', {
      interviewId: requested.id,
      scheduledFor: 'next tuesday',
      format: 'phone',
      durationMinutes: 20,
    });
    expect(errorCode(badDate)).toBe('BAD_USER_INPUT');
    expect(badDate.errors?.[0].extensions?.fields).toEqual([
      { field: 'scheduledFor', message: expect.stringMatching(/date-time/) },
    ]);

    const past = await attempt('scheduleInterview', {
      interviewId: requested.id,
      scheduledFor: minutesFromNow(-5),
      format: 'phone',
      durationMinutes: 20,
    });
    expect(past.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'scheduledFor',
    });

    const badId = await attempt('recordInterviewAcceptance', { interviewId: 'not-a-uuid' });
    expect(badId.errors?.[0].extensions?.fields).toEqual([
      { field: 'interviewId', message: 'interviewId must be a UUID' },
    ]);

    // Limits are the decider's, with its message, on the field the client sent.
    const long = await attempt('nudgeInterviewRequest', {
      interviewId: requested.id,
      message: 'x'.repeat(10_001),
    });
    expect(long.errors?.[0]).toMatchObject({
      message: 'The message must be at most 10000 characters',
      extensions: { code: 'BAD_USER_INPUT', field: 'message' },
    });
    const link = await attempt('scheduleInterview', {
      interviewId: requested.id,
      scheduledFor: minutesFromNow(60),
      format: 'video',
      durationMinutes: 20,
      meetingLink: `https://meet.example.org/${'x'.repeat(2_000)}`,
    });
    expect(link.errors?.[0].extensions).toMatchObject({ field: 'meetingLink' });
  });

  it("keeps a student away from another student's interview", async () => {
    const requested = await sendRequest();
    const write = await attempt(
      'recordInterviewAcceptance',
      { interviewId: requested.id },
      otherStudentToken,
    );
    expect(errorCode(write)).toBe('FORBIDDEN');
    const read = await graphql(t.app, otherStudentToken, INTERVIEW_QUERY, { id: requested.id });
    expect(errorCode(read)).toBe('FORBIDDEN');
    const list = await graphql(t.app, otherStudentToken, INTERVIEWS_QUERY, { studentId: student });
    expect(errorCode(list)).toBe('FORBIDDEN');

    const contactId = await addContact('Private contact');
    const request = await attempt(
      'sendInterviewRequest',
      { contactId, channel: 'email', proposedFormats: ['phone'] },
      otherStudentToken,
    );
    expect(errorCode(request)).toBe('FORBIDDEN');
  });

  it("lets an admin read a student's interviews but not write them, and an unrelated advisor neither", async () => {
    const requested = await sendRequest();
    const read = ok(
      await graphql(t.app, adminToken, INTERVIEW_QUERY, { id: requested.id }),
    ).interview;
    expect(read).toMatchObject({ id: requested.id, studentId: student, status: 'requested' });
    const list = nodes(
      ok(await graphql(t.app, adminToken, INTERVIEWS_QUERY, { studentId: student })).interviews,
    );
    expect(list.map((i: { id: string }) => i.id)).toContain(requested.id);
    expect(
      errorCode(
        await attempt('recordInterviewAcceptance', { interviewId: requested.id }, adminToken),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(await graphql(t.app, advisorToken, INTERVIEW_QUERY, { id: requested.id })),
    ).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for an unknown interview or contact', async () => {
    const id = randomUUID();
    expect(errorCode(await attempt('recordInterviewAcceptance', { interviewId: id }))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await graphql(t.app, studentToken, INTERVIEW_QUERY, { id }))).toBe(
      'NOT_FOUND',
    );
    const noContact = await attempt('sendInterviewRequest', {
      contactId: randomUUID(),
      channel: 'email',
      proposedFormats: ['phone'],
    });
    expect(errorCode(noContact)).toBe('NOT_FOUND');
  });

  it('rejects a stale expectedVersion with CONFLICT and both versions', async () => {
    const requested = await sendRequest();
    const result = await attempt('nudgeInterviewRequest', {
      interviewId: requested.id,
      expectedVersion: 0,
    });
    expect(result.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      expectedVersion: 0,
      actualVersion: 1,
    });
  });

  it('lets exactly one of two conflicting replies through', async () => {
    const requested = await sendRequest();
    const results = await Promise.all([
      attempt('recordInterviewAcceptance', { interviewId: requested.id, expectedVersion: 1 }),
      attempt('recordInterviewDecline', { interviewId: requested.id, expectedVersion: 1 }),
    ]);
    const succeeded = results.filter((r) => !r.errors);
    expect(succeeded).toHaveLength(1);
    expect(results.map(errorCode).filter(Boolean)).toEqual(['CONFLICT']);
    const winner = Object.values(succeeded[0].data!)[0].interview;
    expect(winner.version).toBe(2);
    expect(await countEvents(`interview-${requested.id}`)).toBe(2);
  });

  it('answers a retried sendInterviewRequest with the first result and records nothing twice', async () => {
    const contactId = await addContact('Retry contact');
    const input = {
      clientMutationId: 'send-retry',
      contactId,
      channel: 'email',
      proposedFormats: ['video'],
    };
    const first = await run('sendInterviewRequest', input);
    const before = await countEvents();
    const retry = await run('sendInterviewRequest', input);
    expect(retry).toEqual(first);
    expect(await countEvents()).toBe(before);
    expect(await countEvents(`interview-${first.interview.id}`)).toBe(1);
  });

  it('answers a retried recordReferrals with the first result and records nothing twice', async () => {
    const contactId = await addContact('Referrer');
    const held = (await run('recordInterviewHeld', { contactId, heldAt: minutesFromNow(-30) }))
      .interview;
    const input = {
      clientMutationId: 'referrals-retry',
      interviewId: held.id,
      referrals: [{ name: 'Ada' }, { name: 'Grace', email: 'grace@example.org' }],
    };
    const first = await run('recordReferrals', input);
    expect(first.interview.version).toBe(2);
    const before = await countEvents();
    const retry = await run('recordReferrals', input);
    expect(retry).toEqual(first);
    expect(await countEvents()).toBe(before);
    for (const { contactId: referral } of first.interview.referrals) {
      expect(await countEvents(`contact-${referral}`)).toBe(1);
    }
  });

  it('records no referral and no contact when a referral is invalid', async () => {
    const contactId = await addContact('Careful referrer');
    const held = (await run('recordInterviewHeld', { contactId, heldAt: minutesFromNow(-30) }))
      .interview;
    const before = await countEvents();
    const result = await attempt('recordReferrals', {
      interviewId: held.id,
      referrals: [{ name: 'Ok' }, { name: 'Bad', email: 'not-an-email' }],
    });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(await countEvents()).toBe(before);
  });
});
