import { type FollowUpStepKind, type OutreachChannel, type TouchpointKind } from '@rapport/domain';

// The words for each follow-up step, in one place for the digest, its action pages and the week
// page, so a step reads the same wherever the student meets it.

export interface FollowUpStepCopy {
  /** What is owed, naming whom: `Thank Dana Lee for the interview`. */
  title: string;
  /** The step in the student's words, for a button. */
  button: string;
  /** The same for a link in mail, naming whom where it reads better. */
  link: string;
  /** The heading of a page that asks for the step without naming anyone. */
  question: string;
  done: string;
  /** What the student says about how they did it; each has a default. */
  choice: { label: string; field: 'channel' | 'touchpoint' | 'question' };
}

/** `who` is the contact's display label, or a neutral phrase when there is none. */
export function followUpStepCopy(kind: FollowUpStepKind, who: string): FollowUpStepCopy {
  const how = { label: 'How did you send it?', field: 'channel' } as const;
  switch (kind) {
    case 'thank_you':
      return {
        title: `Thank ${who} for the interview`,
        button: 'I sent my thank-you',
        link: `I sent my thank-you to ${who}`,
        question: 'Did you send your thank-you?',
        done: 'Your thank-you is recorded.',
        choice: how,
      };
    case 'nudge':
      return {
        title: `Send ${who} a polite follow-up`,
        button: 'I sent a polite follow-up',
        link: 'I sent a polite follow-up',
        question: 'Did you send a polite follow-up?',
        done: 'Your follow-up is recorded.',
        choice: how,
      };
    case 'prepare':
      return {
        title: `Prepare for your interview with ${who}`,
        button: "I'm prepared",
        link: "I'm prepared",
        question: 'Are you prepared for your interview?',
        done: 'Recorded: you are prepared for your interview.',
        // Preparing means having something to ask: one question is enough to record it.
        choice: { label: 'One question you plan to ask', field: 'question' },
      };
    case 'reach_out_to_referral':
      return {
        title: `Reach out to ${who}, who was referred to you`,
        button: 'I asked them for an interview',
        link: 'I asked them for an interview',
        question: 'Did you ask them for an interview?',
        done: 'Your request is recorded.',
        choice: { label: 'How did you ask?', field: 'channel' },
      };
    case 'stay_in_touch':
      return {
        title: `Stay in touch with ${who}`,
        button: 'I stayed in touch',
        link: 'I stayed in touch',
        question: 'Did you stay in touch?',
        done: 'Your touchpoint is recorded.',
        choice: { label: 'How did you stay in touch?', field: 'touchpoint' },
      };
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

export const OUTREACH_CHANNEL_LABELS: Record<OutreachChannel, string> = {
  email: 'Email',
  linkedin: 'LinkedIn',
  phone: 'Phone',
  in_person: 'In person',
  text: 'Text message',
  other: 'Other',
};

export const TOUCHPOINT_LABELS: Record<TouchpointKind, string> = {
  shared_article: 'I shared an article',
  updated_on_next_steps: 'I told them about my next steps',
  met_at_event: 'We met at an event',
  offered_help: 'I offered help',
  follow_up_question: 'I asked a follow-up question',
  other: 'Something else',
};
