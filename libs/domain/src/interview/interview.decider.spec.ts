import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { type InterviewCommand, type InterviewCommandType } from './interview.commands';
import { interviewDecider } from './interview.decider';
import {
  type InterviewCancelled,
  type InterviewEvent,
  type InterviewHeld,
  type InterviewNoShowRecorded,
  type InterviewRequestAccepted,
  type InterviewRequestClosedUnanswered,
  type InterviewRequestDeclined,
  type InterviewRequested,
  type InterviewScheduled,
  type ReferralsReceived,
  type ThankYouSent,
} from './interview.events';
import {
  allowedInterviewCommands,
  interviewStatuses,
  interviewTransitions,
  type InterviewStatus,
} from './interview.state';

const spec = deciderSpec(interviewDecider);
const ref = { interviewId: 'i-1', studentId: 's-1', contactId: 'k-1' };
const interviewId = ref.interviewId;

// One plausible timeline, in order.
const t = {
  requested: '2025-10-01T15:00:00.000Z',
  nudged: '2025-10-08T15:00:00.000Z',
  accepted: '2025-10-09T12:00:00.000Z',
  scheduling: '2025-10-10T09:00:00.000Z',
  meeting: '2025-10-20T16:00:00.000Z',
  prepared: '2025-10-15T20:00:00.000Z',
  recorded: '2025-10-20T18:00:00.000Z',
  thanked: '2025-10-21T08:00:00.000Z',
  later: '2025-11-15T10:00:00.000Z',
};

const requested: InterviewRequested = {
  type: 'InterviewRequested',
  data: {
    ...ref,
    channel: 'email',
    askMinutes: 30,
    proposedFormats: ['coffee', 'video'],
    at: t.requested,
    personal: { message: 'Could I buy you a coffee and ask about your work?' },
  },
};
const accepted: InterviewRequestAccepted = {
  type: 'InterviewRequestAccepted',
  data: { ...ref, at: t.accepted },
};
const declined: InterviewRequestDeclined = {
  type: 'InterviewRequestDeclined',
  data: { ...ref, at: t.accepted, personal: { reason: null } },
};
const closedUnanswered: InterviewRequestClosedUnanswered = {
  type: 'InterviewRequestClosedUnanswered',
  data: { ...ref, at: t.later },
};
const scheduled: InterviewScheduled = {
  type: 'InterviewScheduled',
  data: {
    ...ref,
    scheduledFor: t.meeting,
    format: 'video',
    durationMinutes: 30,
    impliesAcceptance: false,
    at: t.scheduling,
    personal: { location: null, meetingLink: 'https://meet.example.com/abc' },
  },
};
const noShow: InterviewNoShowRecorded = {
  type: 'InterviewNoShowRecorded',
  data: { ...ref, missedBy: 'contact', scheduledFor: t.meeting, at: t.recorded },
};
const cancelled: InterviewCancelled = {
  type: 'InterviewCancelled',
  data: { ...ref, cancelledBy: 'contact', at: t.scheduling, personal: { reason: null } },
};
const held: InterviewHeld = {
  type: 'InterviewHeld',
  data: {
    ...ref,
    heldAt: t.meeting,
    format: 'video',
    questionIdsAsked: ['q-typical-day', 'q-anyone-else'],
    withoutRequest: false,
    at: t.recorded,
    personal: {
      notes: 'Long shifts, great team',
      keyInsights: ['Certification matters more than the degree'],
      advice: 'Volunteer at the clinic first',
    },
  },
};
const thanked: ThankYouSent = {
  type: 'ThankYouSent',
  data: { ...ref, sentAt: t.thanked, channel: 'email', at: t.thanked },
};

/** A history that leaves the interview in each status. */
const historyFor: Record<InterviewStatus, InterviewEvent[]> = {
  none: [],
  requested: [requested],
  accepted: [requested, accepted],
  declined: [requested, declined],
  unanswered: [requested, closedUnanswered],
  scheduled: [requested, accepted, scheduled],
  no_show: [requested, accepted, scheduled, noShow],
  cancelled: [requested, accepted, cancelled],
  held: [requested, accepted, scheduled, held],
};

