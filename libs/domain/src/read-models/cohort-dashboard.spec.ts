import { defaultInstitutionSettings } from '../institution/institution.settings';
import { cohortDashboard } from './cohort-dashboard';
import { day, events, progressOf } from './read-models.fixtures';
import { constantSettings } from './settings-timeline';
import { foldAsOf, initialStudentProgress } from './student-progress';

const settingsAt = constantSettings(defaultInstitutionSettings);
// Monday 2025-09-01 to Sunday 2025-09-28: four ISO weeks, W36 to W39.
const cohort = { cohortId: 'cohort-1', startDate: '2025-09-01', endDate: '2025-09-28', target: 1 };

const a = events('s-a');
const b = events('s-b');
const c = events('s-c');

const students = [
  progressOf(
    [
      a.enrolled(day(1)),
      a.contact('k-1', day(1), { industry: 'Finance' }),
      a.contact('k-2', day(2), { industry: ' finance ' }),
      a.requested('i-1', 'k-1', day(3)),
      a.accepted('i-1', 'k-1', day(5)),
      a.scheduled('i-1', 'k-1', day(6), day(10)),
      a.held('i-1', 'k-1', day(10)),
      a.thanked('i-1', 'k-1', day(11)),
      a.referrals('i-1', 'k-1', day(10, 12), [{ contactId: 'k-3' }]),
      a.contact('k-3', day(10, 12), { relationship: 'referral', referredByContactId: 'k-1' }),
      a.touchpoint('i-1', 'k-1', day(20)),
    ],
    's-a',
  ),
  progressOf(
    [
      b.enrolled(day(1)),
      b.contact('k-1', day(4), { industry: 'Health' }),
      b.requested('i-1', 'k-1', day(4)),
      b.held('i-1', 'k-1', day(15)),
      b.held('i-2', 'k-2', day(16), { withoutRequest: true }),
      b.thanked('i-2', 'k-2', day(17)),
    ],
    's-b',
  ),
  progressOf([c.enrolled(day(1)), c.contact('k-1', day(2)), c.withdrawn(day(3))], 's-c'),
  progressOf([events('s-d').enrolled(day(1), 'cohort-2')], 's-d'),
];

describe('cohortDashboard', () => {
  const dashboard = cohortDashboard(students, cohort, settingsAt, day(22));

  it('given the cohort, then only its enrolled students count', () => {
    expect(dashboard).toMatchObject({ cohortId: 'cohort-1', students: 2, withdrawn: 1 });
  });

  it('given a student who moved cohorts, then each cohort counts them for their stay there', () => {
    const e = events('s-e');
    // Moved from cohort-2 to cohort-1 on day 10 (docs/adr/0019).
    const history = [
      e.enrolled(day(1), 'cohort-2'),
      e.withdrawn(day(10), 'cohort-2'),
      e.enrolled(day(10)),
    ];
    const other = { ...cohort, cohortId: 'cohort-2' };
    const at = (asOf: string, c = cohort) =>
      cohortDashboard(
        [foldAsOf(initialStudentProgress('s-e'), history, asOf)],
        c,
        settingsAt,
        asOf,
      );
    expect(at(day(5))).toMatchObject({ students: 0, withdrawn: 0 });
    expect(at(day(5), other)).toMatchObject({ students: 1, withdrawn: 0 });
    expect(at(day(22))).toMatchObject({ students: 1, withdrawn: 0 });
    expect(at(day(22), other)).toMatchObject({ students: 0, withdrawn: 1 });
  });

  it('given request-initiated interviews, then the funnel narrows with medians in days', () => {
    expect(dashboard.funnel).toEqual([
      { stage: 'contacts', count: 4, conversionFromPrevious: null, medianDaysFromPrevious: null },
      { stage: 'requested', count: 2, conversionFromPrevious: 0.5, medianDaysFromPrevious: 1 },
      { stage: 'accepted', count: 2, conversionFromPrevious: 1, medianDaysFromPrevious: 2 },
      { stage: 'scheduled', count: 2, conversionFromPrevious: 1, medianDaysFromPrevious: 1 },
      { stage: 'held', count: 2, conversionFromPrevious: 1, medianDaysFromPrevious: 4 },
      { stage: 'thanked', count: 1, conversionFromPrevious: 0.5, medianDaysFromPrevious: 1 },
      { stage: 'referral', count: 1, conversionFromPrevious: 1, medianDaysFromPrevious: 0.1 },
    ]);
    expect(dashboard.heldWithoutRequest).toBe(1);
  });

  it('given held interviews, then target share, overdue items and thank-you SLA follow', () => {
    expect(dashboard.atTarget).toEqual({ target: 1, students: 2, share: 1 });
    // s-a: referral k-3 never contacted; s-b: i-1 never thanked.
    expect(dashboard.overdueFollowUps).toBe(2);
    expect(dashboard.thankYouSla).toEqual({ decided: 3, breached: 1, breachRate: 1 / 3 });
  });

  it('given contacts, then the industry mix groups spellings, most first', () => {
    expect(dashboard.industryMix).toEqual([
      { industry: 'finance', contacts: 2 },
      { industry: 'health', contacts: 1 },
      { industry: 'unspecified', contacts: 1 },
    ]);
  });

  it('given asOf inside the term, then weeks run from the start to asOf', () => {
    expect(dashboard.weeklyActivity.map((w) => [w.week, w.weekStart])).toEqual([
      ['2025-W36', '2025-09-01'],
      ['2025-W37', '2025-09-08'],
      ['2025-W38', '2025-09-15'],
      ['2025-W39', '2025-09-22'],
    ]);
    expect(dashboard.weeklyActivity[0].counts).toEqual({
      contact_added: 3,
      request_sent: 2,
      interview_held: 0,
      thank_you_sent: 0,
      referral_received: 0,
      touchpoint: 0,
    });
    expect(dashboard.weeklyActivity[1].counts).toEqual({
      contact_added: 1,
      request_sent: 0,
      interview_held: 1,
      thank_you_sent: 1,
      referral_received: 1,
      touchpoint: 0,
    });
    expect(dashboard.weeklyActivity[2].counts.interview_held).toBe(2);
    expect(dashboard.weeklyActivity[3].counts).toMatchObject({ thank_you_sent: 0, touchpoint: 0 });
  });

  it('given asOf before the term, then there is no weekly series', () => {
    const early = cohortDashboard(students, cohort, settingsAt, '2025-08-01T00:00:00Z');
    expect(early.weeklyActivity).toEqual([]);
  });

  it('given asOf after the term, then the series stops at the term end date', () => {
    const late = cohortDashboard(students, cohort, settingsAt, '2025-12-01T00:00:00Z');
    expect(late.weeklyActivity.map((w) => w.week).at(-1)).toBe('2025-W39');
  });
});
