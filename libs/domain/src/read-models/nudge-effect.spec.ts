import { type DomainEvent } from '../domain';
import { defaultInstitutionSettings } from '../institution/institution.settings';
import { closesFollowUp, type FollowUpItem, followUpsOf } from './follow-ups';
import {
  closingStepOf,
  digestItemsOf,
  foldNudgeHistory,
  type NudgeHistoryEvent,
  nudgeEffectOf,
  outcomeOf,
} from './nudge-effect';
import { COHORT, day, events, progressOf, STUDENT } from './read-models.fixtures';
import { constantSettings } from './settings-timeline';

const settingsAt = constantSettings(defaultInstitutionSettings);
const e = events();

/** A student digest as the scheduler records it: the items `followUpsOf` gives at that instant. */
function digest(
  digestId: string,
  at: string,
  history: DomainEvent[],
  options: { studentId?: string; cohortId?: string | null } = {},
): NudgeHistoryEvent {
  const items = followUpsOf(progressOf(history, options.studentId ?? STUDENT), settingsAt, at, 0);
  return {
    type: 'DigestScheduled',
    data: {
      week: '2025-W37',
      messageId: digestId,
      items: items.length,
      at,
      studentId: options.studentId ?? STUDENT,
      cohortId: options.cohortId === undefined ? COHORT : options.cohortId,
      followUps: digestItemsOf(items),
    },
  };
}

const opened = (digestId: string, at: string): NudgeHistoryEvent => ({
  type: 'DigestOpened',
  data: { messageId: digestId, via: 'action-link', at },
});
const fromMail = (event: DomainEvent, digestId: string): NudgeHistoryEvent => ({
  ...event,
  metadata: { digestId },
});

