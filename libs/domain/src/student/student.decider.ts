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
      personal: StudentPersonal;
    };

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
        };
      }
      case 'StudentProfileUpdated':
        if (state.status !== 'registered') return state;
        return {
          ...state,
          careerInterests: event.data.careerInterests,
          personal: event.data.personal,
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
  const next = {
    careerInterests: cleanInterests(careerInterests),
    personal: cleanPersonal(personal),
  };
  const unchanged =
    next.personal.name === state.personal.name &&
    next.personal.email === state.personal.email &&
    next.careerInterests.join('\n') === state.careerInterests.join('\n');
  if (unchanged) return [];
  return [
    {
      type: 'StudentProfileUpdated',
      data: { studentId: state.studentId, ...next, at: normalizeInstant(data.at) },
    },
  ];
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