/** One valid command of each type (valid for the status it is allowed in). */
const sample: Record<InterviewCommandType, InterviewCommand> = {
  SendRequest: {
    type: 'SendRequest',
    data: {
      ...ref,
      channel: 'email',
      askMinutes: 30,
      proposedFormats: ['coffee', 'video', 'coffee'],
      personal: { message: ' Could I buy you a coffee and ask about your work? ' },
      at: t.requested,
    },
  },
  NudgeRequest: { type: 'NudgeRequest', data: { interviewId, at: t.nudged } },
  RecordAcceptance: { type: 'RecordAcceptance', data: { interviewId, at: t.accepted } },
  RecordDecline: { type: 'RecordDecline', data: { interviewId, at: t.accepted } },
  CloseUnanswered: { type: 'CloseUnanswered', data: { interviewId, at: t.later } },
  ScheduleInterview: {
    type: 'ScheduleInterview',
    data: {
      interviewId,
      scheduledFor: t.meeting,
      format: 'video',
      durationMinutes: 30,
      personal: { meetingLink: 'https://meet.example.com/abc' },
      at: t.scheduling,
    },
  },
  RescheduleInterview: {
    type: 'RescheduleInterview',
    data: {
      interviewId,
      scheduledFor: '2025-10-22T16:00:00Z',
      requestedBy: 'contact',
      at: t.prepared,
    },
  },
  CancelInterview: {
    type: 'CancelInterview',
    data: { interviewId, cancelledBy: 'contact', at: t.scheduling },
  },
  RecordNoShow: {
    type: 'RecordNoShow',
    data: { interviewId, missedBy: 'contact', at: t.recorded },
  },
  RecordPreparation: {
    type: 'RecordPreparation',
    data: {
      interviewId,
      questionIds: ['q-typical-day', 'q-critical-skills'],
      personal: { researchNotes: 'Read the BLS outlook', customQuestions: ['Night shifts?'] },
      at: t.prepared,
    },
  },
  RecordInterviewHeld: {
    type: 'RecordInterviewHeld',
    data: {
      ...ref,
      heldAt: t.meeting,
      questionIdsAsked: ['q-typical-day', 'q-anyone-else', 'q-typical-day'],
      personal: {
        notes: 'Long shifts, great team',
        keyInsights: ['Certification matters more than the degree', ' '],
        advice: 'Volunteer at the clinic first',
      },
      at: t.recorded,
    },
  },
  RecordThankYou: {
    type: 'RecordThankYou',
    data: { interviewId, sentAt: t.thanked, channel: 'email', at: t.thanked },
  },
  RecordReferrals: {
    type: 'RecordReferrals',
    data: {
      interviewId,
      referrals: [
        {
          contactId: 'k-2',
          name: 'Dr. Ortiz',
          organization: 'City Hospital',
          email: 'Ortiz@X.org',
        },
      ],
      at: t.thanked,
    },
  },
  RequestShadowing: {
    type: 'RequestShadowing',
    data: { interviewId, kind: 'shadowing', at: t.thanked },
  },
  RecordTouchpoint: {
    type: 'RecordTouchpoint',
    data: {
      interviewId,
      kind: 'shared_article',
      personal: { note: 'Sent the AHA piece' },
      at: t.later,
    },
  },
};