describe('nudgeEffectOf', () => {
  // A held interview owes a thank-you; an unanswered request owes a nudge.
  const before = [
    e.enrolled(day(1)),
    e.requested('i-1', 'k-1', day(1)),
    e.held('i-1', 'k-1', day(2)),
    e.requested('i-2', 'k-2', day(2)),
  ];
  const sent = day(10);
  const history: NudgeHistoryEvent[] = [
    ...before,
    digest('d-1', sent, before),
    opened('d-1', day(11)),
    fromMail(e.thanked('i-1', 'k-1', day(12)), 'd-1'),
    e.nudged('i-2', 'k-2', day(20)),
  ];
  const digests = foldNudgeHistory(history);

  it('given a digest of a thank-you and a nudge, then both are recorded by ids', () => {
    expect(digests).toEqual([
      {
        digestId: 'd-1',
        studentId: STUDENT,
        cohortId: COHORT,
        sentAt: sent,
        openedAt: day(11),
        items: [
          {
            kind: 'thank_you',
            interviewId: 'i-1',
            contactId: 'k-1',
            openedAt: day(2),
            dueAt: day(5),
            doneAt: day(12),
            doneViaDigestId: 'd-1',
          },
          {
            kind: 'nudge',
            interviewId: 'i-2',
            contactId: 'k-2',
            openedAt: day(2),
            dueAt: day(9),
            doneAt: day(20),
            doneViaDigestId: null,
          },
        ],
      },
    ]);
  });

  it('when asked before the digest went, then nothing was sent', () => {
    const effect = nudgeEffectOf(digests, day(9));
    expect(effect).toMatchObject({
      digestsSent: 0,
      digestsOpened: 0,
      items: 0,
      shares: null,
      medianDaysToAct: null,
    });
  });

  it('when asked the day after, then both items are pending and the digest unopened', () => {
    const effect = nudgeEffectOf(digests, day(10, 18));
    expect(effect).toMatchObject({
      windowDays: 7,
      digestsSent: 1,
      digestsOpened: 0,
      items: 2,
      pending: 2,
      doneFromMail: 0,
      doneElsewhere: 0,
      notDone: 0,
      shares: null,
      medianDaysToAct: null,
    });
  });

  it('when the thank-you came from the mail, then it is done from the mail in 2 days', () => {
    const effect = nudgeEffectOf(digests, day(12));
    expect(effect).toMatchObject({
      digestsOpened: 1,
      items: 2,
      pending: 1,
      doneFromMail: 1,
      shares: { doneFromMail: 1, doneElsewhere: 0, notDone: 0 },
      medianDaysToAct: 2,
    });
    expect(effect.byKind.map((k) => [k.kind, k.items, k.pending, k.doneFromMail])).toEqual([
      ['thank_you', 1, 0, 1],
      ['nudge', 1, 1, 0],
      ['prepare', 0, 0, 0],
      ['reach_out_to_referral', 0, 0, 0],
      ['stay_in_touch', 0, 0, 0],
    ]);
  });

  it('when the window closes at exactly 7 days, then the untouched nudge is not done', () => {
    expect(nudgeEffectOf(digests, day(17, 8, 59))).toMatchObject({ pending: 1, notDone: 0 });
    const effect = nudgeEffectOf(digests, day(17));
    expect(effect).toMatchObject({
      pending: 0,
      doneFromMail: 1,
      notDone: 1,
      shares: { doneFromMail: 0.5, doneElsewhere: 0, notDone: 0.5 },
    });
    expect(effect.byKind[1]).toMatchObject({
      kind: 'nudge',
      notDone: 1,
      shares: { doneFromMail: 0, doneElsewhere: 0, notDone: 1 },
      medianDaysToAct: null,
    });
  });

  it('when the nudge is sent after the window, then it stays not done, later too', () => {
    expect(nudgeEffectOf(digests, day(30))).toEqual({
      ...nudgeEffectOf(digests, day(17)),
      asOf: day(30),
    });
  });

  it('given a later history, then an earlier answer does not change', () => {
    const longer = foldNudgeHistory([
      ...history,
      fromMail(e.nudged('i-2', 'k-2', day(21), 2), 'd-1'),
    ]);
    expect(nudgeEffectOf(longer, day(12))).toEqual(nudgeEffectOf(digests, day(12)));
    expect(nudgeEffectOf(longer, day(40))).toEqual(nudgeEffectOf(digests, day(40)));
  });

  it('given a step exactly at the window end, then it counts as done within the window', () => {
    const done = foldNudgeHistory([
      ...before,
      digest('d-1', sent, before),
      e.nudged('i-2', 'k-2', day(17)),
    ]);
    expect(nudgeEffectOf(done, day(30))).toMatchObject({
      doneElsewhere: 1,
      notDone: 1,
      medianDaysToAct: 7,
    });
    const late = foldNudgeHistory([
      ...before,
      digest('d-1', sent, before),
      e.nudged('i-2', 'k-2', day(17, 9, 1)),
    ]);
    expect(nudgeEffectOf(late, day(30))).toMatchObject({ doneElsewhere: 0, notDone: 2 });
  });

  it('given several students, then shares and the median are over their items', () => {
    const a = events('s-a');
    const b = events('s-b');
    const c = events('s-c');
    const hA = [
      a.enrolled(day(1)),
      a.requested('i-a', 'k-a', day(1)),
      a.held('i-a', 'k-a', day(2)),
    ];
    const hB = [
      b.enrolled(day(1)),
      b.requested('i-b', 'k-b', day(1)),
      b.held('i-b', 'k-b', day(2)),
    ];
    const hC = [
      c.enrolled(day(1)),
      c.requested('i-c', 'k-c', day(1)),
      c.held('i-c', 'k-c', day(2)),
    ];
    const all = foldNudgeHistory([
      ...hA,
      ...hB,
      ...hC,
      digest('d-a', day(10), hA, { studentId: 's-a' }),
      digest('d-b', day(10), hB, { studentId: 's-b' }),
      digest('d-c', day(10), hC, { studentId: 's-c' }),
      opened('d-a', day(10, 12)),
      opened('d-a', day(11)),
      opened('d-b', day(13)),
      fromMail(a.thanked('i-a', 'k-a', day(10, 21)), 'd-a'),
      b.thanked('i-b', 'k-b', day(14)),
    ]);
    const effect = nudgeEffectOf(all, day(20));
    expect(effect).toMatchObject({
      digestsSent: 3,
      digestsOpened: 2,
      items: 3,
      pending: 0,
      doneFromMail: 1,
      doneElsewhere: 1,
      notDone: 1,
      // 0.5 and 4 days: the median of two is their mean.
      medianDaysToAct: 2.25,
    });
    expect(effect.shares!.doneFromMail).toBeCloseTo(1 / 3, 10);
    expect(all[0].openedAt).toBe(day(10, 12));
  });

  it('given a step on another interview or before the digest, then the item stays open', () => {
    const h = [...before, e.thanked('i-1', 'k-1', day(3))];
    const digests = foldNudgeHistory([
      ...before,
      digest('d-1', sent, before),
      e.touchpoint('i-1', 'k-1', day(11)),
      e.prepared('i-2', 'k-2', day(11)),
    ]);
    expect(digests[0].items.map((i) => i.doneAt)).toEqual([null, null]);
    // Once thanked, the next digest no longer lists the thank-you.
    expect(foldNudgeHistory([digest('d-2', sent, h)])[0].items.map((i) => i.kind)).toEqual([
      'nudge',
      'stay_in_touch',
    ]);
  });

  it('given a step recorded late but dated before the digest, then it is done when the digest went', () => {
    const digests = foldNudgeHistory([
      ...before,
      digest('d-1', sent, before),
      e.thanked('i-1', 'k-1', day(4), day(8)),
    ]);
    expect(digests[0].items[0].doneAt).toBe(sent);
    expect(outcomeOf(digests[0].items[0], sent, sent)).toBe('doneElsewhere');
  });

  it('given a digest without recorded items (before tracking), then it is not counted', () => {
    const old: NudgeHistoryEvent = {
      type: 'DigestScheduled',
      data: { week: '2025-W37', messageId: 'd-0', items: 2, at: sent },
    };
    expect(foldNudgeHistory([old])).toEqual([]);
  });

  it('given a student who moved cohort, then the digest keeps the cohort it went to', () => {
    const moved = foldNudgeHistory([digest('d-1', sent, before, { cohortId: 'cohort-2' })]);
    expect(moved[0].cohortId).toBe('cohort-2');
  });
});

