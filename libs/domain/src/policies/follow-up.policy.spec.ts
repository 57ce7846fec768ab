import { defaultInstitutionSettings } from '../institution/institution.settings';
import { interviewDecider } from '../interview/interview.decider';
import { type InterviewEvent } from '../interview/interview.events';
import { fold } from '../shared/decider';
import { dueFollowUps } from './follow-up.policy';

const ref = { interviewId: 'i-1', studentId: 's-1', contactId: 'k-1' };
const settings = defaultInstitutionSettings;
const stateOf = (events: InterviewEvent[]) => fold(interviewDecider, events);

const requested: InterviewEvent = {
  type: 'InterviewRequested',
  data: {
    ...ref,
    channel: 'email',
    askMinutes: 30,
    proposedFormats: ['coffee'],
    at: '2025-10-01T15:00:00.000Z',
    personal: { message: null },
  },
};
const scheduled: InterviewEvent = {
  type: 'InterviewScheduled',
  data: {
    ...ref,
    scheduledFor: '2025-10-20T16:00:00.000Z',
    format: 'coffee',
    durationMinutes: 30,
    impliesAcceptance: true,
    at: '2025-10-05T09:00:00.000Z',
    personal: { location: 'Cafe', meetingLink: null },
  },
};
const held: InterviewEvent = {
  type: 'InterviewHeld',
  data: {
    ...ref,
    heldAt: '2025-10-20T16:00:00.000Z',
    format: 'coffee',
    questionIdsAsked: [],
    withoutRequest: false,
    at: '2025-10-20T18:00:00.000Z',
    personal: { notes: null, keyInsights: [], advice: null },
  },
};
const referrals: InterviewEvent = {
  type: 'ReferralsReceived',
  data: {
    ...ref,
    referrals: [
      { contactId: 'k-2', organization: null, role: null, industry: null },
      { contactId: 'k-3', organization: null, role: null, industry: null },
    ],
    at: '2025-10-21T08:00:00.000Z',
    personal: {
      referrals: [
        { contactId: 'k-2', name: 'A', email: null },
        { contactId: 'k-3', name: 'B', email: null },
      ],
    },
  },
};

describe('dueFollowUps', () => {
  it('owes nothing for a missing interview', () => {
    expect(dueFollowUps(stateOf([]), settings, '2025-10-01T00:00:00Z')).toEqual([]);
  });

  it('owes a nudge a week after an unanswered request, overdue once past', () => {
    expect(dueFollowUps(stateOf([requested]), settings, '2025-10-09T00:00:00Z')).toEqual([
      { kind: 'nudge', ...ref, dueAt: '2025-10-08T15:00:00.000Z', overdue: true },
    ]);
  });

  it('counts the next nudge from the last one and stops after the last allowed nudge', () => {
    const nudge = (nudgeNumber: number, at: string): InterviewEvent => ({
      type: 'InterviewRequestNudged',
      data: { ...ref, channel: 'email', nudgeNumber, at, personal: { message: null } },
    });
    const once = stateOf([requested, nudge(1, '2025-10-08T15:00:00.000Z')]);
    expect(dueFollowUps(once, settings, '2025-10-09T00:00:00Z')).toEqual([
      { kind: 'nudge', ...ref, dueAt: '2025-10-15T15:00:00.000Z', overdue: false },
    ]);
    const twice = stateOf([
      requested,
      nudge(1, '2025-10-08T15:00:00.000Z'),
      nudge(2, '2025-10-15T15:00:00.000Z'),
    ]);
    expect(dueFollowUps(twice, settings, '2025-10-30T00:00:00Z')).toEqual([]);
  });

  it('owes preparation three days before a scheduled interview until it is prepared', () => {
    expect(dueFollowUps(stateOf([requested, scheduled]), settings, '2025-10-10T00:00:00Z')).toEqual(
      [{ kind: 'prepare', ...ref, dueAt: '2025-10-17T16:00:00.000Z', overdue: false }],
    );
    const prepared: InterviewEvent = {
      type: 'InterviewPrepared',
      data: {
        ...ref,
        questionIds: ['q-typical-day'],
        at: '2025-10-12T00:00:00.000Z',
        personal: { researchNotes: null, customQuestions: [] },
      },
    };
    expect(
      dueFollowUps(stateOf([requested, scheduled, prepared]), settings, '2025-10-18T00:00:00Z'),
    ).toEqual([]);
  });

  it('owes a thank-you, referral follow-ups for referrals not yet contacted, earliest first', () => {
    const state = stateOf([requested, scheduled, held, referrals]);
    expect(dueFollowUps(state, settings, '2025-10-24T00:00:00Z', new Set(['k-3']))).toEqual([
      { kind: 'thank_you', ...ref, dueAt: '2025-10-23T16:00:00.000Z', overdue: true },
      {
        kind: 'referral_follow_up',
        ...ref,
        referralContactId: 'k-2',
        dueAt: '2025-10-28T08:00:00.000Z',
        overdue: false,
      },
    ]);
  });

  it('owes staying in touch sixty days after the last thank-you or touchpoint', () => {
    const thanked: InterviewEvent = {
      type: 'ThankYouSent',
      data: {
        ...ref,
        sentAt: '2025-10-21T08:00:00.000Z',
        channel: 'email',
        at: '2025-10-21T08:00:00.000Z',
      },
    };
    const touchpoint: InterviewEvent = {
      type: 'TouchpointRecorded',
      data: {
        ...ref,
        kind: 'shared_article',
        occurredAt: '2025-11-10T12:00:00.000Z',
        at: '2025-11-10T12:00:00.000Z',
        personal: { note: null },
      },
    };
    expect(
      dueFollowUps(
        stateOf([requested, scheduled, held, thanked]),
        settings,
        '2025-11-01T00:00:00Z',
      ),
    ).toEqual([
      { kind: 'stay_in_touch', ...ref, dueAt: '2025-12-20T08:00:00.000Z', overdue: false },
    ]);
    expect(
      dueFollowUps(
        stateOf([requested, scheduled, held, thanked, touchpoint]),
        settings,
        '2026-01-10T12:00:01Z',
      ),
    ).toEqual([
      { kind: 'stay_in_touch', ...ref, dueAt: '2026-01-09T12:00:00.000Z', overdue: true },
    ]);
  });

  it('owes nothing for a declined request', () => {
    const declined: InterviewEvent = {
      type: 'InterviewRequestDeclined',
      data: { ...ref, at: '2025-10-02T00:00:00.000Z', personal: { reason: null } },
    };
    expect(dueFollowUps(stateOf([requested, declined]), settings, '2025-12-01T00:00:00Z')).toEqual(
      [],
    );
  });
});
