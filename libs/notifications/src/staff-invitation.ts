import { type RenderedMessage } from './digest-render';
import { href, html } from './html';
import { headerText, page, STYLE, textPage } from './mail-layout';

// The message inviting a staff member (advisor or admin) to Rapport.

export interface StaffInvitationContent {
  institutionName: string;
  staffName: string;
  role: 'advisor' | 'admin';
  /** The invited address: the one to sign in with, and the one this message goes to. */
  email: string;
  /** Where Rapport is: its sign-in sends them to the institution's own sign-in page. */
  appUrl: string;
}

const WHAT_THEY_DO: Record<StaffInvitationContent['role'], string> = {
  advisor:
    'As an advisor you follow the students of the cohorts you are given and get a weekly digest of who needs a nudge.',
  admin:
    'As an administrator you run cohorts and rosters, invite colleagues and see every student of the program.',
};

/** Transactional: no unsubscribe link; nothing in it but the institution's and the invitee's own details. */
export function renderStaffInvitation(content: StaffInvitationContent): RenderedMessage {
  const subject = headerText(`${content.institutionName}: you are invited to Rapport`);
  const heading = 'You are invited to Rapport';
  const role = content.role === 'admin' ? 'an administrator' : 'an advisor';
  const invited = `${content.institutionName} invited you to Rapport, its informational-interview program, as ${role}.`;
  const signIn = `To sign in, open Rapport and choose to sign in with your ${content.institutionName} account: use the account of this address, ${content.email}. There is no separate password.`;
  const body = html`<p style="${STYLE.p}">Hi ${content.staffName},</p>
    <p style="${STYLE.p}">${invited}</p>
    <p style="${STYLE.p}">${WHAT_THEY_DO[content.role]}</p>
    <p style="${STYLE.p}">${signIn}</p>
    <p style="${STYLE.p}">
      <a href="${href(content.appUrl)}" style="${STYLE.link}">Open Rapport</a>
    </p>`;
  const footer = html`<footer style="${STYLE.footer}">
    <p style="margin:0;">
      You get this message because an administrator of ${content.institutionName} invited this
      address. If you do not expect it, ignore it or tell them.
    </p>
  </footer>`;
  const lines = [
    content.institutionName,
    heading,
    '',
    `Hi ${content.staffName},`,
    '',
    invited,
    '',
    WHAT_THEY_DO[content.role],
    '',
    signIn,
    '',
    `Open Rapport: ${content.appUrl}`,
  ];
  return {
    subject,
    html: page(subject, content.institutionName, heading, body, footer),
    text: textPage(lines, [
      '-- ',
      `You get this message because an administrator of ${content.institutionName} invited this address. If you do not expect it, ignore it or tell them.`,
    ]),
  };
}