describe('closesFollowUp agrees with followUpsOf', () => {
  // The same obligation: a nudge or touchpoint re-opens its kind with a new `openedAt`; a
  // reschedule moves a preparation without closing it.
  const same = (a: FollowUpItem, b: FollowUpItem) =>
    a.kind === b.kind &&
    a.interviewId === b.interviewId &&
    a.contactId === b.contactId &&
    (a.kind === 'prepare' || a.openedAt === b.openedAt);

  const held = [
    e.enrolled(day(1)),
    e.contact('k-1', day(1)),
    e.requested('i-1', 'k-1', day(1)),
    e.held('i-1', 'k-1', day(2)),
    e.referrals('i-1', 'k-1', day(2), [{ contactId: 'k-9' }]),
  ];
  const thanked = [...held, e.thanked('i-1', 'k-1', day(3))];
  const requested = [e.enrolled(day(1)), e.requested('i-2', 'k-2', day(2))];
  const scheduled = [...requested, e.scheduled('i-2', 'k-2', day(3), day(12))];
  const cases: [string, DomainEvent[], DomainEvent][] = [
    ['thank-you', held, e.thanked('i-1', 'k-1', day(10))],
    ['touchpoint', thanked, e.touchpoint('i-1', 'k-1', day(10))],
    ['contact archived', thanked, e.archived('k-1', day(10))],
    ['referral archived', held, e.archived('k-9', day(10))],
    ['referral requested', held, e.requested('i-9', 'k-9', day(10))],
    ['referral held', held, e.held('i-9', 'k-9', day(10), { withoutRequest: true })],
    ['nudge', requested, e.nudged('i-2', 'k-2', day(10))],
    ['accepted', requested, e.accepted('i-2', 'k-2', day(10))],
    ['declined', requested, e.declined('i-2', 'k-2', day(10))],
    ['closed', requested, e.unanswered('i-2', 'k-2', day(10))],
    ['scheduled', requested, e.scheduled('i-2', 'k-2', day(10), day(20))],
    ['prepared', scheduled, e.prepared('i-2', 'k-2', day(10))],
    ['rescheduled', scheduled, e.rescheduled('i-2', 'k-2', day(10), day(13), day(12))],
    ['cancelled', scheduled, e.cancelled('i-2', 'k-2', day(10))],
    ['held', scheduled, e.held('i-2', 'k-2', day(10))],
    ['unrelated touchpoint', thanked, e.touchpoint('i-7', 'k-7', day(10))],
  ];
  it.each(cases)('when %s, then the items it closes are those that disappear', (_, h, event) => {
    const at = day(10);
    const beforeItems = followUpsOf(progressOf(h), settingsAt, at, 0);
    const afterItems = followUpsOf(progressOf([...h, event]), settingsAt, at, 0);
    expect(beforeItems.length).toBeGreaterThan(0);
    for (const item of beforeItems) {
      const gone = !afterItems.some((a) => same(item, a));
      expect([item.kind, closesFollowUp(item, event)]).toEqual([item.kind, gone]);
      // The projection only sees the events `closingStepOf` names.
      if (gone) expect(closingStepOf(event)).toEqual({ studentId: STUDENT, at: day(10) });
    }
  });
});
