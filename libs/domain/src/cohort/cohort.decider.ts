import { normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  firstError,
  requireDate,
  requireId,
  requireInstant,
  requireIntegerInRange,
  requireText,
  type Check,
} from '../shared/validation';
import {
  type AssignAdvisor,
  type CohortCommand,
  type CreateCohort,
  type EnrollStudents,
  type UnassignAdvisor,
  type UpdateCohort,
  type WithdrawStudent,
} from './cohort.commands';
import { planEnrollment } from './cohort.enrollment';
import { type CohortDetails, type CohortEvent, type StudentEnrolled } from './cohort.events';

export type CohortState =
  | { status: 'none' }
  | (CohortDetails & {
      status: 'active';
      advisorIds: readonly string[];
      /** Currently enrolled students: studentId -> normalised email (withdrawn ones leave). */
      students: ReadonlyMap<string, string>;
    });

/** A cohort's welcome setting; absent (cohorts from before the setting) means on. */
export function welcomesNewStudents(cohort: Pick<CohortDetails, 'welcomeEmails'>): boolean {
  return cohort.welcomeEmails !== false;
}

type Active = Extract<CohortState, { status: 'active' }>;
type Result = CohortEvent[] | DomainError;

export const cohortDecider: Decider<CohortCommand, CohortEvent, CohortState> = {
  decide(command, state) {
    if (command.type === 'CreateCohort') return create(command, state);
    if (state.status !== 'active') {
      return DomainError.notFound(`Cohort ${command.data.cohortId} does not exist`, 'cohortId');
    }
    switch (command.type) {
      case 'UpdateCohort':
        return update(command, state);
      case 'AssignAdvisor':
        return assignAdvisor(command, state);
      case 'UnassignAdvisor':
        return unassignAdvisor(command, state);
      case 'EnrollStudents':
        return enroll(command, state);
      case 'WithdrawStudent':
        return withdraw(command, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'CohortCreated') {
      const { at: _at, ...details } = event.data;
      return { ...details, status: 'active', advisorIds: [], students: new Map() };
    }
    if (state.status !== 'active') return state;
    switch (event.type) {
      case 'CohortUpdated': {
        const { at: _at, ...details } = event.data;
        return { ...state, ...details };
      }
      case 'AdvisorAssigned':
        return { ...state, advisorIds: [...state.advisorIds, event.data.advisorId] };
      case 'AdvisorUnassigned':
        return {
          ...state,
          advisorIds: state.advisorIds.filter((id) => id !== event.data.advisorId),
        };
      case 'StudentEnrolled':
        return {
          ...state,
          students: new Map(state.students).set(event.data.studentId, event.data.personal.email),
        };
      case 'StudentWithdrawn': {
        const students = new Map(state.students);
        students.delete(event.data.studentId);
        return { ...state, students };
      }
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  initialState: () => ({ status: 'none' }),
};

function create({ data }: CreateCohort, state: CohortState): Result {
  if (state.status === 'active') {
    return DomainError.alreadyExists(`Cohort ${data.cohortId} already exists`, 'cohortId');
  }
  const details: CohortDetails = {
    cohortId: data.cohortId,
    name: data.name.trim(),
    term: data.term.trim(),
    startDate: data.startDate,
    endDate: data.endDate,
    interviewTargetOverride: data.interviewTargetOverride ?? null,
    welcomeEmails: data.welcomeEmails ?? true,
  };
  const error = firstError(
    requireId(data.cohortId, 'cohortId', 'The cohort id'),
    checkDetails(details),
    requireInstant(data.at, 'at', 'The creation time'),
  );
  if (error) return error;
  return [{ type: 'CohortCreated', data: { ...details, at: normalizeInstant(data.at) } }];
}

function update({ data }: UpdateCohort, state: Active): Result {
  const details: CohortDetails = {
    cohortId: state.cohortId,
    name: data.name?.trim() ?? state.name,
    term: data.term?.trim() ?? state.term,
    startDate: data.startDate ?? state.startDate,
    endDate: data.endDate ?? state.endDate,
    interviewTargetOverride:
      data.interviewTargetOverride === undefined
        ? state.interviewTargetOverride
        : data.interviewTargetOverride,
    welcomeEmails: data.welcomeEmails ?? welcomesNewStudents(state),
  };
  const error = firstError(checkDetails(details), requireInstant(data.at, 'at', 'The update time'));
  if (error) return error;
  const current = { ...state, welcomeEmails: welcomesNewStudents(state) };
  const unchanged = (Object.keys(details) as (keyof CohortDetails)[]).every(
    (key) => details[key] === current[key],
  );
  if (unchanged) return [];
  return [{ type: 'CohortUpdated', data: { ...details, at: normalizeInstant(data.at) } }];
}

function assignAdvisor({ data }: AssignAdvisor, state: Active): Result {
  const error = firstError(
    requireId(data.advisorId, 'advisorId', 'The advisor id'),
    requireInstant(data.at, 'at', 'The assignment time'),
  );
  if (error) return error;
  if (state.advisorIds.includes(data.advisorId)) {
    return DomainError.alreadyExists('This advisor is already assigned to the cohort', 'advisorId');
  }
  return [
    {
      type: 'AdvisorAssigned',
      data: { cohortId: state.cohortId, advisorId: data.advisorId, at: normalizeInstant(data.at) },
    },
  ];
}

function unassignAdvisor({ data }: UnassignAdvisor, state: Active): Result {
  const error = requireInstant(data.at, 'at', 'The time of the change');
  if (error) return error;
  if (!state.advisorIds.includes(data.advisorId)) {
    return DomainError.notFound('This advisor is not assigned to the cohort', 'advisorId');
  }
  return [
    {
      type: 'AdvisorUnassigned',
      data: { cohortId: state.cohortId, advisorId: data.advisorId, at: normalizeInstant(data.at) },
    },
  ];
}

function enroll({ data }: EnrollStudents, state: Active): Result {
  const timeError = requireInstant(data.at, 'at', 'The enrolment time');
  if (timeError) return timeError;
  const plan = planEnrollment(data.rows, state.students);
  if (plan instanceof DomainError) return plan;
  if (data.rows.length === 0) {
    return DomainError.validation('The roster has no rows to enrol', 'rows');
  }
  // Student ids come from the caller (new, or a student of the institution returning).
  for (const { row, studentId } of plan.accepted) {
    const error = requireId(studentId, `rows.${row}.studentId`, 'The student id');
    if (error) return error;
  }
  const at = normalizeInstant(data.at);
  // Rejected rows record nothing: the caller reports them from the same plan.
  return plan.accepted.map(
    ({ studentId, name, email, externalId, program, graduationYear }): StudentEnrolled => ({
      type: 'StudentEnrolled',
      data: {
        cohortId: state.cohortId,
        studentId,
        at,
        ...(program === undefined ? {} : { program }),
        ...(graduationYear === undefined ? {} : { graduationYear }),
        personal: { name, email, ...(externalId === undefined ? {} : { externalId }) },
      },
    }),
  );
}

function withdraw({ data }: WithdrawStudent, state: Active): Result {
  const error = requireInstant(data.at, 'at', 'The withdrawal time');
  if (error) return error;
  if (!state.students.has(data.studentId)) {
    return DomainError.notFound('This student is not enrolled in the cohort', 'studentId');
  }
  return [
    {
      type: 'StudentWithdrawn',
      data: { cohortId: state.cohortId, studentId: data.studentId, at: normalizeInstant(data.at) },
    },
  ];
}

function checkDetails(details: CohortDetails): Check {
  return firstError(
    requireText(details.name, 'name', 'The cohort name'),
    requireText(details.term, 'term', 'The term'),
    requireDate(details.startDate, 'startDate', 'The start date'),
    requireDate(details.endDate, 'endDate', 'The end date'),
    details.endDate < details.startDate
      ? DomainError.validation('The cohort cannot end before it starts', 'endDate')
      : undefined,
    details.interviewTargetOverride === null
      ? undefined
      : requireIntegerInRange(
          details.interviewTargetOverride,
          'interviewTargetOverride',
          'The interview target',
          1,
          100,
        ),
    typeof details.welcomeEmails === 'boolean'
      ? undefined
      : DomainError.validation('Welcome emails must be turned on or off', 'welcomeEmails'),
  );
}
