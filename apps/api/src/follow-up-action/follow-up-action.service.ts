import { Injectable } from '@nestjs/common';
import {
  type FollowUpItem,
  type FollowUpStepKind,
  interviewFormats,
  type OutreachChannel,
  streamIds,
  type TouchpointKind,
} from '@rapport/domain';
import type { Actor } from '../auth/actor';
import { newId } from '../common/ids';
import { InterviewService } from '../interview/interview.service';
import { ProgressService } from '../progress/progress.service';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';

/** Names one outstanding item the way `followUpsOf` does: its kind and the records it is about. */
export interface FollowUpRef {
  kind: FollowUpStepKind;
  interviewId?: string;
  contactId?: string;
}

/** What the student may choose on the confirmation page; each has a sensible default. */
export interface ActionChoice {
  channel?: OutreachChannel;
  touchpoint?: TouchpointKind;
  /** For `prepare`: a question they will ask (the domain counts notes or questions as preparation). */
  question?: string;
}

export type ActionOutcome = 'recorded' | 'already-done';

/**
 * The student acting from a mail link or a week-page session. One subject for both, because
 * retry keys are per subject: the same step from both paths must be recognised as one.
 */
export function studentWebActor(tenantId: string, studentId: string): Actor {
  return { subject: `student-web-${studentId}`, tenantId, role: 'student', studentId };
}

/**
 * The next step of each follow-up, taken through the same services as the GraphQL mutations, so
 * access checks, validation and events are the GraphQL ones. The clientMutationId is
 * derived from the item unless they pass their own, so a repeated POST records nothing twice.
 */
@Injectable()
export class FollowUpActionService {
  constructor(
    private readonly interviews: InterviewService,
    private readonly progress: ProgressService,
    private readonly executor: CommandExecutor,
  ) {}

  /** The item if the student still owes it now; null once done (here, in GraphQL or elsewhere). */
  async outstanding(context: CommandContext, ref: FollowUpRef): Promise<FollowUpItem | null> {
    const studentId = context.actor.studentId;
    if (!studentId) return null;
    const view = (await this.progress.studentViews(context.actor, [studentId])).get(studentId);
    return view?.followUps.find((item) => sameItem(item, ref)) ?? null;
  }

  async perform(
    context: CommandContext,
    ref: FollowUpRef,
    choice: ActionChoice = {},
  ): Promise<ActionOutcome> {
    const item = await this.outstanding(context, ref);
    if (!item) return 'already-done';
    // One key per occurrence of the item (a stay-in-touch reopens with each touchpoint): two
    // POSTs racing past the check above, from a link or the week page, record one step.
    const base = { clientMutationId: context.clientMutationId ?? stepKey(item) };
    context = { ...context, clientMutationId: base.clientMutationId };
    const interviewId = ref.interviewId ?? '';
    // The progress projection may not show a step just taken yet: a repeated POST finds the
    // step's own events instead, and says so rather than "done" again.
    const stream = streamIds.interview(
      ref.kind === 'reach_out_to_referral' ? newId(context, 'interview') : interviewId,
    );
    if (await this.executor.recordedBefore(context, stream)) return 'already-done';
    switch (ref.kind) {
      case 'thank_you':
        await this.interviews.step('recordThankYou', context, {
          ...base,
          interviewId,
          channel: choice.channel ?? 'email',
        });
        break;
      case 'nudge':
        await this.interviews.step('nudgeInterviewRequest', context, {
          ...base,
          interviewId,
          ...(choice.channel ? { channel: choice.channel } : {}),
        });
        break;
      case 'prepare':
        await this.interviews.step('recordPreparation', context, {
          ...base,
          interviewId,
          ...(choice.question ? { customQuestions: [choice.question] } : {}),
        });
        break;
      case 'stay_in_touch':
        await this.interviews.step('recordTouchpoint', context, {
          ...base,
          interviewId,
          kind: choice.touchpoint ?? 'other',
        });
        break;
      case 'reach_out_to_referral':
        await this.interviews.sendRequest(context, {
          ...base,
          contactId: ref.contactId ?? '',
          channel: choice.channel ?? 'email',
          // The program's advice is to meet in whatever format suits the professional.
          proposedFormats: [...interviewFormats],
        });
        break;
      default: {
        const _exhaustive: never = ref.kind;
        return _exhaustive;
      }
    }
    return 'recorded';
  }
}

function stepKey(item: FollowUpItem): string {
  return [
    'follow-up',
    item.kind,
    item.interviewId ?? '-',
    item.contactId ?? '-',
    item.openedAt,
  ].join(':');
}

export function sameItem(item: FollowUpItem, ref: FollowUpRef): boolean {
  return (
    item.kind === ref.kind &&
    (item.interviewId ?? null) === (ref.interviewId ?? null) &&
    // A referral is about its contact; the other kinds are about their interview.
    (ref.kind !== 'reach_out_to_referral' || (item.contactId ?? null) === (ref.contactId ?? null))
  );
}