describe('interview decider', () => {
  describe('state machine', () => {
    const rejections = (Object.keys(interviewTransitions) as InterviewCommandType[]).flatMap(
      (type) =>
        interviewStatuses
          .filter((status) => !interviewTransitions[type].includes(status))
          .map((status) => [type, status] as const),
    );

    it.each(rejections)('rejects %s when the interview is %s', (type, status) => {
      const expected =
        status === 'none'
          ? DomainErrorCode.NOT_FOUND
          : type === 'SendRequest'
            ? DomainErrorCode.ALREADY_EXISTS
            : DomainErrorCode.INVALID_TRANSITION;
      spec.given(historyFor[status]).when(sample[type]).thenError(expected);
    });

    it('offers only the follow-up commands after the interview was held', () => {
      expect(allowedInterviewCommands('held')).toEqual([
        'RecordThankYou',
        'RecordReferrals',
        'RequestShadowing',
        'RecordTouchpoint',
      ]);
    });

    it.each([
      [
        'RecordThankYou',
        'scheduled',
        'A thank-you can only be recorded after the interview was held',
      ],
      ['ScheduleInterview', 'declined', 'the request was declined'],
      ['ScheduleInterview', 'unanswered', 'the request was closed without a reply'],
      ['NudgeRequest', 'accepted', 'the request was accepted'],
      ['RecordInterviewHeld', 'cancelled', 'the interview was cancelled'],
    ] as const)('explains why %s is refused when %s', (type, status, message) => {
      spec
        .given(historyFor[status])
        .when(sample[type])
        .thenError(DomainErrorCode.INVALID_TRANSITION, {
          message,
        });
    });
  });

  describe('SendRequest', () => {
    it('opens the interview with a trimmed message and distinct formats', () => {
      spec.given([]).when(sample.SendRequest).then([requested]);
    });

    it.each([
      [{ askMinutes: 0 }, 'askMinutes'],
      [{ askMinutes: 600 }, 'askMinutes'],
      [{ proposedFormats: [] }, 'proposedFormats'],
      [{ proposedFormats: ['zoom'] }, 'proposedFormats.0'],
      [{ channel: 'pigeon' }, 'channel'],
      [{ contactId: '' }, 'contactId'],
    ])('rejects invalid input %j', (override, field) => {
      spec
        .given([])
        .when({ ...sample.SendRequest, data: { ...sample.SendRequest.data, ...override } } as never)
        .thenError(DomainErrorCode.VALIDATION, { field });
    });
  });

  describe('NudgeRequest', () => {
    const nudged = (nudgeNumber: number) => ({
      type: 'InterviewRequestNudged' as const,
      data: {
        ...ref,
        channel: 'email' as const,
        nudgeNumber,
        at: t.nudged,
        personal: { message: null },
      },
    });

    it('nudges a request that is waiting for a reply', () => {
      spec
        .given([requested])
        .when(sample.NudgeRequest)
        .then([nudged(1)]);
    });

    it('allows a second nudge', () => {
      spec
        .given([requested, nudged(1)])
        .when(sample.NudgeRequest)
        .then([nudged(2)]);
    });

    it('refuses a third nudge', () => {
      spec
        .given([requested, nudged(1), nudged(2)])
        .when(sample.NudgeRequest)
        .thenError(DomainErrorCode.LIMIT_EXCEEDED, { message: 'close it as unanswered' });
    });
  });

  describe('replies', () => {
    it('records an acceptance', () => {
      spec.given([requested]).when(sample.RecordAcceptance).then([accepted]);
    });

    it('records a decline with its reason', () => {
      spec
        .given([requested])
        .when({
          type: 'RecordDecline',
          data: { interviewId, personal: { reason: 'Too busy' }, at: t.accepted },
        })
        .then([{ ...declined, data: { ...declined.data, personal: { reason: 'Too busy' } } }]);
    });

    it('closes an unanswered request', () => {
      spec.given([requested]).when(sample.CloseUnanswered).then([closedUnanswered]);
    });
  });

  describe('ScheduleInterview', () => {
    it('schedules an accepted request', () => {
      spec.given([requested, accepted]).when(sample.ScheduleInterview).then([scheduled]);
    });

    it('treats a reply with a time as acceptance', () => {
      spec
        .given([requested])
        .when(sample.ScheduleInterview)
        .then([{ ...scheduled, data: { ...scheduled.data, impliesAcceptance: true } }]);
    });

    it('schedules again after a no-show', () => {
      spec
        .given(historyFor.no_show)
        .when({
          ...sample.ScheduleInterview,
          data: { ...sample.ScheduleInterview.data, scheduledFor: t.later, at: t.recorded },
        } as InterviewCommand)
        .then([
          { ...scheduled, data: { ...scheduled.data, scheduledFor: t.later, at: t.recorded } },
        ]);
    });

    it.each([
      [{ scheduledFor: '2025-10-01T00:00:00Z' }, 'scheduledFor'],
      [{ scheduledFor: 'next Tuesday' }, 'scheduledFor'],
      [{ durationMinutes: 0 }, 'durationMinutes'],
      [{ format: 'zoom' }, 'format'],
      [{ personal: { meetingLink: 'meet me there' } }, 'personal.meetingLink'],
    ])('rejects invalid input %j', (override, field) => {
      spec
        .given([requested, accepted])
        .when({
          ...sample.ScheduleInterview,
          data: { ...sample.ScheduleInterview.data, ...override },
        } as never)
        .thenError(DomainErrorCode.VALIDATION, { field });
    });
  });

  describe('RescheduleInterview', () => {
    it('moves the slot and restates the unchanged details', () => {
      spec
        .given(historyFor.scheduled)
        .when(sample.RescheduleInterview)
        .then([
          {
            type: 'InterviewRescheduled',
            data: {
              ...ref,
              scheduledFor: '2025-10-22T16:00:00.000Z',
              previousScheduledFor: t.meeting,
              format: 'video',
              durationMinutes: 30,
              requestedBy: 'contact',
              at: t.prepared,
              personal: scheduled.data.personal,
            },
          },
        ]);
    });

    it('rejects a slot in the past', () => {
      spec
        .given(historyFor.scheduled)
        .when({
          type: 'RescheduleInterview',
          data: { interviewId, scheduledFor: t.accepted, at: t.prepared },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'scheduledFor' });
    });
  });

  describe('CancelInterview', () => {
    it('cancels a scheduled interview', () => {
      spec.given(historyFor.scheduled).when(sample.CancelInterview).then([cancelled]);
    });

    it('withdraws a pending request', () => {
      spec.given([requested]).when(sample.CancelInterview).then([cancelled]);
    });

    it('rejects an unknown party', () => {
      spec
        .given([requested])
        .when({
          type: 'CancelInterview',
          data: { interviewId, cancelledBy: 'dog' as 'student', at: t.accepted },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'cancelledBy' });
    });
  });

  describe('RecordNoShow', () => {
    it('records a missed interview after its time', () => {
      spec.given(historyFor.scheduled).when(sample.RecordNoShow).then([noShow]);
    });

    it('refuses a no-show before the scheduled time', () => {
      spec
        .given(historyFor.scheduled)
        .when({ type: 'RecordNoShow', data: { interviewId, missedBy: 'contact', at: t.prepared } })
        .thenError(DomainErrorCode.INVALID_TRANSITION, { message: 'scheduled time has passed' });
    });
  });

  describe('RecordPreparation', () => {
    const prepared = {
      type: 'InterviewPrepared' as const,
      data: {
        ...ref,
        questionIds: ['q-typical-day', 'q-critical-skills'],
        at: t.prepared,
        personal: { researchNotes: 'Read the BLS outlook', customQuestions: ['Night shifts?'] },
      },
    };

    it.each(['requested', 'accepted', 'scheduled', 'no_show'] as const)(
      'records preparation while the interview is %s',
      (status) => {
        spec.given(historyFor[status]).when(sample.RecordPreparation).then([prepared]);
      },
    );

    it('requires notes or a question', () => {
      spec
        .given(historyFor.scheduled)
        .when({
          type: 'RecordPreparation',
          data: {
            interviewId,
            questionIds: [],
            personal: { customQuestions: [' '] },
            at: t.prepared,
          },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'questionIds' });
    });

    it('limits the number of questions', () => {
      spec
        .given(historyFor.scheduled)
        .when({
          type: 'RecordPreparation',
          data: {
            interviewId,
            questionIds: Array.from({ length: 51 }, (_, n) => `q-${n}`),
            personal: {},
            at: t.prepared,
          },
        })
        .thenError(DomainErrorCode.LIMIT_EXCEEDED, { field: 'questionIds' });
    });
  });

  describe('RecordInterviewHeld', () => {
    it('records a scheduled interview as held', () => {
      spec.given(historyFor.scheduled).when(sample.RecordInterviewHeld).then([held]);
    });

    it('opens the stream for a conversation that happened offline', () => {
      spec
        .given([])
        .when(sample.RecordInterviewHeld)
        .then([{ ...held, data: { ...held.data, format: null, withoutRequest: true } }]);
    });

    it('rejects a meeting in the future', () => {
      spec
        .given(historyFor.scheduled)
        .when({
          ...sample.RecordInterviewHeld,
          data: { ...sample.RecordInterviewHeld.data, at: t.prepared },
        } as InterviewCommand)
        .thenError(DomainErrorCode.VALIDATION, { field: 'heldAt' });
    });

    it('rejects a meeting before the request was sent', () => {
      spec
        .given([requested])
        .when({
          ...sample.RecordInterviewHeld,
          data: { ...sample.RecordInterviewHeld.data, heldAt: '2025-09-01T10:00:00Z' },
        } as InterviewCommand)
        .thenError(DomainErrorCode.VALIDATION, { field: 'heldAt' });
    });

    it('rejects a different contact than the request named', () => {
      spec
        .given([requested])
        .when({
          ...sample.RecordInterviewHeld,
          data: { ...sample.RecordInterviewHeld.data, contactId: 'k-9' },
        } as InterviewCommand)
        .thenError(DomainErrorCode.VALIDATION, { field: 'contactId' });
    });
  });

  describe('RecordThankYou', () => {
    it('records the thank-you', () => {
      spec.given(historyFor.held).when(sample.RecordThankYou).then([thanked]);
    });

    it('refuses a second thank-you', () => {
      spec
        .given([...historyFor.held, thanked])
        .when(sample.RecordThankYou)
        .thenError(DomainErrorCode.ALREADY_EXISTS);
    });

    it('refuses a thank-you dated before the interview', () => {
      spec
        .given(historyFor.held)
        .when({
          type: 'RecordThankYou',
          data: { interviewId, sentAt: t.prepared, channel: 'email', at: t.thanked },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'sentAt' });
    });
  });

  describe('RecordReferrals', () => {
    const received: ReferralsReceived = {
      type: 'ReferralsReceived',
      data: {
        ...ref,
        referrals: [
          { contactId: 'k-2', organization: 'City Hospital', role: null, industry: null },
        ],
        at: t.thanked,
        personal: { referrals: [{ contactId: 'k-2', name: 'Dr. Ortiz', email: 'ortiz@x.org' }] },
      },
    };

    it('records the people the contact referred', () => {
      spec.given(historyFor.held).when(sample.RecordReferrals).then([received]);
    });

    it('rejects a contact id that was already used', () => {
      spec
        .given([...historyFor.held, received])
        .when(sample.RecordReferrals)
        .thenError(DomainErrorCode.ALREADY_EXISTS, { field: 'referrals.0.contactId' });
    });

    it('rejects an empty list', () => {
      spec
        .given(historyFor.held)
        .when({ type: 'RecordReferrals', data: { interviewId, referrals: [], at: t.thanked } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'referrals' });
    });

    it('rejects a referral without a name', () => {
      spec
        .given(historyFor.held)
        .when({
          type: 'RecordReferrals',
          data: { interviewId, referrals: [{ contactId: 'k-3', name: '' }], at: t.thanked },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'referrals.0.name' });
    });

    it('limits how many are recorded at once', () => {
      const referrals = Array.from({ length: 21 }, (_, n) => ({
        contactId: `k-${n + 10}`,
        name: `P${n}`,
      }));
      spec
        .given(historyFor.held)
        .when({ type: 'RecordReferrals', data: { interviewId, referrals, at: t.thanked } })
        .thenError(DomainErrorCode.LIMIT_EXCEEDED);
    });
  });

  describe('RequestShadowing', () => {
    it('records a request to shadow', () => {
      spec
        .given(historyFor.held)
        .when(sample.RequestShadowing)
        .then([
          {
            type: 'ShadowingRequested',
            data: { ...ref, kind: 'shadowing', at: t.thanked, personal: { note: null } },
          },
        ]);
    });

    it('rejects an unknown kind', () => {
      spec
        .given(historyFor.held)
        .when({
          type: 'RequestShadowing',
          data: { interviewId, kind: 'lunch' as 'shadowing', at: t.thanked },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'kind' });
    });
  });

  describe('RecordTouchpoint', () => {
    it('records a touchpoint that happened now', () => {
      spec
        .given(historyFor.held)
        .when(sample.RecordTouchpoint)
        .then([
          {
            type: 'TouchpointRecorded',
            data: {
              ...ref,
              kind: 'shared_article',
              occurredAt: t.later,
              at: t.later,
              personal: { note: 'Sent the AHA piece' },
            },
          },
        ]);
    });

    it('rejects a touchpoint in the future', () => {
      spec
        .given(historyFor.held)
        .when({
          type: 'RecordTouchpoint',
          data: {
            interviewId,
            kind: 'met_at_event',
            occurredAt: '2026-01-01T00:00:00Z',
            at: t.later,
          },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'occurredAt' });
    });

    it('rejects an unknown kind', () => {
      spec
        .given(historyFor.held)
        .when({
          type: 'RecordTouchpoint',
          data: { interviewId, kind: 'gift' as 'other', at: t.later },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'kind' });
    });
  });
});
