import { signToken, type TokenPurpose, verifyToken } from './signed-token';

// The links a student follows from mail: one action per outstanding item, and a sign-in link to
// their week. Both carry ids only (never an address or a name) and are bound to the institution,
// the student and, for a digest's links, the digest they came in.

/** Long enough to act on last week's digest, short enough that an old mailbox is no standing key. */
export const STUDENT_LINK_DAYS = 14;

/** No digest: a link mailed on request (a fresh sign-in link). */
export const NO_DIGEST = '-';
const NONE = '-';

/** Fields `[tenantId, studentId, digestId, kind, interviewId, contactId]` ('-' when absent). */
export const FOLLOW_UP_ACTION_PURPOSE: TokenPurpose = {
  name: 'follow-up-action',
  expires: true,
  fields: 6,
};

/** Fields `[tenantId, studentId, digestId]`. */
export const WEEK_SIGN_IN_PURPOSE: TokenPurpose = {
  name: 'week-sign-in',
  expires: true,
  fields: 3,
};

export interface StudentLinkSubject {
  tenantId: string;
  studentId: string;
  /** The digest's message id, or NO_DIGEST. */
  digestId: string;
}

export interface FollowUpActionPayload extends StudentLinkSubject {
  /** A follow-up item kind other than `reach_target`; the app checks it against the domain. */
  kind: string;
  interviewId?: string;
  contactId?: string;
}

export type VerifiedStudentLink<P> =
  | { ok: true; payload: P; expiresAt: Date }
  | { ok: false; reason: 'invalid' }
  /** Genuine but old: whom to offer a fresh sign-in link. */
  | { ok: false; reason: 'expired'; subject: StudentLinkSubject };

function expiry(issuedAt: Date, days = STUDENT_LINK_DAYS): Date {
  return new Date(issuedAt.getTime() + days * 86_400_000);
}

export function signFollowUpActionToken(
  payload: FollowUpActionPayload,
  secret: string | Buffer,
  issuedAt: Date,
): string {
  return signToken(
    FOLLOW_UP_ACTION_PURPOSE,
    [
      payload.tenantId,
      payload.studentId,
      payload.digestId,
      payload.kind,
      payload.interviewId ?? NONE,
      payload.contactId ?? NONE,
    ],
    secret,
    expiry(issuedAt),
  );
}

export function verifyFollowUpActionToken(
  token: unknown,
  secret: string | Buffer,
  now: Date,
): VerifiedStudentLink<FollowUpActionPayload> {
  const verified = verifyToken(FOLLOW_UP_ACTION_PURPOSE, token, secret, now);
  if (!verified.ok) return failed(verified);
  const [tenantId, studentId, digestId, kind, interviewId, contactId] = verified.fields;
  return {
    ok: true,
    payload: {
      tenantId,
      studentId,
      digestId,
      kind,
      ...(interviewId !== NONE ? { interviewId } : {}),
      ...(contactId !== NONE ? { contactId } : {}),
    },
    expiresAt: verified.expiresAt!,
  };
}

export function signWeekSignInToken(
  subject: StudentLinkSubject,
  secret: string | Buffer,
  issuedAt: Date,
  days = STUDENT_LINK_DAYS,
): string {
  return signToken(
    WEEK_SIGN_IN_PURPOSE,
    [subject.tenantId, subject.studentId, subject.digestId],
    secret,
    expiry(issuedAt, days),
  );
}

export function verifyWeekSignInToken(
  token: unknown,
  secret: string | Buffer,
  now: Date,
): VerifiedStudentLink<StudentLinkSubject> {
  const verified = verifyToken(WEEK_SIGN_IN_PURPOSE, token, secret, now);
  if (!verified.ok) return failed(verified);
  const [tenantId, studentId, digestId] = verified.fields;
  return { ok: true, payload: { tenantId, studentId, digestId }, expiresAt: verified.expiresAt! };
}

function failed(
  verified: { ok: false; reason: 'invalid' } | { ok: false; reason: 'expired'; fields: string[] },
):
  { ok: false; reason: 'invalid' } | { ok: false; reason: 'expired'; subject: StudentLinkSubject } {
  if (verified.reason === 'invalid') return verified;
  const [tenantId, studentId, digestId] = verified.fields;
  return { ok: false, reason: 'expired', subject: { tenantId, studentId, digestId } };
}

/** The page behind an action link: GET shows the button, POST takes the step. */
export function followUpActionUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, '')}/act?token=${encodeURIComponent(token)}`;
}

/** The sign-in page for the week; `next` picks a part of it (e.g. `calendar`). */
export function weekSignInUrl(appUrl: string, token: string, next?: 'calendar'): string {
  const base = `${appUrl.replace(/\/+$/, '')}/me/sign-in?token=${encodeURIComponent(token)}`;
  return next ? `${base}&next=${next}` : base;
}
