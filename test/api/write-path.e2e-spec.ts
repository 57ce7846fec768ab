import type { INestApplication } from '@nestjs/common';
import { streamIds } from '@rapport/domain';
import {
  ConcurrencyError,
  DATA_KEYS,
  type DataKeys,
  Database,
  EventStore,
  ProjectionRebuilder,
} from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../apps/api/src/auth/actor';
import { InterviewService } from '../../apps/api/src/interview/interview.service';
import type { CommandContext } from '../../apps/api/src/write/command-context';
import { aggregateStateProjection } from '../../apps/api/src/write/aggregate-state.projection';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { StateCache } from '../../apps/api/src/write/state-cache';
import { enrolledStudents, newInstitution } from '../support/builders';
import { graphql, ok } from '../support/graphql';
import { startInstance, startTestApp, type TestApp } from '../support/test-app';

/** The write path of docs/adr/0028: one statement per warm write, stale states decided again. */
describe('the write path', () => {
  let t: TestApp;
  let other: INestApplication;
  let tenantId: string;
  let studentId: string;
  let cohortId: string;
  let adminToken: string;
  let studentToken: string;
  let student: Actor;

  const context = (actor = student): CommandContext => ({
    actor,
    correlationId: randomUUID(),
    now: new Date(),
  });

  /** A new interview of the student, held (so touchpoints may follow), through the API. */
  async function heldInterview(): Promise<string> {
    const contactId = ok(
      await graphql(
        t.app,
        studentToken,
        `
          mutation ($input: AddContactInput!) {
            addContact(input: $input) {
              contact {
                id
              }
            }
          }
        `,
        { input: { name: 'Dana Okafor', relationship: 'friend' } },
      ),
    ).addContact.contact.id;
    const held = ok(
      await graphql(
        t.app,
        studentToken,
        `
          mutation ($input: RecordInterviewHeldInput!) {
            recordInterviewHeld(input: $input) {
              interview {
                id
              }
            }
          }
        `,
        { input: { contactId, heldAt: new Date(Date.now() - 86_400_000).toISOString() } },
      ),
    );
    return held.recordInterviewHeld.interview.id as string;
  }

  const touchpoint = (interviewId: string, note: string) => ({
    type: 'RecordTouchpoint' as const,
    data: { interviewId, kind: 'other' as const, personal: { note }, at: new Date().toISOString() },
  });

  const touch = (app: INestApplication, interviewId: string, note: string, extra = {}) =>
    app
      .get(InterviewService)
      .step('recordTouchpoint', context(), { interviewId, kind: 'other', note, ...extra });

  beforeAll(async () => {
    t = await startTestApp();
    other = await startInstance(t.db);
    const institution = await newInstitution(t);
    tenantId = institution.tenantId;
    adminToken = institution.adminToken;
    ({
      cohortId,
      studentIds: [studentId],
    } = await enrolledStudents(t, adminToken, [{ name: 'Ada Student', email: 'ada@example.edu' }]));
    studentToken = await institution.studentToken(studentId);
    student = { subject: `user-${studentId}`, tenantId, role: 'student', studentId };
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  it('writes a step on a known interview in one statement and answers from memory', async () => {
    const interviewId = await heldInterview();
    await touch(t.app, interviewId, 'first');
    const database = t.app.get(Database);
    const before = database.statements;
    const answer = await touch(t.app, interviewId, 'second');
    // One autocommit call on a server; PGlite wraps it in BEGIN and COMMIT.
    expect(database.statements - before).toBe(database.mode === 'server' ? 1 : 3);
    expect(answer.touchpoints.map((p) => p.note)).toEqual(['first', 'second']);
    const stored = await t.app
      .get(CommandExecutor)
      .load(tenantId, streamIds.interview(interviewId));
    expect(answer.version).toBe(stored.version);
    expect(stored.view).toMatchObject({ touchpoints: [{ note: 'first' }, { note: 'second' }] });
  });

  it('takes a warm step over HTTP in one statement, the check of the person included', async () => {
    const interviewId = await heldInterview();
    const step = () =>
      graphql(
        t.app,
        studentToken,
        `
          mutation ($input: RecordTouchpointInput!) {
            recordTouchpoint(input: $input) {
              interview {
                version
              }
            }
          }
        `,
        { input: { interviewId, kind: 'other', note: 'over http' } },
      );
    ok(await step());
    const database = t.app.get(Database);
    const before = database.statements;
    ok(await step());
    expect(database.statements - before).toBe(database.mode === 'server' ? 1 : 3);
  });

  it('notices at the write that another process moved the interview, and decides again', async () => {
    const interviewId = await heldInterview();
    await touch(t.app, interviewId, 'from here'); // cached here
    await touch(other, interviewId, 'from there');
    const answer = await touch(t.app, interviewId, 'from here again');
    expect(answer.touchpoints.map((p) => p.note)).toEqual([
      'from here',
      'from there',
      'from here again',
    ]);
    const events = await t.app
      .get(EventStore)
      .readStream(tenantId, streamIds.interview(interviewId));
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
  });

  it("takes the client's version as current when only this process's copy is behind", async () => {
    const interviewId = await heldInterview();
    const mine = await touch(t.app, interviewId, 'one');
    const theirs = await touch(other, interviewId, 'two');
    expect(theirs.version).toBe(mine.version + 1);
    // The client saw the other process's answer: its version is current, not a conflict.
    const answer = await touch(t.app, interviewId, 'three', { expectedVersion: theirs.version });
    expect(answer.version).toBe(theirs.version + 1);
    // A version the client has not seen the latest of is still a conflict.
    await expect(
      touch(other, interviewId, 'four', { expectedVersion: theirs.version }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
  });

  it('runs a whole transaction again when a command in it meets a moved stream', async () => {
    const interviewId = await heldInterview();
    const executor = t.app.get(CommandExecutor);
    let runs = 0;
    const result = await executor.transaction(tenantId, async (tx) => {
      runs++;
      return executor.execute(context(), touchpoint(interviewId, 'outer'), {
        tx,
        // In the first run the stream moves between this command's read and its write.
        authorize: async () => {
          if (runs === 1)
            await executor.execute(context(), touchpoint(interviewId, 'inner'), { tx });
        },
      });
    });
    expect(runs).toBe(2);
    expect(result.view).toMatchObject({ touchpoints: [{ note: 'outer' }] });
  });

  it('answers CONFLICT instead when the client named the version it saw', async () => {
    const interviewId = await heldInterview();
    const executor = t.app.get(CommandExecutor);
    const { version } = await executor.load(tenantId, streamIds.interview(interviewId));
    await touch(other, interviewId, 'elsewhere');
    await expect(
      executor.transaction(tenantId, (tx) =>
        executor.execute(context(), touchpoint(interviewId, 'stale'), {
          tx,
          expectedVersion: version,
        }),
      ),
    ).rejects.toMatchObject({ streamId: streamIds.interview(interviewId), actual: version + 1 });
  });

  it('keeps a retried mutation idempotent without looking it up first', async () => {
    const interviewId = await heldInterview();
    const input = { interviewId, kind: 'other', note: 'once', clientMutationId: randomUUID() };
    const run = () =>
      graphql(
        t.app,
        studentToken,
        `
          mutation ($input: RecordTouchpointInput!) {
            recordTouchpoint(input: $input) {
              interview {
                version
                touchpoints {
                  note
                }
              }
            }
          }
        `,
        { input },
      );
    const first = ok(await run()).recordTouchpoint.interview;
    const again = ok(await run()).recordTouchpoint.interview;
    expect(again).toEqual(first);
    const events = await t.app
      .get(EventStore)
      .readStream(tenantId, streamIds.interview(interviewId));
    expect(events.filter((e) => e.type === 'TouchpointRecorded')).toHaveLength(1);
  });

  it('keeps the room for in-place updates of states and versions across a rebuild', async () => {
    const fillfactor = () =>
      t.db.owner.database.withoutTenant((tx) =>
        tx.query<{ relname: string; reloptions: string[] }>(
          `SELECT relname, reloptions FROM pg_class
            WHERE relname IN ('aggregate_states', 'streams') ORDER BY relname`,
        ),
      );
    const expected = [
      { relname: 'aggregate_states', reloptions: ['fillfactor=75'] },
      { relname: 'streams', reloptions: ['fillfactor=75'] },
    ];
    expect(await fillfactor()).toEqual(expected);
    const rebuilder = new ProjectionRebuilder(
      t.db.owner.database,
      new EventStore(t.db.owner.database, undefined, t.app.get(EventStore).privacy),
    );
    await rebuilder.rebuild(aggregateStateProjection);
    expect(await fillfactor()).toEqual(expected);
  });

  it('forgets what it cached of a tenant when another process erases someone there', async () => {
    const interviewId = await heldInterview();
    await touch(t.app, interviewId, 'cached here');
    const cache = t.app.get(StateCache);
    const stream = streamIds.interview(interviewId);
    expect(cache.get(tenantId, stream)).toBeDefined();
    const { studentIds } = await enrolledStudents(t, adminToken, [
      { name: 'Bo Leaving', email: 'bo@example.edu' },
    ]);
    const heard = new Promise<void>((resolve) =>
      t.app.get<symbol, DataKeys>(DATA_KEYS).onDropped(() => resolve()),
    );
    ok(
      await graphql(
        other,
        adminToken,
        `
          mutation ($input: EraseStudentInput!) {
            eraseStudent(input: $input) {
              erasedAt
            }
          }
        `,
        { input: { studentId: studentIds[0], reason: 'REQUEST' } },
      ),
    );
    await heard;
    expect(cache.get(tenantId, stream)).toBeUndefined();
  });

  it('refuses a step once the student left the roster, however fresh the cache looked (last: it withdraws them)', async () => {
    const interviewId = await heldInterview();
    await touch(t.app, interviewId, 'while enrolled'); // student and cohort cached here
    const withdrawn = await graphql(
      other,
      adminToken,
      `
        mutation ($input: WithdrawStudentInput!) {
          withdrawStudent(input: $input) {
            cohort {
              id
            }
          }
        }
      `,
      { input: { cohortId, studentId } },
    );
    ok(withdrawn);
    const before = await t.app
      .get(EventStore)
      .readStream(tenantId, streamIds.interview(interviewId));
    await expect(touch(t.app, interviewId, 'after leaving')).rejects.toMatchObject({
      message: expect.stringContaining('not enrolled'),
    });
    const after = await t.app
      .get(EventStore)
      .readStream(tenantId, streamIds.interview(interviewId));
    expect(after).toHaveLength(before.length);
  });
});
