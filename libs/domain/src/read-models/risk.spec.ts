import { defaultInstitutionSettings } from '../institution/institution.settings';
import { followUpsOf } from './follow-ups';
import { summarizeProgress } from './progress-summary';
import { day, events, progressOf } from './read-models.fixtures';
import { compareByRisk, midTerm, rankByRisk, riskOf } from './risk';
import { constantSettings } from './settings-timeline';
import { type StudentProgress } from './student-progress';

const e = events();
const settings = defaultInstitutionSettings;
// September 1 to October 31 is 61 days: mid-term is October 1 at noon.
const cohort = { startDate: '2025-09-01', endDate: '2025-10-31' };

const riskAt = (state: StudentProgress, asOf: string) =>
  riskOf(
    summarizeProgress(state, settings, { asOf }),
    followUpsOf(state, constantSettings(settings), asOf, 3),
    cohort,
    asOf,
  );

describe('riskOf', () => {
  it('given the middle of the term, then it is halfway with the end date inclusive', () => {
    expect(midTerm(cohort)).toBe('2025-10-01T12:00:00.000Z');
  });

  it('given an active student early in the term, then there is no risk', () => {
    const state = progressOf([e.enrolled(day(1)), e.contact('k-1', day(5))]);
    expect(riskAt(state, day(10))).toEqual({ score: 0, reasons: [] });
  });

  it('given two silent weeks, then inactivity is a reason', () => {
    const state = progressOf([e.enrolled(day(1)), e.contact('k-1', day(2))]);
    expect(riskAt(state, day(16))).toEqual({ score: 3, reasons: ['No activity in 14 days'] });
  });

  it('given no activity at all, then the clock starts with the term', () => {
    const state = progressOf([e.enrolled('2025-08-20T00:00:00.000Z')]);
    expect(riskAt(state, day(10)).reasons).toEqual([]);
    expect(riskAt(state, day(15)).reasons).toEqual(['No activity yet, 14+ days into the term']);
  });

  it('given overdue items and nothing held past mid-term, then all reasons add up', () => {
    const state = progressOf([
      e.enrolled(day(1)),
      e.requested('i-1', 'k-1', '2025-09-25T09:00:00.000Z'),
      e.requested('i-2', 'k-2', '2025-09-25T09:00:00.000Z'),
    ]);
    expect(riskAt(state, '2025-10-03T09:00:00.000Z')).toEqual({
      score: 4 + 2,
      reasons: ['No interview held by mid-term', '2 overdue follow-ups'],
    });
  });

  it('given a withdrawn student, then the score is zero', () => {
    const state = progressOf([e.enrolled(day(1)), e.withdrawn(day(2))]);
    expect(riskAt(state, '2025-10-20T00:00:00.000Z')).toEqual({ score: 0, reasons: [] });
  });

  it('given students with risks, then ranking is by score, reasons, then id', () => {
    const rows = [
      { studentId: 'b', risk: { score: 3, reasons: ['x'] } },
      { studentId: 'a', risk: { score: 3, reasons: ['x'] } },
      { studentId: 'c', risk: { score: 3, reasons: ['x', 'y'] } },
      { studentId: 'd', risk: { score: 7, reasons: ['x'] } },
    ];
    expect(rankByRisk(rows).map((r) => r.studentId)).toEqual(['d', 'c', 'a', 'b']);
    expect(compareByRisk(rows[1], rows[1])).toBe(0);
  });
});
