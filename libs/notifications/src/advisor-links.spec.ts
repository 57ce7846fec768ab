import {
  ADVISOR_DIGEST_VIEW_PURPOSE,
  ADVISOR_LINK_DAYS,
  advisorCohortUrl,
  advisorHomeUrl,
  advisorStudentUrl,
  signAdvisorDigestViewToken,
  signToken,
  signWeekSignInToken,
  verifyAdvisorDigestViewToken,
} from './index';

const SECRET = 'a-link-secret-of-enough-bytes';
const issued = new Date('2026-12-01T09:00:00Z');
const day = 86_400_000;
const at = (ms: number) => new Date(issued.getTime() + ms);
const subject = { tenantId: 't-1', staffId: 'staff-1', digestId: 'd-1' };

describe('advisor digest links', () => {
  it('binds the view to the institution, the staff member and the digest', () => {
    const token = signAdvisorDigestViewToken(subject, SECRET, issued);
    expect(verifyAdvisorDigestViewToken(token, SECRET, at(day))).toEqual({
      ok: true,
      payload: subject,
      expiresAt: at(ADVISOR_LINK_DAYS * day),
    });
  });

  it(`expires after ${ADVISOR_LINK_DAYS} days and then still names the institution`, () => {
    const token = signAdvisorDigestViewToken(subject, SECRET, issued);
    expect(verifyAdvisorDigestViewToken(token, SECRET, at(ADVISOR_LINK_DAYS * day - 1)).ok).toBe(
      true,
    );
    expect(verifyAdvisorDigestViewToken(token, SECRET, at(ADVISOR_LINK_DAYS * day))).toEqual({
      ok: false,
      reason: 'expired',
      subject,
    });
  });

  it('refuses a tampered token, another secret, and tokens of other purposes', () => {
    const token = signAdvisorDigestViewToken(subject, SECRET, issued);
    const [body, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify([
        Math.floor(at(ADVISOR_LINK_DAYS * day).getTime() / 1000),
        't-1',
        'staff-2',
        'd-1',
      ]),
    ).toString('base64url');
    const invalid = { ok: false, reason: 'invalid' };
    expect(verifyAdvisorDigestViewToken(`${forged}.${mac}`, SECRET, at(day))).toEqual(invalid);
    expect(verifyAdvisorDigestViewToken(`${body}.${mac.slice(1)}x`, SECRET, at(day))).toEqual(
      invalid,
    );
    expect(verifyAdvisorDigestViewToken(token, `${SECRET}-other`, at(day))).toEqual(invalid);
    expect(verifyAdvisorDigestViewToken(undefined, SECRET, at(day))).toEqual(invalid);
    // A student's sign-in link has the same three fields, but another purpose.
    const week = signWeekSignInToken(
      { tenantId: 't-1', studentId: 'staff-1', digestId: 'd-1' },
      SECRET,
      issued,
    );
    expect(verifyAdvisorDigestViewToken(week, SECRET, at(day))).toEqual(invalid);
    // And a view token is nothing else.
    expect(ADVISOR_DIGEST_VIEW_PURPOSE.name).toBe('advisor-digest-view');
    const same = signToken(
      ADVISOR_DIGEST_VIEW_PURPOSE,
      ['t-1', 'staff-1', 'd-1'],
      SECRET,
      at(ADVISOR_LINK_DAYS * day),
    );
    expect(same).toBe(token);
  });

  it('carries ids only, in URLs of the app', () => {
    const token = signAdvisorDigestViewToken(subject, SECRET, issued);
    const decoded = Buffer.from(token.split('.')[0], 'base64url').toString();
    expect(JSON.parse(decoded).slice(1)).toEqual(['t-1', 'staff-1', 'd-1']);
    expect(advisorHomeUrl('https://r.test/', token)).toBe(
      `https://r.test/advisor?token=${encodeURIComponent(token)}`,
    );
    expect(advisorCohortUrl('https://r.test', 'c/1', token)).toBe(
      `https://r.test/advisor/cohorts/c%2F1?token=${encodeURIComponent(token)}`,
    );
    expect(advisorStudentUrl('https://r.test', 's-1', token)).toBe(
      `https://r.test/advisor/students/s-1?token=${encodeURIComponent(token)}`,
    );
  });
});
