import { signToken, type TokenPurpose, verifyToken } from './signed-token';

// The links of an advisor's digest: read-only pages of their cohorts and students, opened
// without a session. The token carries ids only and is bound to the institution, the staff
// member and the digest; what it opens is decided when it is followed (the staff member must
// still be active and the student still on their roster), never by the token.

/** As long as a student's links: last week's digest still opens, an old mailbox is no key. */
export const ADVISOR_LINK_DAYS = 14;

/** Fields `[tenantId, staffId, digestId]`. */
export const ADVISOR_DIGEST_VIEW_PURPOSE: TokenPurpose = {
  name: 'advisor-digest-view',
  expires: true,
  fields: 3,
};

export interface AdvisorLinkSubject {
  tenantId: string;
  staffId: string;
  /** The digest's message id. */
  digestId: string;
}

export type VerifiedAdvisorLink =
  | { ok: true; payload: AdvisorLinkSubject; expiresAt: Date }
  | { ok: false; reason: 'invalid' }
  /** Genuine but old: the institution, to point them at its dashboard. */
  | { ok: false; reason: 'expired'; subject: AdvisorLinkSubject };

export function signAdvisorDigestViewToken(
  subject: AdvisorLinkSubject,
  secret: string | Buffer,
  issuedAt: Date,
  days = ADVISOR_LINK_DAYS,
): string {
  return signToken(
    ADVISOR_DIGEST_VIEW_PURPOSE,
    [subject.tenantId, subject.staffId, subject.digestId],
    secret,
    new Date(issuedAt.getTime() + days * 86_400_000),
  );
}

export function verifyAdvisorDigestViewToken(
  token: unknown,
  secret: string | Buffer,
  now: Date,
): VerifiedAdvisorLink {
  const verified = verifyToken(ADVISOR_DIGEST_VIEW_PURPOSE, token, secret, now);
  if (!verified.ok && verified.reason === 'invalid') return verified;
  const [tenantId, staffId, digestId] = verified.fields;
  const payload = { tenantId, staffId, digestId };
  return verified.ok
    ? { ok: true, payload, expiresAt: verified.expiresAt! }
    : { ok: false, reason: 'expired', subject: payload };
}

function base(appUrl: string): string {
  return appUrl.replace(/\/+$/, '');
}

function withToken(path: string, token: string): string {
  return `${path}?token=${encodeURIComponent(token)}`;
}

/** The advisor's cohorts with their counts. */
export function advisorHomeUrl(appUrl: string, token: string): string {
  return withToken(`${base(appUrl)}/advisor`, token);
}

/** One cohort's students ranked by risk. */
export function advisorCohortUrl(appUrl: string, cohortId: string, token: string): string {
  return withToken(`${base(appUrl)}/advisor/cohorts/${encodeURIComponent(cohortId)}`, token);
}

/** One student's progress and outstanding follow-ups. */
export function advisorStudentUrl(appUrl: string, studentId: string, token: string): string {
  return withToken(`${base(appUrl)}/advisor/students/${encodeURIComponent(studentId)}`, token);
}
