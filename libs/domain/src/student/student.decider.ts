import { normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  firstError,
  normalizeEmail,
  requireEmail,
  requireId,
  requireInstant,
  requireOneOf,
  requireText,
  type Check,
} from '../shared/validation';
import {
  type ConfirmStudentEmailChange,
  type RegisterStudent,
  type SetDigestPreference,
  type StudentCommand,
  type UpdateStudentProfile,
} from './student.commands';
import {
  digestPreferences,
  type DigestPreference,
  type StudentEvent,
  type StudentPersonal,
} from './student.events';

export const MAX_CAREER_INTERESTS = 20;

export type StudentState =
  | { status: 'none' }
  | {
      status: 'registered';
      studentId: string;
      cohortId: string;
      careerInterests: readonly string[];
      digestPreference: DigestPreference;
      /** `email` is the confirmed address: the one mail goes to. */
      personal: StudentPersonal;
      /** A requested address awaiting confirmation (absent in states stored before requests existed). */
      pendingEmailChange?: PendingEmailChange | null;
      /** The last request confirmed, so following its link again is recognised. */
      confirmedEmailRequestId?: string | null;
    };

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
    switch (command.type) {
      case 'UpdateStudentProfile':
        return updateProfile(command, state);
      case 'ConfirmStudentEmailChange':
        return confirmEmailChange(command, state);
      case 'SetDigestPreference':
        return setDigestPreference(command, state);
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
          careerInterests,
          digestPreference,
          personal,
          pendingEmailChange: null,
          confirmedEmailRequestId: null,
        };
      }
      case 'StudentProfileUpdated':
        if (state.status !== 'registered') return state;
        return {
          ...state,
          careerInterests: event.data.careerInterests,
          personal: event.data.personal,
        };
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
      case 'DigestPreferenceSet':
        if (state.status !== 'registered') return state;
        return { ...state, digestPreference: event.data.preference };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  initialState: () => ({ status: 'none' }),
};

function register({ data }: RegisterStudent, state: StudentState): Result {
  if (state.status === 'registered') {
    return DomainError.alreadyExists(`Student ${data.studentId} is already registered`);
  }
  const error = firstError(
    requireId(data.studentId, 'studentId', 'The student id'),
    requireId(data.cohortId, 'cohortId', 'The cohort id'),
    checkPersonal(data.personal),
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
      },
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

function checkPersonal(personal: StudentPersonal): Check {
  return firstError(
    requireText(personal.name, 'personal.name', 'The student name'),
    requireEmail(personal.email, 'personal.email'),
  );
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
  return { name: personal.name.trim(), email: normalizeEmail(personal.email) };
}
