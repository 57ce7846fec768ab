import {
  NO_DIGEST,
  signFollowUpActionToken,
  signToken,
  signWeekSignInToken,
  STUDENT_LINK_DAYS,
  verifyFollowUpActionToken,
  verifyWeekSignInToken,
  WEEK_SIGN_IN_PURPOSE,
} from './index';

const SECRET = 'a-link-secret-of-enough-bytes';
const issued = new Date('2026-12-01T09:00:00Z');
const day = 86_400_000;
const at = (ms: number) => new Date(issued.getTime() + ms);
const subject = { tenantId: 't-1', studentId: 's-1', digestId: 'd-1' };

describe('student links', () => {
  it('binds an action to the institution, the student, the digest and the item', () => {
    const token = signFollowUpActionToken(
      { ...subject, kind: 'thank_you', interviewId: 'i-1' },
      SECRET,
      issued,
    );
    expect(verifyFollowUpActionToken(token, SECRET, at(day))).toEqual({
      ok: true,
      payload: { ...subject, kind: 'thank_you', interviewId: 'i-1' },
      expiresAt: at(STUDENT_LINK_DAYS * day),
    });
  });

  it(`expires after ${STUDENT_LINK_DAYS} days and then still names whom to offer a fresh link`, () => {
    const token = signFollowUpActionToken(
      { ...subject, kind: 'nudge', interviewId: 'i-1' },
      SECRET,
      issued,
    );
    expect(verifyFollowUpActionToken(token, SECRET, at(STUDENT_LINK_DAYS * day - 1)).ok).toBe(true);
    expect(verifyFollowUpActionToken(token, SECRET, at(STUDENT_LINK_DAYS * day))).toEqual({
      ok: false,
      reason: 'expired',
      subject,
    });
  });

  it('never accepts one purpose as the other, nor a tampered token', () => {
    const week = signWeekSignInToken({ ...subject, digestId: NO_DIGEST }, SECRET, issued, 1);
    expect(verifyWeekSignInToken(week, SECRET, at(1000)).ok).toBe(true);
    expect(verifyFollowUpActionToken(week, SECRET, at(1000))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    const forged = signToken(
      WEEK_SIGN_IN_PURPOSE,
      ['t-2', 's-1', 'd-1'],
      'another-secret-entirely',
      at(day),
    );
    expect(verifyWeekSignInToken(forged, SECRET, at(1000))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyWeekSignInToken(`${week.slice(0, -2)}AA`, SECRET, at(1000)).ok).toBe(false);
  });
});
