import { type FollowUpStepKind } from '@rapport/domain';
import { escapeHtml, followUpStepCopy } from '@rapport/notifications';
import { stepChoiceFields } from './follow-up-step.form';
import type { Page } from '../common/html-page';

// The pages behind a digest's action links. Server-rendered, no script: the form works in any
// browser. Nothing personal is shown (no names, no addresses): a forwarded or shared link shows
// what kind of step it takes and nothing about whom it concerns.

/** GET: what the link does, and the button that does it. */
export function confirmPage(kind: FollowUpStepKind, token: string): Page {
  // No name on this page: a forwarded link says what step it takes, not whom it concerns.
  const step = followUpStepCopy(kind, 'your contact');
  const choice = stepChoiceFields(kind);
  return page(
    200,
    step.question,
    `<p>This records the step in Rapport and takes it off your list.</p>
<form method="post" action="/act">
<input type="hidden" name="token" value="${escapeHtml(token)}">
${choice}<button type="submit">${escapeHtml(step.button)}</button>
</form>`,
  );
}

/** POST (or a GET of a step taken already): done, and where to go next. */
export function donePage(kind: FollowUpStepKind, recorded: boolean, weekUrl: string): Page {
  return page(
    200,
    recorded ? 'Done' : 'Already done',
    `<p>${escapeHtml(recorded ? followUpStepCopy(kind, 'your contact').done : 'This step was recorded already; nothing changed.')}</p>
${weekLink(weekUrl)}`,
  );
}

export function expiredPage(token: string): Page {
  return page(
    400,
    'This link has expired',
    `<p>Links in your weekly digest work for two weeks. We can send you a fresh sign-in link to the email address Rapport has for you; it opens your week, where you can take this step.</p>
<form method="post" action="/me/sign-in-link">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Email me a fresh sign-in link</button>
</form>`,
  );
}

export function invalidPage(): Page {
  return page(
    400,
    'This link is not valid',
    `<p>The link may be incomplete or changed. Open the link from your latest weekly digest again, or <a href="/me">sign in to see your week</a>.</p>`,
  );
}

export function forbiddenPage(): Page {
  return page(
    403,
    'This step cannot be recorded',
    `<p>Only students enrolled in a cohort record their steps, and this account is not enrolled now. If you think this is a mistake, ask your advisor.</p>`,
  );
}

export function failedPage(weekUrl: string): Page {
  return page(
    409,
    'This step could not be recorded',
    `<p>The follow-up may have changed since your digest was sent. See your week for what is outstanding now.</p>
${weekLink(weekUrl)}`,
  );
}

export function questionNeededPage(): Page {
  return page(
    400,
    'Please add a question',
    `<p>To record that you are prepared, write one question you plan to ask. Go back and try again.</p>`,
  );
}

export function badChoicePage(): Page {
  return page(
    400,
    'Please choose from the list',
    `<p>The form was sent with a choice Rapport does not know. Go back, pick one from the list and try again.</p>`,
  );
}

/** The same page whether or not a mail went out: it tells nobody whether a link was genuine. */
export function signInLinkRequestedPage(): Page {
  return page(
    200,
    'Check your email',
    `<p>If the link was a genuine Rapport link, a fresh sign-in link is on its way to the email address Rapport has for you. It works for 24 hours.</p>
<p>We send at most one such message an hour. If nothing arrives, open your latest weekly digest, or <a href="/me">sign in</a>.</p>`,
  );
}

function weekLink(weekUrl: string): string {
  return `<p><a href="${escapeHtml(weekUrl)}">See your week in Rapport</a></p>`;
}

// Text #18181b and links #1d4ed8 on white, and white on #1d4ed8, are all above 4.5:1; the
// focus ring shows where the keyboard is.
const STYLE = `body{margin:0;background:#ffffff;color:#18181b;font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
main{max-width:34rem;margin:3rem auto;padding:0 1rem}
a{color:#1d4ed8}
label{display:block;font-weight:600;margin-bottom:.25rem}
input,select,button{font:inherit;padding:.5rem .75rem;border-radius:.25rem}
input,select{border:1px solid #52525b;background:#ffffff;color:#18181b}
input{width:100%;box-sizing:border-box}
button{border:0;background:#1d4ed8;color:#ffffff;cursor:pointer}
:focus-visible{outline:3px solid #b45309;outline-offset:2px}`;

function page(status: number, title: string, body: string): Page {
  return {
    status,
    html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} – Rapport</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`,
  };
}
