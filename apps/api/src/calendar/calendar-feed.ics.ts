import { type FollowUpItem, type InterviewFormat, type InterviewStatus } from '@rapport/domain';
import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import { deterministicUuid } from '../common/ids';
import { vtimezone } from './vtimezone';

/** Calendar apps poll a subscription at their own pace; these hint at once an hour. */
export const FEED_REFRESH_SECONDS = 3600;
export const FEED_NAME = 'Rapport: my interviews and follow-ups';
const UID_DOMAIN = 'calendar.rapport';

/** An interview that had a time: scheduled, held, missed or cancelled. */
export interface FeedInterview {
  interviewId: string;
  status: Exclude<InterviewStatus, 'none'>;
  scheduledFor: string;
  durationMinutes: number;
  format: InterviewFormat | null;
  location: string | null;
  meetingLink: string | null;
  /** The contact's name from the student's own records; null when the contact is gone. */
  contactName: string | null;
  rescheduleCount: number;
}

export interface FeedFollowUp {
  item: FollowUpItem;
  contactName: string | null;
}

export interface CalendarFeedContent {
  studentId: string;
  /** The institution's IANA zone: times are written in it, with its VTIMEZONE. */
  timeZone: string;
  /** Where "your week" is: `${APP_URL}/me`. */
  weekUrl: string;
  now: Date;
  interviews: readonly FeedInterview[];
  followUps: readonly FeedFollowUp[];
}

/**
 * The student's feed as RFC 5545 text. UIDs are built from ids only, stable across renders, so
 * a calendar app updates an event in place (SEQUENCE counts reschedules) instead of adding a
 * twin; a cancelled or missed interview stays with STATUS:CANCELLED, so apps that already
 * show it strike it out rather than keep a stale copy.
 */
export function renderCalendarFeed(content: CalendarFeedContent): string {
  const { timeZone, now } = content;
  const instants = [
    now.toISOString(),
    ...content.interviews.map((i) => i.scheduledFor),
    ...content.followUps.map((f) => f.item.dueAt),
  ].map((iso) => DateTime.fromISO(iso, { zone: timeZone }).year);
  const [fromYear, toYear] = [Math.min(...instants), Math.max(...instants)];

  const calendar = ical({
    name: FEED_NAME,
    prodId: { company: 'Rapport', product: 'Calendar feed', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: FEED_REFRESH_SECONDS,
    // No calendar-wide zone: ical-generator would write DTSTAMP in it, without the UTC `Z` RFC
    // 5545 requires. Each event names the zone instead, and the generator adds its VTIMEZONE.
    timezone: { name: null, generator: (zone) => vtimezone(zone, fromYear, toYear) },
    x: { 'X-WR-TIMEZONE': timeZone },
  });

  for (const interview of content.interviews) {
    const start = DateTime.fromISO(interview.scheduledFor, { zone: timeZone });
    const cancelled = interview.status === 'cancelled' || interview.status === 'no_show';
    const place = interview.location ?? interview.meetingLink;
    calendar.createEvent({
      id: `interview-${interview.interviewId}@${UID_DOMAIN}`,
      stamp: now,
      start,
      end: start.plus({ minutes: interview.durationMinutes }),
      timezone: timeZone,
      sequence: interview.rescheduleCount,
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      summary: `${cancelled ? 'Cancelled: ' : ''}Informational interview${
        interview.contactName ? ` with ${interview.contactName}` : ''
      }`,
      ...(place ? { location: place } : {}),
      url: interview.meetingLink ?? content.weekUrl,
      description: [
        interview.status === 'no_show' ? 'This interview was missed.' : null,
        interview.format ? `Format: ${interview.format.replace(/_/g, ' ')}` : null,
        interview.location && interview.meetingLink ? `Join: ${interview.meetingLink}` : null,
        `Your week in Rapport: ${content.weekUrl}`,
      ]
        .filter((line) => line !== null)
        .join('\n'),
    });
  }

  for (const { item, contactName } of content.followUps) {
    const due = DateTime.fromISO(item.dueAt, { zone: timeZone }).startOf('day');
    calendar.createEvent({
      id: `follow-up-${deterministicUuid(
        [content.studentId, item.kind, item.interviewId, item.contactId, item.openedAt].join('\0'),
      )}@${UID_DOMAIN}`,
      stamp: now,
      start: due,
      allDay: true,
      timezone: timeZone,
      // A due date is a reminder, not a meeting: it does not make the student busy.
      transparency: ICalEventTransparency.TRANSPARENT,
      summary: `Due: ${followUpTitle(item, contactName)}`,
      url: content.weekUrl,
      description: `Mark it done from your week: ${content.weekUrl}`,
    });
  }
  return calendar.toString();
}

function followUpTitle(item: FollowUpItem, contactName: string | null): string {
  const whom = contactName ?? 'your contact';
  switch (item.kind) {
    case 'thank_you':
      return `send your thank-you to ${whom}`;
    case 'nudge':
      return `send ${whom} a polite reminder`;
    case 'prepare':
      return `prepare for your interview with ${whom}`;
    case 'reach_out_to_referral':
      return `reach out to ${whom}, who was referred to you`;
    case 'stay_in_touch':
      return `stay in touch with ${whom}`;
    case 'reach_target': {
      const remaining = item.remaining ?? 0;
      return `hold ${remaining} more interview${remaining === 1 ? '' : 's'}`;
    }
    default: {
      const _exhaustive: never = item.kind;
      return _exhaustive;
    }
  }
}
