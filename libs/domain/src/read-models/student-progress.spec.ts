import { day, events, progressOf, STUDENT } from './read-models.fixtures';
import {
  enrolledInCohort,
  evolveStudentProgress,
  foldAsOf,
  wasInCohort,
  initialStudentProgress,
  studentIdOf,
} from './student-progress';

const e = events();

describe('student progress', () => {
  it('given nothing, then the student has an empty, not enrolled progress', () => {
    expect(progressOf([])).toEqual(initialStudentProgress(STUDENT));
    expect(initialStudentProgress(STUDENT).enrolled).toBe(false);
  });

  it('given an enrolment and a registration, then the profile bits are set and counted', () => {
    const state = progressOf([
      e.enrolled(day(1)),
      e.registered(day(1, 10)),
      e.digest(day(2), 'off'),
    ]);
    expect(state).toMatchObject({
      cohortId: 'cohort-1',
      enrolledAt: day(1),
      registeredAt: day(1, 10),
      enrolled: true,
      digestPreference: 'off',
      digestPreferenceSetAt: day(2),
      eventCount: 3,
      lastActivityAt: null,
    });
  });

  it('given a withdrawal, then the student is no longer enrolled', () => {
    expect(progressOf([e.enrolled(day(1)), e.withdrawn(day(9))]).enrolled).toBe(false);
  });

  it('given a move to another cohort, then the later cohort is current and the earlier one left', () => {
    const moved = [
      e.registered(day(1)),
      e.enrolled(day(1)),
      e.contact('k-1', day(2)),
      e.withdrawn(day(20)),
      e.enrolled(day(20), 'cohort-2'),
      {
        type: 'StudentLeftCohort',
        data: { studentId: STUDENT, cohortId: 'cohort-1', at: day(20) },
      },
      {
        type: 'StudentJoinedCohort',
        data: { studentId: STUDENT, cohortId: 'cohort-2', at: day(20) },
      },
    ] as const;
    const state = progressOf([...moved]);
    expect(state).toMatchObject({
      cohortId: 'cohort-2',
      enrolledAt: day(20),
      withdrawnAt: null,
      enrolled: true,
    });
    expect(Object.keys(state.contacts)).toEqual(['k-1']);
    expect([wasInCohort(state, 'cohort-1'), enrolledInCohort(state, 'cohort-1')]).toEqual([
      true,
      false,
    ]);
    expect(enrolledInCohort(state, 'cohort-2')).toBe(true);
    // Any order of the same events gives the same state.
    expect(progressOf([...moved].reverse())).toEqual(state);
    const before = foldAsOf(initialStudentProgress(STUDENT), [...moved], day(10));
    expect(before).toMatchObject({ cohortId: 'cohort-1', enrolled: true });
    expect(wasInCohort(before, 'cohort-2')).toBe(false);
  });

  it('given a re-enrolment in the same cohort after a withdrawal, then the student is enrolled again', () => {
    const state = progressOf([e.enrolled(day(1)), e.withdrawn(day(5)), e.enrolled(day(9))]);
    expect(state).toMatchObject({ enrolled: true, enrolledAt: day(9), withdrawnAt: null });
    expect(progressOf([e.enrolled(day(1)), e.withdrawn(day(1))]).enrolled).toBe(false);
  });

  it('given a state stored before stays were kept, then its one cohort is read from its fields', () => {
    const { cohorts: _, ...legacy } = progressOf([e.enrolled(day(1)), e.withdrawn(day(5))]);
    expect([wasInCohort(legacy, 'cohort-1'), enrolledInCohort(legacy, 'cohort-1')]).toEqual([
      true,
      false,
    ]);
    expect(evolveStudentProgress(legacy, e.enrolled(day(9))).enrolled).toBe(true);
  });

  it('given an older digest preference arriving late, then the later one still wins', () => {
    const state = progressOf([
      e.registered(day(1)),
      e.digest(day(5), 'off'),
      e.digest(day(3), 'weekly'),
    ]);
    expect(state.digestPreference).toBe('off');
  });

  it('given contacts added, updated and archived, then the latest facts are kept', () => {
    const state = progressOf([
      e.contact('k-1', day(2), { relationship: 'friend', industry: 'Finance' }),
      e.contactUpdated('k-1', day(4), { relationship: 'mentor', industry: 'Banking' }),
      e.archived('k-1', day(6)),
    ]);
    expect(state.contacts['k-1']).toEqual({
      contactId: 'k-1',
      relationship: 'mentor',
      organization: null,
      role: null,
      industry: 'Banking',
      referredByContactId: null,
      addedAt: day(2),
      factsAt: day(4),
      archived: true,
      archivedAt: day(6),
    });
    expect(state.lastActivityAt).toBe(day(6));
  });

  it('given a request answered by scheduling, then it counts as accepted and scheduled', () => {
    const state = progressOf([
      e.requested('i-1', 'k-1', day(3)),
      e.nudged('i-1', 'k-1', day(10)),
      e.scheduled('i-1', 'k-1', day(11), day(20, 16)),
    ]);
    expect(state.interviews['i-1']).toMatchObject({
      status: 'scheduled',
      openedAt: day(3),
      requestedAt: day(3),
      nudgedAt: [day(10)],
      acceptedAt: day(11),
      respondedAt: day(11),
      scheduledAt: day(11),
      scheduledFor: day(20, 16),
    });
  });

  it('given a no-show and then a new time, then the interview is scheduled again', () => {
    const missed = progressOf([
      e.requested('i-1', 'k-1', day(3)),
      e.scheduled('i-1', 'k-1', day(4), day(10)),
      e.noShow('i-1', 'k-1', day(10, 12), day(10)),
    ]);
    expect(missed.interviews['i-1'].status).toBe('no_show');
    const again = evolveStudentProgress(missed, e.scheduled('i-1', 'k-1', day(11), day(15)));
    expect(again.interviews['i-1']).toMatchObject({
      status: 'scheduled',
      scheduledAt: day(4),
      scheduledFor: day(15),
      scheduleChangedAt: day(11),
    });
  });

  it('given a held interview with the relationship phase, then every fact is recorded', () => {
    const state = progressOf([
      e.requested('i-1', 'k-1', day(3)),
      e.accepted('i-1', 'k-1', day(4)),
      e.scheduled('i-1', 'k-1', day(5), day(12)),
      e.rescheduled('i-1', 'k-1', day(6), day(13), day(12)),
      e.prepared('i-1', 'k-1', day(8)),
      e.held('i-1', 'k-1', day(13), { at: day(13, 18), questionIdsAsked: ['q-trends'] }),
      e.thanked('i-1', 'k-1', day(14)),
      e.referrals('i-1', 'k-1', day(14, 12), [{ contactId: 'k-2' }, { contactId: 'k-3' }]),
      e.shadowing('i-1', 'k-1', day(15)),
      e.touchpoint('i-1', 'k-1', day(20), 'met_at_event'),
    ]);
    expect(state.interviews['i-1']).toEqual({
      interviewId: 'i-1',
      contactId: 'k-1',
      status: 'held',
      openedAt: day(3),
      requestedAt: day(3),
      nudgedAt: [],
      respondedAt: day(4),
      acceptedAt: day(4),
      declinedAt: null,
      closedUnansweredAt: null,
      scheduledAt: day(5),
      scheduledFor: day(13),
      scheduleChangedAt: day(6),
      rescheduleCount: 1,
      preparedAt: day(8),
      heldAt: day(13),
      questionIdsAsked: ['q-trends'],
      thankYouSentAt: day(14),
      referrals: [
        { contactId: 'k-2', receivedAt: day(14, 12) },
        { contactId: 'k-3', receivedAt: day(14, 12) },
      ],
      shadowingRequestedAt: day(15),
      touchpoints: [{ at: day(20), kind: 'met_at_event' }],
      cancelledAt: null,
      noShowAt: null,
    });
    expect(state.eventCount).toBe(10);
  });

  it('given declines, unanswered closes and cancellations, then the statuses are terminal', () => {
    const state = progressOf([
      e.requested('i-1', 'k-1', day(3)),
      e.declined('i-1', 'k-1', day(4)),
      e.requested('i-2', 'k-2', day(3)),
      e.unanswered('i-2', 'k-2', day(20)),
      e.requested('i-3', 'k-3', day(3)),
      e.accepted('i-3', 'k-3', day(4)),
      e.cancelled('i-3', 'k-3', day(5)),
    ]);
    expect(Object.values(state.interviews).map((i) => i.status)).toEqual([
      'declined',
      'unanswered',
      'cancelled',
    ]);
  });

  it('given events about another student or nobody, then nothing changes', () => {
    const state = progressOf([e.enrolled(day(1))]);
    const other = events('s-2');
    expect(evolveStudentProgress(state, other.requested('i-9', 'k-9', day(2)))).toBe(state);
    expect(
      evolveStudentProgress(state, {
        type: 'QuestionRetired',
        data: { questionId: 'q-trends', at: day(2) },
      }),
    ).toBe(state);
  });

  it('given an advisor note, then it is routed to the student but not counted as progress', () => {
    const note = {
      type: 'AdvisorNoteAdded',
      data: {
        studentId: STUDENT,
        noteId: 'n-1',
        advisorId: 'a-1',
        at: day(2),
        personal: { text: 'x' },
      },
    } as const;
    expect(studentIdOf(note)).toBe(STUDENT);
    const state = progressOf([e.enrolled(day(1))]);
    expect(evolveStudentProgress(state, note)).toBe(state);
  });

  it('given events in any order, then the state is the same', () => {
    const history = [
      e.enrolled(day(1)),
      e.contact('k-1', day(2), { industry: 'Tech' }),
      e.requested('i-1', 'k-1', day(3)),
      e.nudged('i-1', 'k-1', day(10), 1),
      e.nudged('i-1', 'k-1', day(17), 2),
      e.scheduled('i-1', 'k-1', day(18), day(22)),
      e.rescheduled('i-1', 'k-1', day(19), day(23), day(22)),
      e.held('i-1', 'k-1', day(23)),
      e.touchpoint('i-1', 'k-1', day(25), 'offered_help'),
      e.touchpoint('i-1', 'k-1', day(25), 'shared_article'),
    ];
    expect(progressOf([...history].reverse())).toEqual(progressOf(history));
  });

  it('given a state as of an instant, then only events recorded by then count', () => {
    const history = [
      e.enrolled(day(1)),
      e.requested('i-1', 'k-1', day(3)),
      e.held('i-1', 'k-1', day(9), { at: day(10) }),
    ];
    const asOf = foldAsOf(initialStudentProgress(STUDENT), history, '2025-09-09T12:00:00Z');
    expect(asOf).toEqual(progressOf(history.slice(0, 2)));
  });

  it('given a state, then it survives a JSON round trip unchanged', () => {
    const state = progressOf([
      e.enrolled(day(1)),
      e.contact('k-1', day(2)),
      e.requested('i-1', 'k-1', day(3)),
      e.held('i-1', 'k-1', day(9)),
    ]);
    expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
  });
});
