import { newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { startTestApp, type TestApp } from '../support/test-app';

const NOTE =
  'id studentId authorId text addedAt editedAt retracted lastChangedBy { id role } lastChangedAt version';
const ADD = `mutation($input: AddAdvisorNoteInput!) { addAdvisorNote(input: $input) { clientMutationId note { ${NOTE} } } }`;
const EDIT = `mutation($input: EditAdvisorNoteInput!) { editAdvisorNote(input: $input) { note { ${NOTE} } } }`;
const RETRACT = `mutation($input: RetractAdvisorNoteInput!) { retractAdvisorNote(input: $input) { note { ${NOTE} } } }`;
const NOTES = `query($studentId: ID!) { advisorNotes(studentId: $studentId) { ${NOTE} } }`;

describe('advisor notes', () => {
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let studentId: string;
  let advisor: string;
  let mariaId: string;
  let colleague: string;
  let studentToken: string;

  /** The advisor-notes stream of the student, as recorded. */
  const recorded = () =>
    t.db.app.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ type: string; data: Record<string, unknown> }>(
        `SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_version`,
        [`advisor-notes-${studentId}`],
      ),
    );

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
    const [maria, june] = [await newStaff(t, inst.adminToken), await newStaff(t, inst.adminToken)];
    mariaId = maria.staffId;
    for (const advisorId of [maria.staffId, june.staffId]) {
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
          { input: { cohortId, advisorId } },
        ),
      );
    }
    advisor = maria.token;
    colleague = june.token;
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
      authorId: mariaId,
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

    const events = await recorded();
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
    expect(byAdmin).toMatchObject({
      authorId: `admin-${inst.slug}`,
      lastChangedBy: { id: `admin-${inst.slug}`, role: 'admin' },
    });
    const edited = ok(
      await graphql(t.app, inst.adminToken, EDIT, {
        input: { studentId, noteId: byAdmin.id, text: 'Met at the fall career fair.' },
      }),
    ).editAdvisorNote.note;
    expect(edited).toMatchObject({
      authorId: `admin-${inst.slug}`,
      text: 'Met at the fall career fair.',
      lastChangedBy: { id: `admin-${inst.slug}`, role: 'admin' },
    });

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

  it("keeps each note its author's: colleagues may neither edit nor retract it, an admin may retract it as an admin", async () => {
    const note = ok(
      await graphql(t.app, advisor, ADD, { input: { studentId, text: 'Prefers morning calls.' } }),
    ).addAdvisorNote.note;
    expect(note).toMatchObject({
      authorId: mariaId,
      lastChangedBy: { id: mariaId, role: 'advisor' },
      lastChangedAt: note.addedAt,
    });
    const before = (await recorded()).length;

    // Another advisor of the same student: may read the note, but not rewrite or withdraw it.
    const listed = ok(await graphql(t.app, colleague, NOTES, { studentId })).advisorNotes;
    expect(listed.map((n: { id: string }) => n.id)).toContain(note.id);
    const edit = await graphql(t.app, colleague, EDIT, {
      input: { studentId, noteId: note.id, text: 'Prefers evening calls.' },
    });
    expect(errorCode(edit)).toBe('FORBIDDEN');
    expect(edit.errors![0].message).toBe('Only the author of a note may edit it');
    const retract = await graphql(t.app, colleague, RETRACT, {
      input: { studentId, noteId: note.id },
    });
    expect(errorCode(retract)).toBe('FORBIDDEN');
    expect(retract.errors![0].message).toBe('Only the author of a note or an admin may retract it');
    // Admins do not rewrite an advisor's words either.
    expect(
      errorCode(
        await graphql(t.app, inst.adminToken, EDIT, {
          input: { studentId, noteId: note.id, text: 'Edited by the office.' },
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(await recorded()).toHaveLength(before);
    const unchanged = ok(await graphql(t.app, advisor, NOTES, { studentId })).advisorNotes.find(
      (n: { id: string }) => n.id === note.id,
    );
    expect(unchanged).toMatchObject({
      text: 'Prefers morning calls.',
      lastChangedBy: { id: mariaId, role: 'advisor' },
    });

    const edited = ok(
      await graphql(t.app, advisor, EDIT, {
        input: { studentId, noteId: note.id, text: 'Prefers morning calls, before 10.' },
      }),
    ).editAdvisorNote.note;
    expect(edited).toMatchObject({
      text: 'Prefers morning calls, before 10.',
      lastChangedBy: { id: mariaId, role: 'advisor' },
      lastChangedAt: edited.editedAt,
    });

    const takenDown = ok(
      await graphql(t.app, inst.adminToken, RETRACT, { input: { studentId, noteId: note.id } }),
    ).retractAdvisorNote.note;
    expect(takenDown).toMatchObject({
      authorId: mariaId,
      retracted: true,
      text: null,
      lastChangedBy: { id: `admin-${inst.slug}`, role: 'admin' },
    });
    const events = await recorded();
    expect(events).toHaveLength(before + 2);
    expect(events[events.length - 1]).toMatchObject({
      type: 'AdvisorNoteRetracted',
      data: {
        noteId: note.id,
        advisorId: `admin-${inst.slug}`,
        role: 'admin',
        retractedBy: 'admin',
      },
    });

    // Staff reading the student's activity can tell an admin's take-down from a withdrawal.
    await caughtUp(t.app);
    const timeline = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          query ($id: ID!) {
            student(id: $id) {
              timeline(first: 5) {
                edges {
                  node {
                    kind
                    title
                  }
                }
              }
            }
          }
        `,
        { id: studentId },
      ),
    ).student.timeline.edges.map((e: { node: { kind: string; title: string } }) => e.node);
    expect(timeline[0]).toEqual({
      kind: 'AdvisorNoteRetracted',
      title: "Admin retracted a colleague's note",
    });
  });
});
