import { isAfter, isBefore, normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  firstError,
  normalizeEmail,
  optionalEmail,
  optionalText,
  optionalUrl,
  requireId,
  requireInstant,
  requireIntegerInRange,
  requireOneOf,
  requireText,
  TEXT_LIMITS,
  trimmedOrNull,
  type Check,
} from '../shared/validation';
import {
  type CancelInterview,
  type CloseUnanswered,
  type InterviewCommand,
  type NudgeRequest,
  type RecordAcceptance,
  type RecordDecline,
  type RecordInterviewHeld,
  type RecordNoShow,
  type RecordPreparation,
  type RecordReferrals,
  type RecordThankYou,
  type RecordTouchpoint,
  type RequestShadowing,
  type RescheduleInterview,
  type ScheduleInterview,
  type SendRequest,
} from './interview.commands';
import {
  interviewFormats,
  outreachChannels,
  parties,
  shadowingKinds,
  touchpointKinds,
  type InterviewEvent,
  type InterviewRef,
  type MeetingPlace,
} from './interview.events';
import {
  MAX_NUDGES,
  transitionError,
  type InterviewState,
  type OpenInterview,
} from './interview.state';

export const INTERVIEW_LIMITS = {
  askMinutes: { min: 5, max: 240 },
  durationMinutes: { min: 5, max: 480 },
  referralsPerCommand: 20,
  questions: 50,
  keyInsights: 30,
  questionLength: 500,
} as const;

type Result = InterviewEvent[] | DomainError;

