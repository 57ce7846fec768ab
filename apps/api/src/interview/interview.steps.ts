import type { InterviewCommand } from '@rapport/domain';
import type { MutationStep } from '../common/step-mutations';
import {
  CancelInterviewInput,
  CloseUnansweredRequestInput,
  NudgeInterviewRequestInput,
  RecordInterviewAcceptanceInput,
  RecordInterviewDeclineInput,
  RecordNoShowInput,
  RecordPreparationInput,
  RecordThankYouInput,
  RecordTouchpointInput,
  RequestShadowingInput,
  RescheduleInterviewInput,
  ScheduleInterviewInput,
} from './dto/interview.inputs';

/** A step the student takes on an interview of theirs: its mutation, and the command it sends. */
export interface InterviewStep<I> extends MutationStep {
  command(input: I, now: Date): InterviewCommand;
  /** Question ids the step names, which must be active questions of the bank. */
  questions?(input: I): { ids: readonly string[]; field: string };
}

const step = <I>(
  input: new () => I,
  description: string,
  command: InterviewStep<I>['command'],
  questions?: InterviewStep<I>['questions'],
): InterviewStep<I> => ({ input, description, command, questions });

/**
 * Every step on an existing interview, by mutation name: input to command in one place. Shape
 * is checked by the input classes; the rules and their messages are the decider's. Steps that
 * start an interview or write other streams are the service's own (sendInterviewRequest,
 * recordInterviewHeld, recordReferrals).
 */
export const interviewSteps = {
  nudgeInterviewRequest: step(
    NudgeInterviewRequestInput,
    'A polite reminder while the request waits for a reply (at most twice)',
    (input, now) => ({
      type: 'NudgeRequest',
      data: {
        interviewId: input.interviewId,
        ...(input.channel ? { channel: input.channel } : {}),
        personal: { message: input.message },
        at: now.toISOString(),
      },
    }),
  ),
  recordInterviewAcceptance: step(
    RecordInterviewAcceptanceInput,
    'The contact agreed to meet',
    (input, now) => ({
      type: 'RecordAcceptance',
      data: { interviewId: input.interviewId, at: now.toISOString() },
    }),
  ),
  recordInterviewDecline: step(
    RecordInterviewDeclineInput,
    'The contact declined; the interview is closed',
    (input, now) => ({
      type: 'RecordDecline',
      data: {
        interviewId: input.interviewId,
        personal: { reason: input.reason },
        at: now.toISOString(),
      },
    }),
  ),
  closeUnansweredRequest: step(
    CloseUnansweredRequestInput,
    'Gives up on a request that got no reply',
    (input, now) => ({
      type: 'CloseUnanswered',
      data: { interviewId: input.interviewId, at: now.toISOString() },
    }),
  ),
  scheduleInterview: step(
    ScheduleInterviewInput,
    'Sets a future time; scheduling a pending request counts as its acceptance',
    (input, now) => ({
      type: 'ScheduleInterview',
      data: {
        interviewId: input.interviewId,
        scheduledFor: input.scheduledFor.toISOString(),
        format: input.format,
        durationMinutes: input.durationMinutes,
        personal: { location: input.location, meetingLink: input.meetingLink },
        at: now.toISOString(),
      },
    }),
  ),
  rescheduleInterview: step(
    RescheduleInterviewInput,
    'Moves a scheduled interview; absent fields keep their value',
    (input, now) => ({
      type: 'RescheduleInterview',
      data: {
        interviewId: input.interviewId,
        scheduledFor: input.scheduledFor.toISOString(),
        format: input.format ?? undefined,
        durationMinutes: input.durationMinutes ?? undefined,
        requestedBy: input.requestedBy ?? null,
        // Absent keeps the place, null clears it.
        personal: { location: input.location, meetingLink: input.meetingLink },
        at: now.toISOString(),
      },
    }),
  ),
  cancelInterview: step(
    CancelInterviewInput,
    'Cancels an interview that has not taken place',
    (input, now) => ({
      type: 'CancelInterview',
      data: {
        interviewId: input.interviewId,
        cancelledBy: input.cancelledBy,
        personal: { reason: input.reason },
        at: now.toISOString(),
      },
    }),
  ),
  recordNoShow: step(
    RecordNoShowInput,
    'Someone missed the interview (only once its time has passed)',
    (input, now) => ({
      type: 'RecordNoShow',
      data: { interviewId: input.interviewId, missedBy: input.missedBy, at: now.toISOString() },
    }),
  ),
  recordPreparation: step(
    RecordPreparationInput,
    'Research notes and questions to ask; replaces an earlier preparation',
    (input, now) => ({
      type: 'RecordPreparation',
      data: {
        interviewId: input.interviewId,
        questionIds: input.questionIds ?? [],
        personal: {
          researchNotes: input.researchNotes,
          customQuestions: input.customQuestions ?? [],
        },
        at: now.toISOString(),
      },
    }),
    (input) => ({ ids: input.questionIds ?? [], field: 'questionIds' }),
  ),
  recordThankYou: step(
    RecordThankYouInput,
    'The student thanked the contact (once)',
    (input, now) => ({
      type: 'RecordThankYou',
      data: {
        interviewId: input.interviewId,
        sentAt: (input.sentAt ?? now).toISOString(),
        channel: input.channel,
        at: now.toISOString(),
      },
    }),
  ),
  requestShadowing: step(
    RequestShadowingInput,
    'The student asked to shadow the contact or visit their work site',
    (input, now) => ({
      type: 'RequestShadowing',
      data: {
        interviewId: input.interviewId,
        kind: input.kind,
        personal: { note: input.note },
        at: now.toISOString(),
      },
    }),
  ),
  recordTouchpoint: step(
    RecordTouchpointInput,
    'The student stayed in touch after the interview',
    (input, now) => ({
      type: 'RecordTouchpoint',
      data: {
        interviewId: input.interviewId,
        kind: input.kind,
        occurredAt: input.occurredAt?.toISOString(),
        personal: { note: input.note },
        at: now.toISOString(),
      },
    }),
  ),
} satisfies Record<string, InterviewStep<never>>;

export type InterviewStepName = keyof typeof interviewSteps;
export type InterviewStepInput<K extends InterviewStepName> = Parameters<
  (typeof interviewSteps)[K]['command']
>[0];
