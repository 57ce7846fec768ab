import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { cohortDecider, welcomesNewStudents } from './cohort.decider';
import { type CohortCreated, type CohortEvent, type StudentEnrolled } from './cohort.events';

const spec = deciderSpec(cohortDecider);
const at = '2025-08-20T14:00:00.000Z';
const cohortId = 'c-1';

const created: CohortCreated = {
  type: 'CohortCreated',
  data: {
    cohortId,
    name: 'Pre-law explorers',
    term: 'Fall 2025',
    startDate: '2025-09-01',
    endDate: '2025-12-15',
    interviewTargetOverride: null,
    welcomeEmails: true,
    at,
  },
};

const enrolled = (studentId: string, email: string, name = 'Ada Lovelace'): StudentEnrolled => ({
  type: 'StudentEnrolled',
  data: { cohortId, studentId, at, personal: { name, email } },
});

describe('cohort decider', () => {
  describe('CreateCohort', () => {
    it('creates a cohort', () => {
      spec
        .given([])
        .when({
          type: 'CreateCohort',
          data: {
            cohortId,
            name: 'Pre-law explorers',
            term: 'Fall 2025',
            startDate: '2025-09-01',
            endDate: '2025-12-15',
            at,
          },
        })
        .then([created]);
    });

    it('rejects a second creation', () => {
      spec
        .given([created])
        .when({ type: 'CreateCohort', data: { ...created.data } })
        .thenError(DomainErrorCode.ALREADY_EXISTS);
    });

    it.each([
      [{ name: '' }, 'name'],
      [{ startDate: '2025-02-30' }, 'startDate'],
      [{ endDate: '2025-08-01' }, 'endDate'],
      [{ interviewTargetOverride: 0 }, 'interviewTargetOverride'],
    ])('rejects invalid details %j', (override, field) => {
      spec
        .given([])
        .when({ type: 'CreateCohort', data: { ...created.data, ...override } })
        .thenError(DomainErrorCode.VALIDATION, { field });
    });
  });

  describe('UpdateCohort', () => {
    it('records the full details after a partial change', () => {
      spec
        .given([created])
        .when({ type: 'UpdateCohort', data: { cohortId, interviewTargetOverride: 4, at } })
        .then([{ type: 'CohortUpdated', data: { ...created.data, interviewTargetOverride: 4 } }]);
    });

    it('records nothing when nothing changes', () => {
      spec
        .given([created])
        .when({ type: 'UpdateCohort', data: { cohortId, term: 'Fall 2025', at } })
        .thenNothing();
    });

    it('rejects an end before the start', () => {
      spec
        .given([created])
        .when({ type: 'UpdateCohort', data: { cohortId, startDate: '2026-01-01', at } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'endDate' });
    });

    it('rejects an unknown cohort', () => {
      spec
        .given([])
        .when({ type: 'UpdateCohort', data: { cohortId, name: 'X', at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });
  });

  describe('welcome emails', () => {
    // A cohort created before the setting existed: its events do not name it.
    const { welcomeEmails: _, ...before } = created.data;
    const createdBeforeTheSetting: CohortCreated = { type: 'CohortCreated', data: before };
    const welcomesAfter = (events: CohortEvent[]) => {
      const state = events.reduce(cohortDecider.evolve, cohortDecider.initialState());
      if (state.status !== 'active') throw new Error('The cohort should exist');
      return welcomesNewStudents(state);
    };

    it('are on unless the cohort is created without them', () => {
      spec
        .given([])
        .when({ type: 'CreateCohort', data: { ...before, welcomeEmails: false } })
        .then([{ type: 'CohortCreated', data: { ...created.data, welcomeEmails: false } }]);
    });

    it('can be turned off and on again, recording the full details', () => {
      const off: CohortEvent = {
        type: 'CohortUpdated',
        data: { ...created.data, welcomeEmails: false },
      };
      spec
        .given([created])
        .when({ type: 'UpdateCohort', data: { cohortId, welcomeEmails: false, at } })
        .then([off]);
      spec
        .given([created, off])
        .when({ type: 'UpdateCohort', data: { cohortId, welcomeEmails: true, at } })
        .then([{ type: 'CohortUpdated', data: { ...created.data, welcomeEmails: true } }]);
      expect(welcomesAfter([created, off])).toBe(false);
    });

    it('keep their value when an update does not name them', () => {
      const off: CohortEvent = {
        type: 'CohortUpdated',
        data: { ...created.data, welcomeEmails: false },
      };
      spec
        .given([created, off])
        .when({ type: 'UpdateCohort', data: { cohortId, name: 'Renamed', at } })
        .then([
          {
            type: 'CohortUpdated',
            data: { ...created.data, name: 'Renamed', welcomeEmails: false },
          },
        ]);
      spec
        .given([created, off])
        .when({ type: 'UpdateCohort', data: { cohortId, welcomeEmails: false, at } })
        .thenNothing();
    });

    it('are on for a cohort whose events predate the setting', () => {
      expect(welcomesAfter([createdBeforeTheSetting])).toBe(true);
      spec
        .given([createdBeforeTheSetting])
        .when({ type: 'UpdateCohort', data: { cohortId, welcomeEmails: true, at } })
        .thenNothing();
      spec
        .given([createdBeforeTheSetting])
        .when({ type: 'UpdateCohort', data: { cohortId, welcomeEmails: false, at } })
        .then([{ type: 'CohortUpdated', data: { ...created.data, welcomeEmails: false } }]);
    });

    it('must be on or off', () => {
      spec
        .given([created])
        .when({ type: 'UpdateCohort', data: { cohortId, welcomeEmails: 'no' as never, at } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'welcomeEmails' });
    });
  });

  describe('AssignAdvisor / UnassignAdvisor', () => {
    const assigned = {
      type: 'AdvisorAssigned' as const,
      data: { cohortId, advisorId: 'adv-1', at },
    };

    it('assigns an advisor', () => {
      spec
        .given([created])
        .when({ type: 'AssignAdvisor', data: { cohortId, advisorId: 'adv-1', at } })
        .then([assigned]);
    });

    it('rejects assigning the same advisor twice', () => {
      spec
        .given([created, assigned])
        .when({ type: 'AssignAdvisor', data: { cohortId, advisorId: 'adv-1', at } })
        .thenError(DomainErrorCode.ALREADY_EXISTS);
    });

    it('unassigns an advisor', () => {
      spec
        .given([created, assigned])
        .when({ type: 'UnassignAdvisor', data: { cohortId, advisorId: 'adv-1', at } })
        .then([{ type: 'AdvisorUnassigned', data: { cohortId, advisorId: 'adv-1', at } }]);
    });

    it('rejects unassigning an advisor who is not assigned', () => {
      spec
        .given([created])
        .when({ type: 'UnassignAdvisor', data: { cohortId, advisorId: 'adv-1', at } })
        .thenError(DomainErrorCode.NOT_FOUND, { field: 'advisorId' });
    });
  });

  describe('EnrollStudents', () => {
    it('enrols the good rows and skips the bad ones', () => {
      spec
        .given([created, enrolled('s-0', 'alan@example.edu', 'Alan Turing')])
        .when({
          type: 'EnrollStudents',
          data: {
            cohortId,
            rows: [
              { studentId: 's-1', name: 'Ada Lovelace', email: 'Ada@Example.edu' },
              { studentId: 's-2', name: 'Alan Again', email: 'ALAN@example.edu' },
              { studentId: 's-3', name: 'Nobody', email: 'nope' },
            ],
            at,
          },
        })
        .then([enrolled('s-1', 'ada@example.edu')]);
    });

    it('enrols a withdrawn student again under the same id', () => {
      spec
        .given([
          created,
          enrolled('s-1', 'ada@example.edu'),
          { type: 'StudentWithdrawn', data: { cohortId, studentId: 's-1', at } },
        ])
        .when({
          type: 'EnrollStudents',
          data: {
            cohortId,
            rows: [{ studentId: 's-1', name: 'Ada Lovelace', email: 'ada@example.edu' }],
            at,
          },
        })
        .then([enrolled('s-1', 'ada@example.edu')]);
    });

    it('reports a student on the roster under another email as already enrolled', () => {
      spec
        .given([created, enrolled('s-1', 'ada@example.edu')])
        .when({
          type: 'EnrollStudents',
          data: {
            cohortId,
            rows: [
              { studentId: 's-1', name: 'Ada Lovelace', email: 'ada.l@example.edu' },
              { studentId: 's-2', name: 'Grace Hopper', email: 'grace@example.edu' },
            ],
            at,
          },
        })
        .then([enrolled('s-2', 'grace@example.edu', 'Grace Hopper')]);
    });

    it('rejects more than 1,000 rows', () => {
      const rows = Array.from({ length: 1_001 }, (_, n) => ({
        studentId: `s-${n}`,
        name: `Student ${n}`,
        email: `s${n}@example.edu`,
      }));
      spec
        .given([created])
        .when({ type: 'EnrollStudents', data: { cohortId, rows, at } })
        .thenError(DomainErrorCode.LIMIT_EXCEEDED, { field: 'rows' });
    });

    it('rejects an empty roster', () => {
      spec
        .given([created])
        .when({ type: 'EnrollStudents', data: { cohortId, rows: [], at } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'rows' });
    });

    it('enrols a student named by two rows once', () => {
      spec
        .given([created])
        .when({
          type: 'EnrollStudents',
          data: {
            cohortId,
            rows: [
              { studentId: 's-1', name: 'A', email: 'a@example.edu' },
              { studentId: 's-1', name: 'B', email: 'b@example.edu' },
            ],
            at,
          },
        })
        .then([enrolled('s-1', 'a@example.edu', 'A')]);
    });

    it('rejects enrolment into an unknown cohort', () => {
      spec
        .given([])
        .when({ type: 'EnrollStudents', data: { cohortId, rows: [], at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });
  });

  describe('WithdrawStudent', () => {
    it('withdraws an enrolled student', () => {
      spec
        .given([created, enrolled('s-1', 'ada@example.edu')])
        .when({ type: 'WithdrawStudent', data: { cohortId, studentId: 's-1', at } })
        .then([{ type: 'StudentWithdrawn', data: { cohortId, studentId: 's-1', at } }]);
    });

    it('rejects withdrawing a student who is not enrolled', () => {
      spec
        .given([created])
        .when({ type: 'WithdrawStudent', data: { cohortId, studentId: 's-1', at } })
        .thenError(DomainErrorCode.NOT_FOUND, { field: 'studentId' });
    });
  });
});
