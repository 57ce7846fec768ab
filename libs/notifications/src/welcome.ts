import { type RenderedMessage } from './digest-render';
import { href, html } from './html';
import { headerText, page, STYLE, textPage } from './mail-layout';

// The message a newly enrolled student gets: who enrolled them, what the program asks, how to
// sign in.

export interface WelcomeContent {
  institutionName: string;
  cohortName: string;
  studentName: string;
  /** "Aim to interview at least three to five professionals": the cohort's target… */
  interviewTarget: number;
  /** …and the institution's stretch target (a range only when it is higher). */
  interviewStretchTarget: number;
  /** "Ask for something small—say, thirty minutes". */
  meetingMinutes: number;
  /** "Within a few days of the interview, send a message to thank the professional." */
  thankYouWindowDays: number;
  /** Where students sign in (the app's address, also with the institution's provider). */
  signInUrl: string;
}

/** The program's asks in the words both parts use, one per line. */
export function welcomeAsks(content: WelcomeContent): string[] {
  const low = content.interviewTarget;
  const high = Math.max(content.interviewStretchTarget, low);
  const count = low === high ? `${low}` : `${low} to ${high}`;
  return [
    `Talk to ${count} ${high === 1 ? 'professional' : 'professionals'} in a field that interests you. Start with people you know: family friends, faculty, alumni.`,
    `Ask each of them for about ${content.meetingMinutes} minutes of their time, at a time and in a format that suits them.`,
    `Thank them within ${plural(content.thankYouWindowDays, 'day')} of your conversation.`,
    'Stay in touch: tell them about your next steps and keep them in your network.',
  ];
}

/** Transactional: no unsubscribe link; sent once per enrolment. */
export function renderWelcome(content: WelcomeContent): RenderedMessage {
  const subject = headerText(`${content.institutionName}: welcome to ${content.cohortName}`);
  const heading = `Welcome to ${content.cohortName}`;
  const intro = `You are enrolled in ${content.cohortName} at ${content.institutionName}. In this program you find out what a career is really like by talking with people who do the work: informational interviews.`;
  const tracking =
    'Rapport keeps your contacts, requests and interviews in one place, and a weekly digest reminds you of what is due.';
  const signIn = `Sign in with your ${content.institutionName} account`;
  const asks = welcomeAsks(content);
  const body = html`<p style="${STYLE.p}">Hi ${content.studentName},</p>
    <p style="${STYLE.p}">${intro}</p>
    <h2 style="${STYLE.h2}">What the program asks of you</h2>
    <ul style="${STYLE.list}">
      ${asks.map((ask) => html`<li style="${STYLE.item}">${ask}</li>`)}
    </ul>
    <p style="${STYLE.p}">${tracking}</p>
    <h2 style="${STYLE.h2}">How to sign in</h2>
    <p style="${STYLE.p}">
      ${signIn} at
      <a href="${href(content.signInUrl)}" style="${STYLE.link}">${content.signInUrl}</a>.
    </p>`;
  const footerLine = `You get this message from ${content.institutionName} through Rapport because you were enrolled in ${content.cohortName}.`;
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
    'What the program asks of you',
    ...asks.map((ask) => `- ${ask}`),
    '',
    tracking,
    '',
    'How to sign in',
    `${signIn} at ${content.signInUrl}`,
  ];
  return {
    subject,
    html: page(subject, content.institutionName, heading, body, footer),
    text: textPage(text, ['-- ', footerLine]),
  };
}

function plural(n: number, unit: string): string {
  return `${n} ${n === 1 ? unit : `${unit}s`}`;
}
