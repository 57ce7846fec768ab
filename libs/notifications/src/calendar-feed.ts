import { signToken, type TokenPurpose, verifyToken } from './signed-token';

// A student's private calendar feed. The URL's token carries ids only (never a name or an
// address) and does not expire: calendar apps poll one URL for months. What ends a URL is the
// student: renewing gives the feed a new id, revoking leaves none, and the app serves a token
// only while its feed id is the student's current one.

/** Fields `[tenantId, studentId, feedId]`. */
export const CALENDAR_FEED_PURPOSE: TokenPurpose = {
  name: 'calendar-feed',
  expires: false,
  fields: 3,
};

export interface CalendarFeedSubject {
  tenantId: string;
  studentId: string;
  /** The random id of the feed (CalendarFeedRenewed.feedId). */
  feedId: string;
}

export function signCalendarFeedToken(
  subject: CalendarFeedSubject,
  secret: string | Buffer,
): string {
  return signToken(
    CALENDAR_FEED_PURPOSE,
    [subject.tenantId, subject.studentId, subject.feedId],
    secret,
  );
}

/** The subject of a genuine token; null for anything else (the feed then answers 404). */
export function verifyCalendarFeedToken(
  token: unknown,
  secret: string | Buffer,
): CalendarFeedSubject | null {
  const verified = verifyToken(CALENDAR_FEED_PURPOSE, token, secret);
  if (!verified.ok) return null;
  const [tenantId, studentId, feedId] = verified.fields;
  return { tenantId, studentId, feedId };
}

/** `https://…/calendar/<token>.ics`: the token is base64url plus a dot, safe in a path. */
export function calendarFeedUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, '')}/calendar/${encodeURIComponent(token)}.ics`;
}

/** The same feed for "subscribe" links: calendar apps open `webcal://` URLs themselves. */
export function webcalUrl(feedUrl: string): string {
  return feedUrl.replace(/^https?:\/\//, 'webcal://');
}
