import { newInstitution } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { startTestApp, type TestApp } from '../support/test-app';

const SETTINGS = `digestWeekday digestHour thankYouWindowDays interviewTarget interviewStretchTarget
  nudgeAfterDays stayInTouchDays requestedMeetingMinutes prepareBeforeDays referralFollowUpDays
  retentionMonthsAfterCohortEnd`;

const INSTITUTION = `query { institution { id name slug timeZone version settings { ${SETTINGS} } } }`;

const CHANGE = `mutation($input: ChangeInstitutionSettingsInput!) {
  changeInstitutionSettings(input: $input) {
    clientMutationId
    institution { timeZone version settings { ${SETTINGS} } }
  }
}`;

const RENAME = `mutation($input: RenameInstitutionInput!) {
  renameInstitution(input: $input) { institution { name version } }
}`;

describe('institution', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('shows every role the institution with the defaults from the guide', async () => {
    const inst = await newInstitution(t, { name: 'State University', timeZone: 'America/Chicago' });
    for (const token of [
      inst.adminToken,
      await inst.advisorToken('adv-1'),
      await inst.studentToken('00000000-0000-4000-a000-000000000001'),
    ]) {
      const { institution } = ok(await graphql(t.app, token, INSTITUTION));
      expect(institution).toEqual({
        id: inst.tenantId,
        name: 'State University',
        slug: inst.slug,
        timeZone: 'America/Chicago',
        version: 1,
        settings: {
          digestWeekday: 1,
          digestHour: 8,
          thankYouWindowDays: 3,
          interviewTarget: 3,
          interviewStretchTarget: 5,
          nudgeAfterDays: 7,
          stayInTouchDays: 60,
          requestedMeetingMinutes: 30,
          prepareBeforeDays: 3,
          referralFollowUpDays: 7,
          retentionMonthsAfterCohortEnd: 24,
        },
      });
    }
  });

  it('lets an admin change some settings, keeping the rest, and records one event', async () => {
    const inst = await newInstitution(t);
    const changed = ok(
      await graphql(t.app, inst.adminToken, CHANGE, {
        input: {
          clientMutationId: 'settings-1',
          expectedVersion: 1,
          timeZone: 'europe/berlin',
          settings: {
            thankYouWindowDays: 2,
            digestWeekday: 5,
            digestHour: 7,
            interviewStretchTarget: 6,
          },
        },
      }),
    ).changeInstitutionSettings;
    expect(changed.clientMutationId).toBe('settings-1');
    expect(changed.institution).toEqual({
      timeZone: 'Europe/Berlin',
      version: 2,
      settings: {
        digestWeekday: 5,
        digestHour: 7,
        thankYouWindowDays: 2,
        interviewTarget: 3,
        interviewStretchTarget: 6,
        nudgeAfterDays: 7,
        stayInTouchDays: 60,
        requestedMeetingMinutes: 30,
        prepareBeforeDays: 3,
        referralFollowUpDays: 7,
        retentionMonthsAfterCohortEnd: 24,
      },
    });

    const events = await t.db.app.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ type: string; data: any; metadata: any }>(
        `SELECT type, data, metadata FROM events WHERE stream_id = 'institution' ORDER BY stream_version`,
      ),
    );
    expect(events.map((e) => e.type)).toEqual([
      'InstitutionRegistered',
      'InstitutionSettingsChanged',
    ]);
    expect(events[1].data.changed).toEqual([
      'timeZone',
      'digestWeekday',
      'digestHour',
      'thankYouWindowDays',
      'interviewStretchTarget',
    ]);
    expect(events[1].metadata).toMatchObject({
      actorRole: 'admin',
      clientMutationId: 'settings-1',
    });

    // The same values again change nothing and record nothing.
    const same = ok(
      await graphql(t.app, inst.adminToken, CHANGE, { input: { settings: { digestHour: 7 } } }),
    );
    expect(same.changeInstitutionSettings.institution.version).toBe(2);

    const renamed = ok(
      await graphql(t.app, inst.adminToken, RENAME, { input: { name: ' Berlin College ' } }),
    );
    expect(renamed.renameInstitution.institution).toEqual({ name: 'Berlin College', version: 3 });
    expect(ok(await graphql(t.app, inst.adminToken, INSTITUTION)).institution).toMatchObject({
      name: 'Berlin College',
      timeZone: 'Europe/Berlin',
    });
  });

  it('rejects an unknown time zone and out-of-range settings with BAD_USER_INPUT', async () => {
    const inst = await newInstitution(t);
    const zone = await graphql(t.app, inst.adminToken, CHANGE, {
      input: { timeZone: 'Mars/Olympus_Mons' },
    });
    expect(errorCode(zone)).toBe('BAD_USER_INPUT');
    expect(zone.errors?.[0].extensions?.field).toBe('timeZone');

    const stretch = await graphql(t.app, inst.adminToken, CHANGE, {
      input: { settings: { interviewTarget: 6 } },
    });
    expect(errorCode(stretch)).toBe('BAD_USER_INPUT');
    expect(stretch.errors?.[0].extensions?.field).toBe('settings.interviewStretchTarget');

    const hour = await graphql(t.app, inst.adminToken, CHANGE, {
      input: { settings: { digestHour: 24 } },
    });
    expect(errorCode(hour)).toBe('BAD_USER_INPUT');

    expect(ok(await graphql(t.app, inst.adminToken, INSTITUTION)).institution.version).toBe(1);
  });

  it('refuses advisors and students with FORBIDDEN', async () => {
    const inst = await newInstitution(t);
    const tokens = [
      await inst.advisorToken('adv-1'),
      await inst.studentToken('00000000-0000-4000-a000-000000000002'),
    ];
    for (const token of tokens) {
      expect(
        errorCode(
          await graphql(t.app, token, CHANGE, { input: { settings: { nudgeAfterDays: 5 } } }),
        ),
      ).toBe('FORBIDDEN');
      expect(errorCode(await graphql(t.app, token, RENAME, { input: { name: 'Mine now' } }))).toBe(
        'FORBIDDEN',
      );
    }
    expect(ok(await graphql(t.app, inst.adminToken, INSTITUTION)).institution.version).toBe(1);
    expect(errorCode(await graphql(t.app, null, INSTITUTION))).toBe('UNAUTHENTICATED');
  });

  describe('question bank', () => {
    const BANK = `query { questionBank { version themes { theme questions { id theme text source retired } } } }`;
    const ADD = `mutation($input: AddQuestionInput!) { addQuestion(input: $input) { clientMutationId question { id theme text source retired } questionBank { version } } }`;
    const RETIRE = `mutation($input: RetireQuestionInput!) { retireQuestion(input: $input) { question { id retired } questionBank { version themes { theme questions { id } } } } }`;

    it("offers every role the guide's questions by theme, plus the institution's own, without retired ones", async () => {
      const inst = await newInstitution(t);
      const student = await inst.studentToken('00000000-0000-4000-a000-000000000003');
      const bank = ok(await graphql(t.app, student, BANK)).questionBank;
      expect(bank.version).toBe(0);
      expect(bank.themes.map((g: any) => g.theme)).toEqual([
        'day_to_day',
        'path_into_field',
        'skills',
        'trends',
        'advice',
        'next_steps',
        'referrals',
      ]);
      const dayToDay = bank.themes[0].questions;
      expect(dayToDay[0]).toEqual({
        id: 'q-typical-day',
        theme: 'day_to_day',
        text: 'What is a typical day on the job like for you?',
        source: 'guide',
        retired: false,
      });

      const added = ok(
        await graphql(t.app, inst.adminToken, ADD, {
          input: {
            clientMutationId: 'q-1',
            theme: 'skills',
            text: ' Which certifications matter here? ',
          },
        }),
      ).addQuestion;
      expect(added.question).toMatchObject({
        theme: 'skills',
        text: 'Which certifications matter here?',
        source: 'institution',
        retired: false,
      });
      expect(added.questionBank.version).toBe(1);
      expect(
        ok(
          await graphql(t.app, inst.adminToken, ADD, {
            input: {
              clientMutationId: 'q-1',
              theme: 'skills',
              text: 'Which certifications matter here?',
            },
          }),
        ).addQuestion,
      ).toEqual(added);
      const duplicate = await graphql(t.app, inst.adminToken, ADD, {
        input: { theme: 'advice', text: 'WHICH certifications matter here?' },
      });
      expect(errorCode(duplicate)).toBe('BAD_USER_INPUT');

      const retired = ok(
        await graphql(t.app, inst.adminToken, RETIRE, {
          input: { questionId: 'q-typical-day', expectedVersion: 1 },
        }),
      ).retireQuestion;
      expect(retired.question).toEqual({ id: 'q-typical-day', retired: true });
      const skills = ok(await graphql(t.app, student, BANK)).questionBank.themes.find(
        (g: any) => g.theme === 'skills',
      ).questions;
      expect(skills.map((q: any) => q.id)).toContain(added.question.id);
      const days = ok(await graphql(t.app, student, BANK)).questionBank.themes[0].questions.map(
        (q: any) => q.id,
      );
      expect(days).not.toContain('q-typical-day');
      expect(
        errorCode(
          await graphql(t.app, inst.adminToken, RETIRE, { input: { questionId: 'q-typical-day' } }),
        ),
      ).toBe('BAD_USER_INPUT');
      expect(
        errorCode(
          await graphql(t.app, inst.adminToken, RETIRE, { input: { questionId: 'q-unknown' } }),
        ),
      ).toBe('NOT_FOUND');

      // Another institution's bank is untouched.
      const other = await newInstitution(t);
      expect(
        ok(await graphql(t.app, other.adminToken, BANK)).questionBank.themes[0].questions[0].id,
      ).toBe('q-typical-day');
      for (const token of [student, await inst.advisorToken('adv-1')]) {
        expect(
          errorCode(
            await graphql(t.app, token, ADD, { input: { theme: 'skills', text: 'Mine?' } }),
          ),
        ).toBe('FORBIDDEN');
        expect(
          errorCode(await graphql(t.app, token, RETIRE, { input: { questionId: 'q-trends' } })),
        ).toBe('FORBIDDEN');
      }
    });
  });
});
