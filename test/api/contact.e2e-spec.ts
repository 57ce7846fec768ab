import { enrolledStudents, newInstitution } from '../support/builders';
import { errorCode, graphql, ok, tokenFor } from '../support/graphql';
import { startTestApp, type TestApp } from '../support/test-app';

const ADD = `mutation Add($input: AddContactInput!) {
  addContact(input: $input) { clientMutationId contact { id studentId name email relationship organization version archived } }
}`;

describe('contacts', () => {
  let t: TestApp;
  let tenantId: string;
  let student: string;
  let studentToken: string;
  let otherStudentToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    const inst = await newInstitution(t);
    tenantId = inst.tenantId;
    let other: string;
    [student, other] = (
      await enrolledStudents(t, inst.adminToken, [
        { name: 'Stu One', email: 'stu1@example.edu' },
        { name: 'Stu Two', email: 'stu2@example.edu' },
      ])
    ).studentIds;
    studentToken = await tokenFor(t.app, {
      subject: 'stu-1',
      tenantId,
      role: 'student',
      studentId: student,
    });
    otherStudentToken = await tokenFor(t.app, {
      subject: 'stu-2',
      tenantId,
      role: 'student',
      studentId: other,
    });
  });
  afterAll(() => t.close());

  it('lets a student add, update and archive a contact, returning what they may see', async () => {
    const added = ok(
      await graphql(t.app, studentToken, ADD, {
        input: {
          name: 'Dana Fox',
          email: 'Dana@Example.org',
          relationship: 'family',
          organization: 'City Hospital',
        },
      }),
    ).addContact.contact;
    expect(added).toMatchObject({
      studentId: student,
      name: 'Dana Fox',
      relationship: 'family',
      version: 1,
      archived: false,
    });

    const updated = ok(
      await graphql(
        t.app,
        studentToken,
        `
          mutation ($input: UpdateContactInput!) {
            updateContact(input: $input) {
              contact {
                organization
                role
                version
              }
            }
          }
        `,
        { input: { contactId: added.id, role: 'Nurse', expectedVersion: 1 } },
      ),
    ).updateContact.contact;
    expect(updated).toEqual({ organization: 'City Hospital', role: 'Nurse', version: 2 });

    const archived = ok(
      await graphql(
        t.app,
        studentToken,
        `
          mutation ($input: ArchiveContactInput!) {
            archiveContact(input: $input) {
              contact {
                archived
              }
            }
          }
        `,
        {
          input: { contactId: added.id },
        },
      ),
    ).archiveContact.contact;
    expect(archived.archived).toBe(true);
  });

  it('answers a retried clientMutationId with the first result and records nothing twice', async () => {
    const input = { clientMutationId: 'retry-1', name: 'Ray Lee', relationship: 'mentor' };
    const first = ok(await graphql(t.app, studentToken, ADD, { input })).addContact;
    const retry = ok(await graphql(t.app, studentToken, ADD, { input })).addContact;
    expect(retry).toEqual(first);
    expect(first.clientMutationId).toBe('retry-1');
    const events = await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query(`SELECT 1 FROM events WHERE stream_id = $1`, [`contact-${first.contact.id}`]),
    );
    expect(events).toHaveLength(1);
  });

  it('rejects a stale expectedVersion with CONFLICT and both versions', async () => {
    const { id } = ok(
      await graphql(t.app, studentToken, ADD, { input: { name: 'Kim', relationship: 'friend' } }),
    ).addContact.contact;
    const result = await graphql(
      t.app,
      studentToken,
      `
        mutation ($input: UpdateContactInput!) {
          updateContact(input: $input) {
            contact {
              id
            }
          }
        }
      `,
      {
        input: { contactId: id, role: 'Chef', expectedVersion: 0 },
      },
    );
    expect(result.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      expectedVersion: 0,
      actualVersion: 1,
    });
  });

  it('reports bad input with BAD_USER_INPUT and the field at fault', async () => {
    // The decider's rule, on the field the client sent (inputs check shape only).
    const blank = await graphql(t.app, studentToken, ADD, {
      input: { name: '', relationship: 'friend' },
    });
    expect(errorCode(blank)).toBe('BAD_USER_INPUT');
    expect(blank.errors?.[0].extensions?.field).toBe('name');
    const tooLong = await graphql(t.app, studentToken, ADD, {
      input: { name: 'x'.repeat(201), relationship: 'friend' },
    });
    expect(tooLong.errors?.[0]).toMatchObject({
      message: "The contact's name must be at most 200 characters",
      extensions: { code: 'BAD_USER_INPUT', field: 'name' },
    });

    const badEmail = await graphql(t.app, studentToken, ADD, {
      input: { name: 'X', relationship: 'friend', email: 'nope' },
    });
    expect(errorCode(badEmail)).toBe('BAD_USER_INPUT');
    expect(badEmail.errors?.[0].message).toMatch(/email/i);

    const badEnum = await graphql(t.app, studentToken, ADD, {
      input: { name: 'X', relationship: 'boss' },
    });
    expect(errorCode(badEnum)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(badEnum)).not.toMatch(/stack|at .*\.ts/);
  });

  it("keeps a student away from another student's contact and requires a token", async () => {
    const { id } = ok(
      await graphql(t.app, studentToken, ADD, {
        input: { name: 'Private', relationship: 'friend' },
      }),
    ).addContact.contact;
    const read = await graphql(
      t.app,
      otherStudentToken,
      `
        query ($id: ID!) {
          contact(id: $id) {
            name
          }
        }
      `,
      { id },
    );
    expect(errorCode(read)).toBe('FORBIDDEN');
    const write = await graphql(
      t.app,
      otherStudentToken,
      `
        mutation ($input: ArchiveContactInput!) {
          archiveContact(input: $input) {
            contact {
              id
            }
          }
        }
      `,
      {
        input: { contactId: id },
      },
    );
    expect(errorCode(write)).toBe('FORBIDDEN');
    expect(
      errorCode(
        await graphql(
          t.app,
          null,
          `
            query ($id: ID!) {
              contact(id: $id) {
                name
              }
            }
          `,
          { id },
        ),
      ),
    ).toBe('UNAUTHENTICATED');
    expect(
      errorCode(
        await graphql(
          t.app,
          'forged.token.here',
          `
            query ($id: ID!) {
              contact(id: $id) {
                name
              }
            }
          `,
          { id },
        ),
      ),
    ).toBe('UNAUTHENTICATED');
  });
});