export const interviewDecider: Decider<InterviewCommand, InterviewEvent, InterviewState> = {
  decide(command, state) {
    const rejected = transitionError(command.type, state.status, command.data.interviewId);
    if (rejected) return rejected;
    const timeError = requireInstant(command.data.at, 'at', 'The command time');
    if (timeError) return timeError;
    switch (command.type) {
      case 'SendRequest':
        return sendRequest(command);
      case 'RecordInterviewHeld':
        return recordHeld(command, state);
      case 'NudgeRequest':
        return nudge(command, opened(state));
      case 'RecordAcceptance':
        return accept(command, opened(state));
      case 'RecordDecline':
        return decline(command, opened(state));
      case 'CloseUnanswered':
        return closeUnanswered(command, opened(state));
      case 'ScheduleInterview':
        return schedule(command, opened(state));
      case 'RescheduleInterview':
        return reschedule(command, opened(state));
      case 'CancelInterview':
        return cancel(command, opened(state));
      case 'RecordNoShow':
        return recordNoShow(command, opened(state));
      case 'RecordPreparation':
        return prepare(command, opened(state));
      case 'RecordThankYou':
        return recordThankYou(command, opened(state));
      case 'RecordReferrals':
        return recordReferrals(command, opened(state));
      case 'RequestShadowing':
        return requestShadowing(command, opened(state));
      case 'RecordTouchpoint':
        return recordTouchpoint(command, opened(state));
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'InterviewRequested') {
      return {
        ...newInterview(event.data),
        status: 'requested',
        requestedAt: event.data.at,
        requestChannel: event.data.channel,
        askMinutes: event.data.askMinutes,
      };
    }
    if (event.type === 'InterviewHeld') {
      const base = state.status === 'none' ? newInterview(event.data) : state;
      return {
        ...base,
        status: 'held',
        heldAt: event.data.heldAt,
        format: event.data.format ?? base.format,
      };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'InterviewRequestNudged':
        return { ...state, nudgeCount: event.data.nudgeNumber, lastNudgedAt: event.data.at };
      case 'InterviewRequestAccepted':
        return { ...state, status: 'accepted', respondedAt: event.data.at };
      case 'InterviewRequestDeclined':
        return {
          ...state,
          status: 'declined',
          respondedAt: event.data.at,
          closedAt: event.data.at,
        };
      case 'InterviewRequestClosedUnanswered':
        return { ...state, status: 'unanswered', closedAt: event.data.at };
      case 'InterviewScheduled':
        return {
          ...state,
          status: 'scheduled',
          respondedAt: state.respondedAt ?? event.data.at,
          scheduledFor: event.data.scheduledFor,
          format: event.data.format,
          durationMinutes: event.data.durationMinutes,
          place: event.data.personal,
        };
      case 'InterviewRescheduled':
        return {
          ...state,
          scheduledFor: event.data.scheduledFor,
          format: event.data.format,
          durationMinutes: event.data.durationMinutes,
          place: event.data.personal,
          rescheduleCount: state.rescheduleCount + 1,
        };
      case 'InterviewCancelled':
        return { ...state, status: 'cancelled', closedAt: event.data.at };
      case 'InterviewNoShowRecorded':
        return { ...state, status: 'no_show' };
      case 'InterviewPrepared':
        return { ...state, preparedAt: event.data.at, preparedQuestionIds: event.data.questionIds };
      case 'ThankYouSent':
        return { ...state, thankYouSentAt: event.data.sentAt };
      case 'ReferralsReceived':
        return {
          ...state,
          referrals: [
            ...state.referrals,
            ...event.data.referrals.map(({ contactId }) => ({
              contactId,
              receivedAt: event.data.at,
            })),
          ],
        };
      case 'ShadowingRequested':
        return {
          ...state,
          shadowingRequests: [
            ...state.shadowingRequests,
            { kind: event.data.kind, at: event.data.at },
          ],
        };
      case 'TouchpointRecorded':
        return {
          ...state,
          touchpoints: [
            ...state.touchpoints,
            { kind: event.data.kind, occurredAt: event.data.occurredAt },
          ],
        };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  initialState: () => ({ status: 'none' }),
};

// ---- Request phase -------------------------------------------------------------------------

function sendRequest({ data }: SendRequest): Result {
  const proposedFormats = [...new Set(data.proposedFormats)];
  const error = firstError(
    requireId(data.interviewId, 'interviewId', 'The interview id'),
    requireId(data.studentId, 'studentId', 'The student id'),
    requireId(data.contactId, 'contactId', 'The contact id'),
    requireOneOf(data.channel, outreachChannels, 'channel', 'The channel'),
    requireIntegerInRange(
      data.askMinutes,
      'askMinutes',
      'The requested meeting length (minutes)',
      INTERVIEW_LIMITS.askMinutes.min,
      INTERVIEW_LIMITS.askMinutes.max,
    ),
    proposedFormats.length === 0
      ? DomainError.validation(
          'Propose at least one format (coffee, in person, phone or video)',
          'proposedFormats',
        )
      : firstError(
          ...proposedFormats.map((format, index) =>
            requireOneOf(format, interviewFormats, `proposedFormats.${index}`, 'A proposed format'),
          ),
        ),
    optionalText(data.personal?.message, 'personal.message', 'The message', TEXT_LIMITS.long),
  );
  if (error) return error;
  const ref = {
    interviewId: data.interviewId,
    studentId: data.studentId,
    contactId: data.contactId,
  };
  return [
    {
      type: 'InterviewRequested',
      data: {
        ...ref,
        channel: data.channel,
        askMinutes: data.askMinutes,
        proposedFormats,
        at: normalizeInstant(data.at),
        personal: { message: trimmedOrNull(data.personal?.message) },
      },
    },
  ];
}

function nudge({ data }: NudgeRequest, state: OpenInterview): Result {
  if (state.nudgeCount >= MAX_NUDGES) {
    return DomainError.limitExceeded(
      `This request was already nudged ${MAX_NUDGES} times; close it as unanswered rather than nudging again`,
    );
  }
  const error = firstError(
    data.channel === undefined
      ? undefined
      : requireOneOf(data.channel, outreachChannels, 'channel', 'The channel'),
    optionalText(data.personal?.message, 'personal.message', 'The message', TEXT_LIMITS.long),
  );
  if (error) return error;
  return [
    {
      type: 'InterviewRequestNudged',
      data: {
        ...ref(state),
        channel: data.channel ?? state.requestChannel ?? 'email',
        nudgeNumber: state.nudgeCount + 1,
        at: normalizeInstant(data.at),
        personal: { message: trimmedOrNull(data.personal?.message) },
      },
    },
  ];
}

function accept({ data }: RecordAcceptance, state: OpenInterview): Result {
  return [
    { type: 'InterviewRequestAccepted', data: { ...ref(state), at: normalizeInstant(data.at) } },
  ];
}

function decline({ data }: RecordDecline, state: OpenInterview): Result {
  const error = optionalText(
    data.personal?.reason,
    'personal.reason',
    'The reason',
    TEXT_LIMITS.long,
  );
  if (error) return error;
  return [
    {
      type: 'InterviewRequestDeclined',
      data: {
        ...ref(state),
        at: normalizeInstant(data.at),
        personal: { reason: trimmedOrNull(data.personal?.reason) },
      },
    },
  ];
}

function closeUnanswered({ data }: CloseUnanswered, state: OpenInterview): Result {
  return [
    {
      type: 'InterviewRequestClosedUnanswered',
      data: { ...ref(state), at: normalizeInstant(data.at) },
    },
  ];
}

// ---- Meeting phase -------------------------------------------------------------------------

function schedule({ data }: ScheduleInterview, state: OpenInterview): Result {
  const place = mergePlace(state.place, data.personal);
  const error = firstError(
    checkSlot(data.scheduledFor, data.at),
    requireOneOf(data.format, interviewFormats, 'format', 'The format'),
    checkDuration(data.durationMinutes),
    checkPlace(place),
  );
  if (error) return error;
  return [
    {
      type: 'InterviewScheduled',
      data: {
        ...ref(state),
        scheduledFor: normalizeInstant(data.scheduledFor),
        format: data.format,
        durationMinutes: data.durationMinutes,
        impliesAcceptance: state.status === 'requested',
        at: normalizeInstant(data.at),
        personal: place,
      },
    },
  ];
}

function reschedule({ data }: RescheduleInterview, state: OpenInterview): Result {
  // A scheduled interview always has these; the fallbacks only satisfy the types.
  const previous = state.scheduledFor ?? data.scheduledFor;
  const format = data.format ?? state.format ?? 'video';
  const durationMinutes = data.durationMinutes ?? state.durationMinutes ?? 30;
  const place = mergePlace(state.place, data.personal);
  const error = firstError(
    checkSlot(data.scheduledFor, data.at),
    requireOneOf(format, interviewFormats, 'format', 'The format'),
    checkDuration(durationMinutes),
    checkPlace(place),
    data.requestedBy == null
      ? undefined
      : requireOneOf(data.requestedBy, parties, 'requestedBy', 'Who asked to reschedule'),
  );
  if (error) return error;
  return [
    {
      type: 'InterviewRescheduled',
      data: {
        ...ref(state),
        scheduledFor: normalizeInstant(data.scheduledFor),
        previousScheduledFor: previous,
        format,
        durationMinutes,
        requestedBy: data.requestedBy ?? null,
        at: normalizeInstant(data.at),
        personal: place,
      },
    },
  ];
}

function cancel({ data }: CancelInterview, state: OpenInterview): Result {
  const error = firstError(
    requireOneOf(data.cancelledBy, parties, 'cancelledBy', 'Who cancelled'),
    optionalText(data.personal?.reason, 'personal.reason', 'The reason', TEXT_LIMITS.long),
  );
  if (error) return error;
  return [
    {
      type: 'InterviewCancelled',
      data: {
        ...ref(state),
        cancelledBy: data.cancelledBy,
        at: normalizeInstant(data.at),
        personal: { reason: trimmedOrNull(data.personal?.reason) },
      },
    },
  ];
}

function recordNoShow({ data }: RecordNoShow, state: OpenInterview): Result {
  const scheduledFor = state.scheduledFor ?? data.at;
  const error = firstError(
    requireOneOf(data.missedBy, parties, 'missedBy', 'Who missed the interview'),
    isBefore(data.at, scheduledFor)
      ? DomainError.invalidTransition(
          'A no-show can only be recorded once the scheduled time has passed',
        )
      : undefined,
  );
  if (error) return error;
  return [
    {
      type: 'InterviewNoShowRecorded',
      data: { ...ref(state), missedBy: data.missedBy, scheduledFor, at: normalizeInstant(data.at) },
    },
  ];
}

function prepare({ data }: RecordPreparation, state: OpenInterview): Result {
  const questionIds = [...new Set(data.questionIds)];
  const customQuestions = (data.personal.customQuestions ?? [])
    .map((question) => question.trim())
    .filter((question) => question !== '');
  const researchNotes = trimmedOrNull(data.personal.researchNotes);
  const error = firstError(
    questionIds.length + customQuestions.length > INTERVIEW_LIMITS.questions
      ? DomainError.limitExceeded(
          `At most ${INTERVIEW_LIMITS.questions} questions can be prepared`,
          'questionIds',
        )
      : undefined,
    firstError(
      ...questionIds.map((id, index) => requireId(id, `questionIds.${index}`, 'A question id')),
    ),
    firstError(
      ...customQuestions.map((question, index) =>
        optionalText(
          question,
          `personal.customQuestions.${index}`,
          'A custom question',
          INTERVIEW_LIMITS.questionLength,
        ),
      ),
    ),
    optionalText(researchNotes, 'personal.researchNotes', 'Research notes', TEXT_LIMITS.long),
    questionIds.length === 0 && customQuestions.length === 0 && researchNotes === null
      ? DomainError.validation(
          'Preparation needs research notes or at least one question to ask',
          'questionIds',
        )
      : undefined,
  );
  if (error) return error;
  return [
    {
      type: 'InterviewPrepared',
      data: {
        ...ref(state),
        questionIds,
        at: normalizeInstant(data.at),
        personal: { researchNotes, customQuestions },
      },
    },
  ];
}

function recordHeld({ data }: RecordInterviewHeld, state: InterviewState): Result {
  const questionIdsAsked = [...new Set(data.questionIdsAsked ?? [])];
  const keyInsights = (data.personal.keyInsights ?? [])
    .map((insight) => insight.trim())
    .filter((insight) => insight !== '');
  const open = state.status === 'none' ? null : state;
  const error = firstError(
    requireId(data.interviewId, 'interviewId', 'The interview id'),
    requireId(data.studentId, 'studentId', 'The student id'),
    requireId(data.contactId, 'contactId', 'The contact id'),
    open && (open.studentId !== data.studentId || open.contactId !== data.contactId)
      ? DomainError.validation(
          'This interview belongs to a different student or contact',
          open.studentId !== data.studentId ? 'studentId' : 'contactId',
        )
      : undefined,
    requireInstant(data.heldAt, 'heldAt', 'The time the interview was held'),
    data.format == null
      ? undefined
      : requireOneOf(data.format, interviewFormats, 'format', 'The format'),
    firstError(
      ...questionIdsAsked.map((id, index) =>
        requireId(id, `questionIdsAsked.${index}`, 'A question id'),
      ),
    ),
    keyInsights.length > INTERVIEW_LIMITS.keyInsights
      ? DomainError.limitExceeded(
          `At most ${INTERVIEW_LIMITS.keyInsights} key insights can be recorded`,
          'personal.keyInsights',
        )
      : firstError(
          ...keyInsights.map((insight, index) =>
            optionalText(insight, `personal.keyInsights.${index}`, 'A key insight', 2_000),
          ),
        ),
    optionalText(data.personal.notes, 'personal.notes', 'Notes', TEXT_LIMITS.long),
    optionalText(data.personal.advice, 'personal.advice', 'Advice', TEXT_LIMITS.long),
  );
  if (error) return error;
  const heldError = firstError(
    isAfter(data.heldAt, data.at)
      ? DomainError.validation('An interview cannot be recorded as held in the future', 'heldAt')
      : undefined,
    open?.requestedAt && isBefore(data.heldAt, open.requestedAt)
      ? DomainError.validation(
          'The interview cannot have been held before the request was sent',
          'heldAt',
        )
      : undefined,
  );
  if (heldError) return heldError;
  return [
    {
      type: 'InterviewHeld',
      data: {
        interviewId: data.interviewId,
        studentId: data.studentId,
        contactId: data.contactId,
        heldAt: normalizeInstant(data.heldAt),
        format: data.format ?? open?.format ?? null,
        questionIdsAsked,
        withoutRequest: open === null || open.requestedAt === null,
        at: normalizeInstant(data.at),
        personal: {
          notes: trimmedOrNull(data.personal.notes),
          keyInsights,
          advice: trimmedOrNull(data.personal.advice),
        },
      },
    },
  ];
}

// ---- Relationship phase --------------------------------------------------------------------

function recordThankYou({ data }: RecordThankYou, state: OpenInterview): Result {
  if (state.thankYouSentAt !== null) {
    return DomainError.alreadyExists('A thank-you has already been recorded for this interview');
  }
  const error = firstError(
    requireInstant(data.sentAt, 'sentAt', 'The time the thank-you was sent'),
    requireOneOf(data.channel, outreachChannels, 'channel', 'The channel'),
  );
  if (error) return error;
  const orderError = checkAfterMeeting(data.sentAt, data.at, state, 'sentAt', 'The thank-you');
  if (orderError) return orderError;
  return [
    {
      type: 'ThankYouSent',
      data: {
        ...ref(state),
        sentAt: normalizeInstant(data.sentAt),
        channel: data.channel,
        at: normalizeInstant(data.at),
      },
    },
  ];
}

function recordReferrals({ data }: RecordReferrals, state: OpenInterview): Result {
  if (data.referrals.length === 0) {
    return DomainError.validation('Record at least one referral', 'referrals');
  }
  if (data.referrals.length > INTERVIEW_LIMITS.referralsPerCommand) {
    return DomainError.limitExceeded(
      `At most ${INTERVIEW_LIMITS.referralsPerCommand} referrals can be recorded at once`,
      'referrals',
    );
  }
  const known = new Set([state.contactId, ...state.referrals.map(({ contactId }) => contactId)]);
  for (const [index, referral] of data.referrals.entries()) {
    const field = `referrals.${index}`;
    const error = firstError(
      requireId(referral.contactId, `${field}.contactId`, 'The new contact id'),
      known.has(referral.contactId)
        ? DomainError.alreadyExists(
            `Contact id ${referral.contactId} is already used by this interview`,
            `${field}.contactId`,
          )
        : undefined,
      requireText(referral.name, `${field}.name`, "The referred person's name"),
      optionalEmail(referral.email, `${field}.email`),
      optionalText(referral.organization, `${field}.organization`, 'The organization'),
      optionalText(referral.role, `${field}.role`, 'The role'),
      optionalText(referral.industry, `${field}.industry`, 'The industry'),
    );
    if (error) return error;
    known.add(referral.contactId);
  }
  return [
    {
      type: 'ReferralsReceived',
      data: {
        ...ref(state),
        referrals: data.referrals.map((referral) => ({
          contactId: referral.contactId,
          organization: trimmedOrNull(referral.organization),
          role: trimmedOrNull(referral.role),
          industry: trimmedOrNull(referral.industry),
        })),
        at: normalizeInstant(data.at),
        personal: {
          referrals: data.referrals.map((referral) => {
            const email = trimmedOrNull(referral.email);
            return {
              contactId: referral.contactId,
              name: referral.name.trim(),
              email: email === null ? null : normalizeEmail(email),
            };
          }),
        },
      },
    },
  ];
}

function requestShadowing({ data }: RequestShadowing, state: OpenInterview): Result {
  const error = firstError(
    requireOneOf(data.kind, shadowingKinds, 'kind', 'The kind of visit'),
    optionalText(data.personal?.note, 'personal.note', 'The note', TEXT_LIMITS.long),
  );
  if (error) return error;
  return [
    {
      type: 'ShadowingRequested',
      data: {
        ...ref(state),
        kind: data.kind,
        at: normalizeInstant(data.at),
        personal: { note: trimmedOrNull(data.personal?.note) },
      },
    },
  ];
}

function recordTouchpoint({ data }: RecordTouchpoint, state: OpenInterview): Result {
  const occurredAt = data.occurredAt ?? data.at;
  const error = firstError(
    requireOneOf(data.kind, touchpointKinds, 'kind', 'The kind of touchpoint'),
    requireInstant(occurredAt, 'occurredAt', 'The time of the touchpoint'),
    optionalText(data.personal?.note, 'personal.note', 'The note', TEXT_LIMITS.long),
  );
  if (error) return error;
  const orderError = checkAfterMeeting(occurredAt, data.at, state, 'occurredAt', 'The touchpoint');
  if (orderError) return orderError;
  return [
    {
      type: 'TouchpointRecorded',
      data: {
        ...ref(state),
        kind: data.kind,
        occurredAt: normalizeInstant(occurredAt),
        at: normalizeInstant(data.at),
        personal: { note: trimmedOrNull(data.personal?.note) },
      },
    },
  ];
}

// ---- Helpers -------------------------------------------------------------------------------

/** The transition table admits no command but SendRequest/RecordInterviewHeld on `none`. */
function opened(state: InterviewState): OpenInterview {
  if (state.status === 'none')
    throw new Error('unreachable: transition table allowed a missing interview');
  return state;
}

function ref({ interviewId, studentId, contactId }: OpenInterview): InterviewRef {
  return { interviewId, studentId, contactId };
}

function newInterview({ interviewId, studentId, contactId }: InterviewRef): OpenInterview {
  return {
    status: 'requested',
    interviewId,
    studentId,
    contactId,
    requestedAt: null,
    requestChannel: null,
    askMinutes: null,
    nudgeCount: 0,
    lastNudgedAt: null,
    respondedAt: null,
    scheduledFor: null,
    format: null,
    durationMinutes: null,
    place: { location: null, meetingLink: null },
    rescheduleCount: 0,
    preparedAt: null,
    preparedQuestionIds: [],
    heldAt: null,
    thankYouSentAt: null,
    referrals: [],
    shadowingRequests: [],
    touchpoints: [],
    closedAt: null,
  };
}

function checkSlot(scheduledFor: string, at: string): Check {
  return (
    requireInstant(scheduledFor, 'scheduledFor', 'The interview time') ??
    (isAfter(scheduledFor, at)
      ? undefined
      : DomainError.validation('The interview must be scheduled in the future', 'scheduledFor'))
  );
}

function checkDuration(durationMinutes: number): Check {
  const { min, max } = INTERVIEW_LIMITS.durationMinutes;
  return requireIntegerInRange(
    durationMinutes,
    'durationMinutes',
    'The duration (minutes)',
    min,
    max,
  );
}

/** Absent fields keep the current value, null or blank clears it. */
function mergePlace(
  current: MeetingPlace,
  patch: { location?: string | null; meetingLink?: string | null } | undefined,
): MeetingPlace {
  return {
    location: patch?.location === undefined ? current.location : trimmedOrNull(patch.location),
    meetingLink:
      patch?.meetingLink === undefined ? current.meetingLink : trimmedOrNull(patch.meetingLink),
  };
}

function checkPlace(place: MeetingPlace): Check {
  return firstError(
    optionalText(place.location, 'personal.location', 'The location', 500),
    optionalUrl(place.meetingLink, 'personal.meetingLink', 'The meeting link'),
  );
}

/** Follow-ups happen after the meeting and not in the future. */
function checkAfterMeeting(
  when: string,
  at: string,
  state: OpenInterview,
  field: string,
  label: string,
): Check {
  if (isAfter(when, at)) return DomainError.validation(`${label} cannot be in the future`, field);
  if (state.heldAt && isBefore(when, state.heldAt)) {
    return DomainError.validation(`${label} cannot come before the interview was held`, field);
  }
  return undefined;
}
