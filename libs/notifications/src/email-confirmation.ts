import { type RenderedMessage } from './digest-render';
import { href, html } from './html';
import { headerText, page, STYLE, textPage } from './mail-layout';
import { signToken, type TokenPurpose, verifyToken } from './signed-token';

// The message asking a student to confirm a new email address, and the link's token.

/** Long enough for a weekend, short enough that an old mailbox is no standing key. */
export const EMAIL_CONFIRMATION_HOURS = 48;

/** Fields `[tenantId, studentId, requestId]`, with an expiry. */
export const EMAIL_CONFIRMATION_PURPOSE: TokenPurpose = {
  name: 'email-confirmation',
  expires: true,
  fields: 3,
};

export interface EmailConfirmationPayload {
  tenantId: string;
  studentId: string;
  requestId: string;
}

export type VerifiedEmailConfirmation =
  | { ok: true; payload: EmailConfirmationPayload; expiresAt: Date }
  | { ok: false; reason: 'invalid' | 'expired' };

/** A token for one request, valid for EMAIL_CONFIRMATION_HOURS from `issuedAt`. */
export function signEmailConfirmationToken(
  payload: EmailConfirmationPayload,
  secret: string | Buffer,
  issuedAt: Date,
): string {
  const expiresAt = new Date(issuedAt.getTime() + EMAIL_CONFIRMATION_HOURS * 3_600_000);
  return signToken(
    EMAIL_CONFIRMATION_PURPOSE,
    [payload.tenantId, payload.studentId, payload.requestId],
    secret,
    expiresAt,
  );
}

export function verifyEmailConfirmationToken(
  token: unknown,
  secret: string | Buffer,
  now: Date,
): VerifiedEmailConfirmation {
  const verified = verifyToken(EMAIL_CONFIRMATION_PURPOSE, token, secret, now);
  if (!verified.ok) return { ok: false, reason: verified.reason };
  const [tenantId, studentId, requestId] = verified.fields;
  return { ok: true, payload: { tenantId, studentId, requestId }, expiresAt: verified.expiresAt! };
}

export interface EmailConfirmationContent {
  institutionName: string;
  studentName: string;
  /** The address being confirmed: the one this message goes to. */
  newEmail: string;
  /** The page with the confirmation button. */
  confirmUrl: string;
}

/** Transactional: no unsubscribe link, and nothing in it but what the recipient typed. */
export function renderEmailConfirmation(content: EmailConfirmationContent): RenderedMessage {
  const subject = headerText(`${content.institutionName}: confirm your new email address`);
  const heading = 'Confirm your new email address';
  const hours = `${EMAIL_CONFIRMATION_HOURS} hours`;
  const body = html`<p style="${STYLE.p}">Hi ${content.studentName},</p>
    <p style="${STYLE.p}">
      You asked Rapport to send your mail to ${content.newEmail} from now on. Until you confirm it,
      your weekly digest keeps going to your current address.
    </p>
    <p style="${STYLE.p}">
      <a href="${href(content.confirmUrl)}" style="${STYLE.link}">Confirm this address</a>
    </p>
    <p style="${STYLE.meta}">
      The link works for ${hours}. A newer request replaces this one. If you did not ask for this,
      ignore this message: nothing changes.
    </p>`;
  const footer = html`<footer style="${STYLE.footer}">
    <p style="margin:0;">
      You get this message from ${content.institutionName} through Rapport because someone entered
      this address in a student profile.
    </p>
  </footer>`;
  const text = [
    content.institutionName,
    heading,
    '',
    `Hi ${content.studentName},`,
    '',
    `You asked Rapport to send your mail to ${content.newEmail} from now on. Until you confirm it, your weekly digest keeps going to your current address.`,
    '',
    `Confirm this address: ${content.confirmUrl}`,
    '',
    `The link works for ${hours}. A newer request replaces this one. If you did not ask for this, ignore this message: nothing changes.`,
  ];
  return {
    subject,
    html: page(subject, content.institutionName, heading, body, footer),
    text: textPage(text, [
      '-- ',
      `You get this message from ${content.institutionName} through Rapport because someone entered this address in a student profile.`,
    ]),
  };
}
