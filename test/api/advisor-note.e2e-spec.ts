import { newInstitution } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { startTestApp, type TestApp } from '../support/test-app';

const NOTE = 'id studentId authorId text addedAt editedAt retracted version';
const ADD = `mutation($input: AddAdvisorNoteInput!) { addAdvisorNote(input: $input) { clientMutationId note { ${NOTE} } } }`;
const EDIT = `mutation($input: EditAdvisorNoteInput!) { editAdvisorNote(input: $input) { note { ${NOTE} } } }`;
const RETRACT = `mutation($input: RetractAdvisorNoteInput!) { retractAdvisorNote(input: $input) { note { ${NOTE} } } }`;
const NOTES = `query($studentId: ID!) { advisorNotes(studentId: $studentId) { ${NOTE} } }`;

describe('advisor notes', () => {
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let studentId: string;
  let advisor: string;
  let studentToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    inst = await newInstitution(t);
    const cohortId = ok(
      await graphql(
        t.app,
        inst.adminToken,
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
            term: 'Fall 2025',
            startDate: '2025-09-01',
            endDate: '2025-12-15',
          },
        },
      ),
    ).createCohort.cohort.id;
    studentId = ok(
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
        {
          input: { cohortId, rows: [{ name: 'Ada Lee', email: 'ada@example.edu' }] },
        },
      ),
    ).enrollStudents.accepted[0].studentId;
    ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($input: AssignAdvisorInput!) {
            assignAdvisor(input: $input) {
              cohort {
                id
              }
            }
          }
        `,
        {
          input: { cohortId, advisorId: 'adv-maria' },
        },
      ),
    );
    advisor = await inst.advisorToken('adv-maria');
    studentToken = await inst.studentToken(studentId);
  });
  afterAll(() => t.close());

  it('lets an advisor add, edit and retract notes, which admins read and the student cannot', async () => {
    const added = ok(
      await graphql(t.app, advisor, ADD, {
        input: {
          clientMutationId: 'note-1',
          studentId,
          text: '  Nervous about outreach; suggested family first.  ',
        },
      }),
    ).addAdvisorNote;
    expect(added.clientMutationId).toBe('note-1');
    expect(added.note).toMatchObject({
      studentId,
      authorId: 'adv-maria',
      text: 'Nervous about outreach; suggested family first.',
      editedAt: null,
      retracted: false,
      version: 1,
    });
    // A retry is recognised: same note, nothing recorded twice.
    const retried = ok(
      await graphql(t.app, advisor, ADD, {
        input: {
          clientMutationId: 'note-1',
          studentId,
          text: 'Nervous about outreach; suggested family first.',
        },
      }),
    );
    expect(retried.addAdvisorNote.note).toEqual(added.note);

    const second = ok(
      await graphql(t.app, advisor, ADD, { input: { studentId, text: 'Booked two interviews.' } }),
    ).addAdvisorNote.note;
    expect(second.version).toBe(2);

    const edited = ok(
      await graphql(t.app, advisor, EDIT, {
        input: {
          studentId,
          noteId: added.note.id,
          text: 'Outreach going better now.',
          expectedVersion: 2,
        },
      }),
    ).editAdvisorNote.note;
    expect(edited).toMatchObject({
      id: added.note.id,
      text: 'Outreach going better now.',
      version: 3,
    });
    expect(edited.editedAt).toEqual(expect.any(String));

    const stale = await graphql(t.app, advisor, EDIT, {
      input: { studentId, noteId: added.note.id, text: 'Lost update', expectedVersion: 2 },
    });
    expect(errorCode(stale)).toBe('CONFLICT');

    const retracted = ok(
      await graphql(t.app, advisor, RETRACT, { input: { studentId, noteId: second.id } }),
    ).retractAdvisorNote.note;
    expect(retracted).toMatchObject({ id: second.id, retracted: true, text: null, version: 4 });
    const again = await graphql(t.app, advisor, EDIT, {
      input: { studentId, noteId: second.id, text: 'Back?' },
    });
    expect(errorCode(again)).toBe('BAD_USER_INPUT');

    const asAdmin = ok(await graphql(t.app, inst.adminToken, NOTES, { studentId })).advisorNotes;
    expect(asAdmin).toEqual([{ ...edited, version: 4 }]);
    expect(ok(await graphql(t.app, advisor, NOTES, { studentId })).advisorNotes).toEqual(asAdmin);

    const asStudent = await graphql(t.app, studentToken, NOTES, { studentId });
    expect(errorCode(asStudent)).toBe('FORBIDDEN');
    expect(JSON.stringify(asStudent)).not.toMatch(/Outreach/);
    expect(
      errorCode(
        await graphql(t.app, studentToken, ADD, { input: { studentId, text: 'About me' } }),
      ),
    ).toBe('FORBIDDEN');

    const events = await t.db.app.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ type: string }>(
        `SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version`,
        [`advisor-notes-${studentId}`],
      ),
    );
    expect(events.map((e) => e.type)).toEqual([
      'AdvisorNoteAdded',
      'AdvisorNoteAdded',
      'AdvisorNoteEdited',
      'AdvisorNoteRetracted',
    ]);
  });

  it('lets admins keep notes too, and refuses other advisors and unknown notes', async () => {
    const byAdmin = ok(
      await graphql(t.app, inst.adminToken, ADD, {
        input: { studentId, text: 'Met at the career fair.' },
      }),
    ).addAdvisorNote.note;
    expect(byAdmin.authorId).toBe(`admin-${inst.slug}`);
    // Any advisor of the student may edit a colleague's note.
    const edited = ok(
      await graphql(t.app, advisor, EDIT, {
        input: { studentId, noteId: byAdmin.id, text: 'Met at the fall career fair.' },
      }),
    );
    expect(edited.editAdvisorNote.note.authorId).toBe(`admin-${inst.slug}`);

    const stranger = await inst.advisorToken('adv-other');
    expect(errorCode(await graphql(t.app, stranger, NOTES, { studentId }))).toBe('FORBIDDEN');
    expect(
      errorCode(
        await graphql(t.app, stranger, RETRACT, { input: { studentId, noteId: byAdmin.id } }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await graphql(t.app, advisor, RETRACT, { input: { studentId, noteId: 'no-such-note' } }),
      ),
    ).toBe('NOT_FOUND');
    expect(errorCode(await graphql(t.app, advisor, ADD, { input: { studentId, text: '' } }))).toBe(
      'BAD_USER_INPUT',
    );
  });
});
