import { DomainError, type InterviewState } from '@rapport/domain';
import type { Interview } from './dto/interview.model';
import type { InterviewView } from './interview.view';

/** The interview as the student and those who may read their records see it. */
export function toInterview(
  interviewId: string,
  state: InterviewState,
  version: number,
  details: InterviewView,
): Interview {
  if (state.status === 'none')
    throw DomainError.notFound(`Interview ${interviewId} does not exist`, 'interviewId');
  return {
    id: interviewId,
    studentId: state.studentId,
    contactId: state.contactId,
    status: state.status,
    request:
      state.requestedAt !== null && state.requestChannel !== null && state.askMinutes !== null
        ? {
            requestedAt: instant(state.requestedAt),
            channel: state.requestChannel,
            askMinutes: state.askMinutes,
            proposedFormats: details.proposedFormats,
            message: details.requestMessage,
          }
        : null,
    nudges: details.nudges.map((nudge) => ({ ...nudge, at: instant(nudge.at) })),
    respondedAt: instantOrNull(state.respondedAt),
    declineReason: details.declineReason,
    schedule:
      state.scheduledFor !== null && state.format !== null && state.durationMinutes !== null
        ? {
            scheduledFor: instant(state.scheduledFor),
            format: state.format,
            durationMinutes: state.durationMinutes,
            location: state.place.location,
            meetingLink: state.place.meetingLink,
            rescheduleCount: state.rescheduleCount,
          }
        : null,
    cancellation: details.cancellation && {
      ...details.cancellation,
      at: instant(details.cancellation.at),
    },
    noShows: details.noShows.map((noShow) => ({
      ...noShow,
      scheduledFor: instant(noShow.scheduledFor),
      at: instant(noShow.at),
    })),
    preparation:
      state.preparedAt !== null
        ? {
            preparedAt: instant(state.preparedAt),
            questionIds: [...state.preparedQuestionIds],
            customQuestions: details.preparation?.customQuestions ?? [],
            researchNotes: details.preparation?.researchNotes ?? null,
          }
        : null,
    held:
      state.heldAt !== null && details.held !== null
        ? { heldAt: instant(state.heldAt), format: state.format, ...details.held }
        : null,
    thankYou:
      state.thankYouSentAt !== null && details.thankYouChannel !== null
        ? { sentAt: instant(state.thankYouSentAt), channel: details.thankYouChannel }
        : null,
    referrals: state.referrals.map(({ contactId, receivedAt }) => ({
      contactId,
      name: details.referralNames[contactId] ?? '',
      receivedAt: instant(receivedAt),
    })),
    shadowingRequests: details.shadowingRequests.map((request) => ({
      ...request,
      at: instant(request.at),
    })),
    touchpoints: details.touchpoints.map((touchpoint) => ({
      ...touchpoint,
      occurredAt: instant(touchpoint.occurredAt),
    })),
    closedAt: instantOrNull(state.closedAt),
    version,
  };
}

function instant(iso: string): Date {
  return new Date(iso);
}

function instantOrNull(iso: string | null): Date | null {
  return iso === null ? null : new Date(iso);
}
