import { defaultInstitutionSettings } from '../institution/institution.settings';
import { summarizeProgress } from './progress-summary';
import { day, events, progressOf } from './read-models.fixtures';
import { type SettingsAt } from './settings-timeline';

const e = events();
const settings = defaultInstitutionSettings;

const history = [
  e.enrolled(day(1)),
  e.contact('k-1', day(2), { relationship: 'friend' }),
  e.contact('k-2', day(2), { relationship: 'faculty' }),
  e.contact('k-3', day(2), { relationship: 'classmate' }),
  e.requested('i-1', 'k-1', day(3)),
  e.scheduled('i-1', 'k-1', day(4), day(8)),
  e.prepared('i-1', 'k-1', day(6)),
  e.held('i-1', 'k-1', day(8), { questionIdsAsked: ['q-anyone-else'] }),
  e.referrals('i-1', 'k-1', day(8, 12), [{ contactId: 'k-4' }]),
  e.contact('k-4', day(8, 12), { relationship: 'referral', referredByContactId: 'k-1' }),
  e.thanked('i-1', 'k-1', day(9)),
  e.touchpoint('i-1', 'k-1', day(20)),
  e.requested('i-2', 'k-2', day(3)),
  e.nudged('i-2', 'k-2', day(4)),
  e.declined('i-2', 'k-2', day(5)),
  e.requested('i-3', 'k-3', day(3)),
];

describe('summarizeProgress', () => {
  it('given a student one interview in, then every count follows the method', () => {
    const summary = summarizeProgress(progressOf(history), settings, { asOf: day(21) });
    expect(summary).toEqual({
      studentId: 's-1',
      cohortId: 'cohort-1',
      enrolled: true,
      since: day(1),
      asOf: day(21),
      contacts: {
        total: 4,
        archived: 0,
        byRelationship: {
          friend: 1,
          family: 0,
          classmate: 1,
          coworker: 0,
          neighbor: 0,
          acquaintance: 0,
          faculty: 1,
          mentor: 0,
          supervisor: 0,
          referral: 1,
          other: 0,
        },
      },
      requests: {
        sent: 3,
        accepted: 1,
        declined: 1,
        unanswered: 0,
        pending: 1,
        cancelled: 0,
        nudges: 1,
      },
      interviews: {
        held: 1,
        heldWithoutRequest: 0,
        upcoming: 0,
        noShows: 0,
        target: 3,
        stretchTarget: 5,
        remaining: 2,
        atTarget: false,
        atStretch: false,
      },
      thankYous: { sent: 1, withinWindow: 1, late: 0, missing: 0, pending: 0 },
      referrals: { received: 1, requested: 0, contacted: 0, interviewsWithReferrals: 1 },
      touchpoints: {
        total: 1,
        byKind: {
          shared_article: 1,
          updated_on_next_steps: 0,
          met_at_event: 0,
          offered_help: 0,
          follow_up_question: 0,
          other: 0,
        },
      },
      shadowingRequests: 0,
      lastActivityAt: day(20),
      stage: 'following_up',
      adherence: {
        preparedBeforeInterview: { count: 1, of: 1, rate: 1 },
        thankedWithinWindow: { count: 1, of: 1, rate: 1 },
        askedForReferrals: { count: 1, of: 1, rate: 1 },
      },
    });
  });

  it('given a cohort target override, then it replaces the institution target', () => {
    const summary = summarizeProgress(progressOf(history), settings, { asOf: day(21), target: 1 });
    expect(summary.interviews).toMatchObject({ target: 1, remaining: 0, atTarget: true });
    expect(summary.stage).toBe('at_target');
  });

  it('given a late and a missing thank-you, then adherence counts only decided ones', () => {
    const state = progressOf([
      e.enrolled(day(1)),
      e.held('i-1', 'k-1', day(2), { withoutRequest: true }),
      e.thanked('i-1', 'k-1', day(9)),
      e.held('i-2', 'k-2', day(3), { withoutRequest: true }),
      e.held('i-3', 'k-3', day(12), { withoutRequest: true }),
    ]);
    const summary = summarizeProgress(state, settings, { asOf: day(13), target: 5 });
    expect(summary.thankYous).toEqual({
      sent: 1,
      withinWindow: 0,
      late: 1,
      missing: 1,
      pending: 1,
    });
    expect(summary.adherence.thankedWithinWindow).toEqual({ count: 0, of: 2, rate: 0 });
    expect(summary.adherence.preparedBeforeInterview).toEqual({ count: 0, of: 3, rate: 0 });
    expect(summary.interviews.heldWithoutRequest).toBe(3);
  });

  it('given the window changed after an interview, then the window in force when held applies', () => {
    const state = progressOf([
      e.enrolled(day(1)),
      e.held('i-1', 'k-1', day(2), { withoutRequest: true }),
      e.thanked('i-1', 'k-1', day(6)),
    ]);
    const settingsAt: SettingsAt = (at) =>
      at < day(5) ? { ...settings, thankYouWindowDays: 7 } : settings;
    expect(summarizeProgress(state, settingsAt, { asOf: day(10) }).thankYous.withinWindow).toBe(1);
    expect(summarizeProgress(state, settings, { asOf: day(10) }).thankYous.withinWindow).toBe(0);
  });

  it('given no held interviews, then adherence rates are null rather than zero', () => {
    const summary = summarizeProgress(progressOf([e.enrolled(day(1))]), settings, { asOf: day(2) });
    expect(summary.adherence.askedForReferrals).toEqual({ count: 0, of: 0, rate: null });
  });

  describe('stage', () => {
    const stage = (list: Parameters<typeof progressOf>[0]) =>
      summarizeProgress(progressOf([e.enrolled(day(1)), ...list]), settings, { asOf: day(20) })
        .stage;

    it('given nothing done, then not_started', () => expect(stage([])).toBe('not_started'));

    it('given only contacts, then brainstorming', () =>
      expect(stage([e.contact('k-1', day(2))])).toBe('brainstorming'));

    it('given a request waiting, then reaching_out', () =>
      expect(stage([e.contact('k-1', day(2)), e.requested('i-1', 'k-1', day(3))])).toBe(
        'reaching_out',
      ));

    it('given a scheduled meeting, then interviewing', () =>
      expect(
        stage([e.requested('i-1', 'k-1', day(3)), e.scheduled('i-1', 'k-1', day(4), day(25))]),
      ).toBe('interviewing'));

    it('given a held interview not yet thanked, then following_up', () =>
      expect(stage([e.requested('i-1', 'k-1', day(3)), e.held('i-1', 'k-1', day(18))])).toBe(
        'following_up',
      ));

    it('given a held, thanked interview and nothing else, then reaching_out again', () =>
      expect(
        stage([
          e.requested('i-1', 'k-1', day(3)),
          e.held('i-1', 'k-1', day(10)),
          e.thanked('i-1', 'k-1', day(11)),
        ]),
      ).toBe('reaching_out'));
  });
});
