import { type RenderedMessage } from './digest-render';
import { href, html } from './html';
import { headerText, page, STYLE, textPage } from './mail-layout';

// The message a student asks for from an expired link's page: a fresh sign-in link to their week.

/** A link asked for on the spot is used on the spot: a day is plenty. */
export const SIGN_IN_LINK_DAYS = 1;

export interface SignInLinkContent {
  institutionName: string;
  studentName: string;
  /** The week sign-in page, with a fresh token. */
  signInUrl: string;
}

/** Transactional: no unsubscribe link; only sent when the student asks for it. */
export function renderSignInLink(content: SignInLinkContent): RenderedMessage {
  const subject = headerText(`${content.institutionName}: your sign-in link`);
  const heading = 'Your sign-in link';
  const intro =
    'You asked for a fresh link after an old one from your weekly digest had expired. It opens your week in Rapport, where you can take the steps from your digest.';
  const validity = `The link works for ${SIGN_IN_LINK_DAYS === 1 ? '24 hours' : `${SIGN_IN_LINK_DAYS} days`}. If you did not ask for it, ignore this message: nothing changes.`;
  const body = html`<p style="${STYLE.p}">Hi ${content.studentName},</p>
    <p style="${STYLE.p}">${intro}</p>
    <p style="${STYLE.p}">
      <a href="${href(content.signInUrl)}" style="${STYLE.link}">See your week in Rapport</a>
    </p>
    <p style="${STYLE.meta}">${validity}</p>`;
  const footerLine = `You get this message from ${content.institutionName} through Rapport because a fresh sign-in link was requested for your account.`;
  const footer = html`<footer style="${STYLE.footer}">
    <p style="margin:0;">${footerLine}</p>
  </footer>`;
  const text = [
    content.institutionName,
    heading,
    '',
    `Hi ${content.studentName},`,
    '',
    intro,
    '',
    `See your week in Rapport: ${content.signInUrl}`,
    '',
    validity,
  ];
  return {
    subject,
    html: page(subject, content.institutionName, heading, body, footer),
    text: textPage(text, ['-- ', footerLine]),
  };
}
