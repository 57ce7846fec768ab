import { ERASURE_REASONS } from '../privacy/erasure';
import { ERASED_STUDENT_NAME } from '../privacy/personal-data';
import { normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  firstError,
  normalizeEmail,
  requireEmail,
  requireId,
  requireInstant,
  requireIntegerInRange,
  requireOneOf,
  requireText,
  type Check,
} from '../shared/validation';
import {
  type ConfirmStudentEmailChange,
  type CorrectStudentRecord,
  type EraseStudent,
  type JoinCohort,
  type LeaveCohort,
  type RegisterStudent,
  type RenewCalendarFeed,
  type RevokeCalendarFeed,
  type SetDigestPreference,
  type StudentCommand,
  type UpdateStudentProfile,
} from './student.commands';
import {
  digestPreferences,
  type DigestPreference,
  type StudentEvent,
  type StudentPersonal,
  type StudentRecordFields,
} from './student.events';

export const MAX_CAREER_INTERESTS = 20;
/** Institutions' student numbers and SSO ids are short; this bounds what sign-in matches on. */
export const MAX_EXTERNAL_ID_LENGTH = 100;
export const GRADUATION_YEARS = { min: 1950, max: 2100 } as const;

export type StudentState =
  | { status: 'none' }
  | {
      status: 'registered';
      studentId: string;
      /** The current cohort: the one of the latest enrolment (digests, access, term dates). */
      cohortId: string;
      /** Every enrolment, oldest first; absent in states stored before students changed cohorts. */
      enrolments?: readonly Enrolment[];
      careerInterests: readonly string[];
      digestPreference: DigestPreference;
      /** `email` is the confirmed address: the one mail goes to. */
      personal: StudentPersonal;
      /** A requested address awaiting confirmation (absent in states stored before requests existed). */
      pendingEmailChange?: PendingEmailChange | null;
      /** The last request confirmed, so following its link again is recognised. */
      confirmedEmailRequestId?: string | null;
      /** From the roster; absent in states stored before rosters carried them. */
      program?: string | null;
      graduationYear?: number | null;
      /** The one calendar feed URL that works; null or absent (older states): none. */
      calendarFeed?: CalendarFeed | null;
      /**
       * Erased (docs/adr/0025): personal data reads as placeholders and every later command is
       * refused; enrolments stay so cohort statistics stay true. Absent: not erased.
       */
      erased?: boolean;
      erasedAt?: string | null;
    };

/** The student's current calendar feed: its id is in the URL's signed token. */
export interface CalendarFeed {
  feedId: string;
  renewedAt: string;
}

/** A stay on a cohort's roster; `to` is null while the student is on it. */
export interface Enrolment {
  cohortId: string;
  /** Null only for a state stored before enrolments were kept (its registration time is unknown). */
  from: string | null;
  to: string | null;
}

/** The student's enrolments, oldest first (a state stored before they were kept: its one cohort). */
export function enrolmentsOf(state: Registered): readonly Enrolment[] {
  return state.enrolments ?? [{ cohortId: state.cohortId, from: null, to: null }];
}

export interface PendingEmailChange {
  requestId: string;
  email: string;
}

type Registered = Extract<StudentState, { status: 'registered' }>;
type Result = StudentEvent[] | DomainError;

