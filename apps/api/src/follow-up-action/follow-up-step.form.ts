import {
  type FollowUpStepKind,
  INTERVIEW_LIMITS,
  type OutreachChannel,
  outreachChannels,
  type TouchpointKind,
  touchpointKinds,
} from '@rapport/domain';
import {
  escapeHtml,
  followUpStepCopy,
  OUTREACH_CHANNEL_LABELS,
  TOUCHPOINT_LABELS,
} from '@rapport/notifications';
import type { ActionChoice } from './follow-up-action.service';

/**
 * The labelled control a step asks for (how it was sent, what kind of touch, or one question for
 * `prepare`, which the domain needs to count as preparation), with its default; for the action
 * page and the week page alike. `idPrefix` keeps ids unique when a page lists several steps.
 */
export function stepChoiceFields(kind: FollowUpStepKind, idPrefix = ''): string {
  const { choice } = followUpStepCopy(kind, '');
  const id = `${idPrefix}${choice.field}`;
  const label = `<label for="${id}">${escapeHtml(choice.label)}</label>`;
  switch (choice.field) {
    case 'channel':
      return `<p>${label}
${select(id, 'channel', outreachChannels, OUTREACH_CHANNEL_LABELS, 'email')}</p>\n`;
    case 'touchpoint':
      return `<p>${label}
${select(id, 'touchpoint', touchpointKinds, TOUCHPOINT_LABELS, 'other')}</p>\n`;
    case 'question':
      return `<p>${label}
<input id="${id}" name="question" type="text" required maxlength="${INTERVIEW_LIMITS.questionLength}" autocomplete="off"></p>\n`;
    default: {
      const _exhaustive: never = choice.field;
      return _exhaustive;
    }
  }
}

function select<K extends string>(
  id: string,
  name: string,
  values: readonly K[],
  labels: Record<K, string>,
  chosen: K,
): string {
  const options = values
    .map(
      (value) =>
        `<option value="${value}"${value === chosen ? ' selected' : ''}>${escapeHtml(labels[value])}</option>`,
    )
    .join('');
  return `<select id="${id}" name="${name}">${options}</select>`;
}

export interface StepForm {
  channel?: unknown;
  touchpoint?: unknown;
  question?: unknown;
}

/**
 * What a posted form chose, checked against the lists the fields offered: absent means the
 * default, anything else is refused; `prepare` needs its question.
 */
export function parseStepChoice(
  kind: FollowUpStepKind,
  form: StepForm,
): ActionChoice | 'bad-choice' | 'question-needed' {
  const channel = listed(form.channel, outreachChannels);
  const touchpoint = listed(form.touchpoint, touchpointKinds);
  if (channel === null || touchpoint === null) return 'bad-choice';
  const question = typeof form.question === 'string' ? form.question.trim() : '';
  if (kind === 'prepare' && !question) return 'question-needed';
  return {
    ...(channel ? { channel: channel as OutreachChannel } : {}),
    ...(touchpoint ? { touchpoint: touchpoint as TouchpointKind } : {}),
    ...(kind === 'prepare' ? { question } : {}),
  };
}

function listed(value: unknown, allowed: readonly string[]): string | undefined | null {
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' && allowed.includes(value) ? value : null;
}
