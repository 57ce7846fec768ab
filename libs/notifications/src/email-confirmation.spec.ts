import {
  EMAIL_CONFIRMATION_HOURS,
  renderEmailConfirmation,
  signEmailConfirmationToken,
  verifyEmailConfirmationToken,
} from './email-confirmation';
import { signUnsubscribeToken } from './unsubscribe-token';

const SECRET = 'test-secret-that-is-long-enough';
const payload = { tenantId: 'tenant-1', studentId: 'stu-1', requestId: 'req-1' };
const issued = new Date('2026-03-01T12:00:00Z');
const hours = (h: number) => new Date(issued.getTime() + h * 3_600_000);

describe('email confirmation tokens', () => {
  it(`hold tenant, student and request for ${EMAIL_CONFIRMATION_HOURS} hours`, () => {
    const token = signEmailConfirmationToken(payload, SECRET, issued);
    expect(verifyEmailConfirmationToken(token, SECRET, hours(47.9))).toEqual({
      ok: true,
      payload,
      expiresAt: hours(48),
    });
    expect(verifyEmailConfirmationToken(token, SECRET, hours(48))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('are not unsubscribe tokens, nor the other way round', () => {
    const unsubscribe = signUnsubscribeToken(
      { tenantId: 'tenant-1', recipientId: 'stu-1', kind: 'student' },
      SECRET,
    );
    expect(verifyEmailConfirmationToken(unsubscribe, SECRET, issued)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});

describe('renderEmailConfirmation', () => {
  const evil = `<script>alert("x")</script> O'Brien & "Co"`;
  const message = renderEmailConfirmation({
    institutionName: `Northfield <b>University</b>`,
    studentName: evil,
    newEmail: 'ada.new@example.edu',
    confirmUrl: 'https://rapport.example.edu/email-confirmations?token=abc.def&x=1',
  });

  it('links the confirmation page in both parts, escaped in HTML', () => {
    expect(message.subject).toBe('Northfield <b>University</b>: confirm your new email address');
    expect(message.html).toContain(
      'href="https://rapport.example.edu/email-confirmations?token=abc.def&amp;x=1"',
    );
    expect(message.text).toContain(
      'Confirm this address: https://rapport.example.edu/email-confirmations?token=abc.def&x=1',
    );
    expect(message.html).toContain('ada.new@example.edu');
    expect(message.html).not.toContain('<script>');
    expect(message.html).not.toContain('<b>University');
    expect(message.text).toContain(`Hi ${evil},`);
    expect(message.text).toContain('48 hours');
  });

  it('carries no unsubscribe link (it is not a newsletter)', () => {
    expect(message.html.toLowerCase()).not.toContain('unsubscribe');
    expect(message.text.toLowerCase()).not.toContain('unsubscribe');
  });
});