export const studentDecider: Decider<StudentCommand, StudentEvent, StudentState> = {
  decide(command, state) {
    if (command.type === 'RegisterStudent') return register(command, state);
    if (state.status !== 'registered') {
      return DomainError.notFound(`Student ${command.data.studentId} is not registered`);
    }
    if (command.type === 'EraseStudent') return erase(command, state);
    if (state.erased) return erasedError(state.studentId);
    switch (command.type) {
      case 'UpdateStudentProfile':
        return updateProfile(command, state);
      case 'ConfirmStudentEmailChange':
        return confirmEmailChange(command, state);
      case 'CorrectStudentRecord':
        return correctRecord(command, state);
      case 'JoinCohort':
        return joinCohort(command, state);
      case 'LeaveCohort':
        return leaveCohort(command, state);
      case 'SetDigestPreference':
        return setDigestPreference(command, state);
      case 'RenewCalendarFeed':
        return renewCalendarFeed(command, state);
      case 'RevokeCalendarFeed':
        return revokeCalendarFeed(command, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'StudentRegistered': {
        const { studentId, cohortId, careerInterests, digestPreference, personal } = event.data;
        return {
          status: 'registered',
          studentId,
          cohortId,
          enrolments: [{ cohortId, from: event.data.at, to: null }],
          careerInterests,
          digestPreference,
          personal,
          pendingEmailChange: null,
          confirmedEmailRequestId: null,
          program: event.data.program ?? null,
          graduationYear: event.data.graduationYear ?? null,
          calendarFeed: null,
        };
      }
      case 'StudentProfileUpdated':
        if (state.status !== 'registered') return state;
        return {
          ...state,
          careerInterests: event.data.careerInterests,
          // The student's own update never carries the external id: it stays.
          personal: {
            ...state.personal,
            name: event.data.personal.name,
            email: event.data.personal.email,
          },
        };
      case 'StudentRecordCorrected': {
        if (state.status !== 'registered') return state;
        const { name, externalId } = event.data.personal;
        const { externalId: _old, ...personal } = state.personal;
        return {
          ...state,
          personal: { ...personal, name, ...(externalId === null ? {} : { externalId }) },
          program: event.data.program,
          graduationYear: event.data.graduationYear,
        };
      }
      case 'StudentEmailChangeRequested':
        if (state.status !== 'registered') return state;
        return {
          ...state,
          pendingEmailChange: {
            requestId: event.data.requestId,
            email: event.data.personal.pendingEmail,
          },
        };
      case 'StudentEmailChanged':
        if (state.status !== 'registered') return state;
        return {
          ...state,
          personal: { ...state.personal, email: event.data.personal.email },
          pendingEmailChange: null,
          confirmedEmailRequestId: event.data.requestId,
        };
      case 'StudentJoinedCohort': {
        if (state.status !== 'registered') return state;
        const { cohortId, at } = event.data;
        return {
          ...state,
          cohortId,
          enrolments: [...enrolmentsOf(state), { cohortId, from: at, to: null }],
        };
      }
      case 'StudentLeftCohort': {
        if (state.status !== 'registered') return state;
        const { cohortId, at } = event.data;
        return {
          ...state,
          enrolments: enrolmentsOf(state).map((e) =>
            e.cohortId === cohortId && e.to === null ? { ...e, to: at } : e,
          ),
        };
      }
      case 'DigestPreferenceSet':
        if (state.status !== 'registered') return state;
        return { ...state, digestPreference: event.data.preference };
      case 'CalendarFeedRenewed':
        if (state.status !== 'registered') return state;
        return {
          ...state,
          calendarFeed: { feedId: event.data.feedId, renewedAt: event.data.at },
        };
      case 'CalendarFeedRevoked':
        if (state.status !== 'registered') return state;
        return { ...state, calendarFeed: null };
      // An export changes nothing about the student; it is recorded for the audit log.
      case 'StudentDataExported':
        return state;
      case 'StudentErased':
        if (state.status !== 'registered') return state;
        return {
          ...state,
          // What the student's own events read as once their key is destroyed.
          personal: { name: ERASED_STUDENT_NAME, email: '' },
          pendingEmailChange: null,
          calendarFeed: null,
          erased: true,
          erasedAt: event.data.at,
        };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  initialState: () => ({ status: 'none' }),
};

/** The refusal of any command about an erased student: ids only, never who they were. */
export function erasedError(studentId: string): DomainError {
  return DomainError.invalidTransition(
    `Student ${studentId} was erased; nothing more can be recorded about them`,
  );
}

/** Erasing an erased student records nothing: erasure happens exactly once. */
function erase({ data }: EraseStudent, state: Registered): Result {
  const error = firstError(
    requireOneOf(data.reason, ERASURE_REASONS, 'reason', 'The erasure reason'),
    requireInstant(data.at, 'at', 'The erasure time'),
  );
  if (error) return error;
  if (state.erased) return [];
  return [
    {
      type: 'StudentErased',
      data: { studentId: state.studentId, reason: data.reason, at: normalizeInstant(data.at) },
    },
  ];
}

function register({ data }: RegisterStudent, state: StudentState): Result {
  if (state.status === 'registered') {
    return DomainError.alreadyExists(`Student ${data.studentId} is already registered`);
  }
  const error = firstError(
    requireId(data.studentId, 'studentId', 'The student id'),
    requireId(data.cohortId, 'cohortId', 'The cohort id'),
    checkPersonal(data.personal),
    checkRecordFields(data.personal.externalId, data),
    checkInterests(data.careerInterests),
    requireInstant(data.at, 'at', 'The registration time'),
  );
  if (error) return error;
  return [
    {
      type: 'StudentRegistered',
      data: {
        studentId: data.studentId,
        cohortId: data.cohortId,
        careerInterests: cleanInterests(data.careerInterests),
        // New students get the digest; they can turn it off themselves.
        digestPreference: 'weekly',
        at: normalizeInstant(data.at),
        personal: cleanPersonal(data.personal),
        ...cleanRecordFields(data),
      },
    },
  ];
}

/**
 * The institution's record follows the roster: given fields replace the current ones, absent
 * ones stay. Records nothing when the result is what the student already has.
 */
function correctRecord({ data }: CorrectStudentRecord, state: Registered): Result {
  const name = data.personal?.name ?? state.personal.name;
  const externalId = data.personal?.externalId ?? state.personal.externalId;
  const program = data.program ?? state.program ?? undefined;
  const graduationYear = data.graduationYear ?? state.graduationYear ?? undefined;
  const error = firstError(
    requireText(name, 'personal.name', 'The student name'),
    checkRecordFields(externalId, { program, graduationYear }),
    requireInstant(data.at, 'at', 'The correction time'),
  );
  if (error) return error;
  const next = {
    name: name.trim(),
    externalId: externalId?.trim() ?? null,
    program: program?.trim() ?? null,
    graduationYear: graduationYear ?? null,
  };
  const unchanged =
    next.name === state.personal.name &&
    next.externalId === (state.personal.externalId ?? null) &&
    next.program === (state.program ?? null) &&
    next.graduationYear === (state.graduationYear ?? null);
  if (unchanged) return [];
  return [
    {
      type: 'StudentRecordCorrected',
      data: {
        studentId: state.studentId,
        program: next.program,
        graduationYear: next.graduationYear,
        at: normalizeInstant(data.at),
        personal: { name: next.name, externalId: next.externalId },
      },
    },
  ];
}

/**
 * A student of the institution enrolled in another cohort: the same person, one history. A
 * student is on one roster at a time, so any cohort they are still on is left at the same
 * instant (docs/adr/0019); the record follows the new roster as a correction would.
 */
function joinCohort({ data }: JoinCohort, state: Registered): Result {
  const error = firstError(
    requireId(data.cohortId, 'cohortId', 'The cohort id'),
    requireInstant(data.at, 'at', 'The enrolment time'),
  );
  if (error) return error;
  const open = enrolmentsOf(state).filter((e) => e.to === null);
  if (open.some((e) => e.cohortId === data.cohortId)) {
    return DomainError.alreadyExists("The student is already on this cohort's roster", 'cohortId');
  }
  const { cohortId: _, ...record } = data;
  const corrected = correctRecord({ type: 'CorrectStudentRecord', data: record }, state);
  if (corrected instanceof DomainError) return corrected;
  const at = normalizeInstant(data.at);
  const { studentId } = state;
  return [
    ...open.map((e): StudentEvent => ({
      type: 'StudentLeftCohort',
      data: { studentId, cohortId: e.cohortId, at },
    })),
    { type: 'StudentJoinedCohort', data: { studentId, cohortId: data.cohortId, at } },
    ...corrected,
  ];
}

function leaveCohort({ data }: LeaveCohort, state: Registered): Result {
  const error = requireInstant(data.at, 'at', 'The time of leaving');
  if (error) return error;
  const onRoster = enrolmentsOf(state).some((e) => e.cohortId === data.cohortId && e.to === null);
  if (!onRoster) return [];
  return [
    {
      type: 'StudentLeftCohort',
      data: { studentId: state.studentId, cohortId: data.cohortId, at: normalizeInstant(data.at) },
    },
  ];
}

/**
 * Name and interests change at once; a different email is only requested, so mail keeps going
 * to the confirmed address until the new one is confirmed. Asking again for the address already
 * pending records nothing (its link still works); any other address replaces the request.
 */
function updateProfile({ data }: UpdateStudentProfile, state: Registered): Result {
  const personal: StudentPersonal = {
    name: data.personal?.name ?? state.personal.name,
    email: data.personal?.email ?? state.personal.email,
  };
  const careerInterests = data.careerInterests ?? [...state.careerInterests];
  const error = firstError(
    checkPersonal(personal),
    checkInterests(careerInterests),
    requireInstant(data.at, 'at', 'The update time'),
  );
  if (error) return error;
  const next = cleanPersonal(personal);
  const interests = cleanInterests(careerInterests);
  const at = normalizeInstant(data.at);
  const events: StudentEvent[] = [];

  const profileChanged =
    next.name !== state.personal.name || interests.join('\n') !== state.careerInterests.join('\n');
  if (profileChanged) {
    events.push({
      type: 'StudentProfileUpdated',
      data: {
        studentId: state.studentId,
        careerInterests: interests,
        personal: { name: next.name, email: state.personal.email },
        at,
      },
    });
  }

  const emailRequested =
    next.email !== state.personal.email && next.email !== state.pendingEmailChange?.email;
  if (emailRequested) {
    const requestId = data.emailChangeRequestId;
    const idError = requireId(requestId, 'emailChangeRequestId', 'The email change request id');
    if (idError) return idError;
    events.push({
      type: 'StudentEmailChangeRequested',
      data: {
        studentId: state.studentId,
        requestId: requestId!,
        at,
        personal: { pendingEmail: next.email },
      },
    });
  }
  return events;
}

/**
 * Only the latest request can be confirmed. Confirming the one confirmed last again records
 * nothing (a second click on the link); any other request was replaced or never existed.
 */
function confirmEmailChange({ data }: ConfirmStudentEmailChange, state: Registered): Result {
  const error = firstError(
    requireId(data.requestId, 'requestId', 'The email change request id'),
    requireInstant(data.at, 'at', 'The confirmation time'),
  );
  if (error) return error;
  const pending = state.pendingEmailChange;
  if (pending && pending.requestId === data.requestId) {
    return [
      {
        type: 'StudentEmailChanged',
        data: {
          studentId: state.studentId,
          requestId: data.requestId,
          at: normalizeInstant(data.at),
          personal: { email: pending.email },
        },
      },
    ];
  }
  if (state.confirmedEmailRequestId === data.requestId) return [];
  return DomainError.invalidTransition(
    'Only the latest email change request can be confirmed, and this one is not pending',
  );
}

function setDigestPreference({ data }: SetDigestPreference, state: Registered): Result {
  const error = firstError(
    requireOneOf(data.preference, digestPreferences, 'preference', 'The digest preference'),
    requireInstant(data.at, 'at', 'The time of the change'),
  );
  if (error) return error;
  if (data.preference === state.digestPreference) return [];
  return [
    {
      type: 'DigestPreferenceSet',
      data: {
        studentId: state.studentId,
        preference: data.preference,
        at: normalizeInstant(data.at),
      },
    },
  ];
}

/**
 * A new feed id replaces the current one, so the old URL stops working. Asking again with the
 * current id records nothing: a retried request, not a second renewal.
 */
function renewCalendarFeed({ data }: RenewCalendarFeed, state: Registered): Result {
  const error = firstError(
    requireId(data.feedId, 'feedId', 'The calendar feed id'),
    requireInstant(data.at, 'at', 'The time of renewal'),
  );
  if (error) return error;
  if (state.calendarFeed?.feedId === data.feedId) return [];
  return [
    {
      type: 'CalendarFeedRenewed',
      data: { studentId: state.studentId, feedId: data.feedId, at: normalizeInstant(data.at) },
    },
  ];
}

/** Without a feed there is nothing to turn off: records nothing. */
function revokeCalendarFeed({ data }: RevokeCalendarFeed, state: Registered): Result {
  const error = requireInstant(data.at, 'at', 'The time of revocation');
  if (error) return error;
  if (!state.calendarFeed) return [];
  return [
    {
      type: 'CalendarFeedRevoked',
      data: { studentId: state.studentId, at: normalizeInstant(data.at) },
    },
  ];
}

function checkPersonal(personal: StudentPersonal): Check {
  return firstError(
    requireText(personal.name, 'personal.name', 'The student name'),
    requireEmail(personal.email, 'personal.email'),
  );
}

function checkRecordFields(externalId: string | undefined, fields: StudentRecordFields): Check {
  return firstError(
    externalId === undefined
      ? undefined
      : requireText(externalId, 'personal.externalId', 'The external id', MAX_EXTERNAL_ID_LENGTH),
    fields.program === undefined
      ? undefined
      : requireText(fields.program, 'program', 'The program'),
    fields.graduationYear === undefined
      ? undefined
      : requireIntegerInRange(
          fields.graduationYear,
          'graduationYear',
          'The graduation year',
          GRADUATION_YEARS.min,
          GRADUATION_YEARS.max,
        ),
  );
}

function cleanRecordFields(fields: StudentRecordFields): StudentRecordFields {
  return {
    ...(fields.program === undefined ? {} : { program: fields.program.trim() }),
    ...(fields.graduationYear === undefined ? {} : { graduationYear: fields.graduationYear }),
  };
}

function checkInterests(interests: readonly string[]): Check {
  if (interests.length > MAX_CAREER_INTERESTS) {
    return DomainError.limitExceeded(
      `At most ${MAX_CAREER_INTERESTS} career interests can be listed`,
      'careerInterests',
    );
  }
  for (const [index, interest] of interests.entries()) {
    const error = requireText(interest, `careerInterests.${index}`, 'A career interest', 100);
    if (error) return error;
  }
  return undefined;
}

/** Trimmed, and each interest once regardless of case (first spelling wins). */
function cleanInterests(interests: readonly string[]): string[] {
  const seen = new Set<string>();
  return interests
    .map((interest) => interest.trim())
    .filter((interest) => {
      const key = interest.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function cleanPersonal(personal: StudentPersonal): StudentPersonal {
  return {
    name: personal.name.trim(),
    email: normalizeEmail(personal.email),
    ...(personal.externalId === undefined ? {} : { externalId: personal.externalId.trim() }),
  };
}
