import { escapeHtml as e, followUpStepCopy } from '@rapport/notifications';
import { DateTime } from 'luxon';
import { calendarFeedSection } from '../calendar/calendar.pages';
import { stepChoiceFields } from '../follow-up-action/follow-up-step.form';
import type { WeekItem, WeekView } from './week.service';
import type { Page } from '../common/html-page';

// Colours chosen for ≥ 4.5:1 against their backgrounds (text #1a1a2e on #fff is 17:1, links
// #1d4ed8 on #fff 6.7:1, the overdue #9f1239 on #fff1f2 7.4:1, white on #1d4ed8 6.7:1).
const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a2e;background:#fff;margin:0;line-height:1.5}
header,main,footer{max-width:44rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap;border-bottom:1px solid #c7c7d1}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
a{color:#1d4ed8}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
button{font:inherit;background:#1d4ed8;color:#fff;border:2px solid #1d4ed8;border-radius:.375rem;padding:.4rem .9rem;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8}
a.button{display:inline-block;background:#1d4ed8;color:#fff;border:2px solid #1d4ed8;border-radius:.375rem;padding:.4rem .9rem;text-decoration:none}
select{font:inherit;padding:.3rem;border:1px solid #52525b;border-radius:.25rem;background:#fff;color:#1a1a2e}
:focus-visible{outline:3px solid #b45309;outline-offset:2px}
ul.items{list-style:none;padding:0;margin:0}
ul.items>li{border:1px solid #c7c7d1;border-radius:.5rem;padding:.75rem;margin:.5rem 0}
.overdue{background:#fff1f2;border-color:#9f1239!important}
.overdue .due{color:#9f1239;font-weight:600}
.due{color:#3f3f46;margin:.25rem 0}
form.act{display:flex;gap:.5rem;align-items:end;flex-wrap:wrap;margin-top:.5rem}
label{display:block;font-size:.9rem}
progress{width:100%;height:1rem}
.notice{background:#eff6ff;border:1px solid #1d4ed8;border-radius:.5rem;padding:.75rem}
`;

function layout(
  status: number,
  title: string,
  body: string,
  options: { signOut?: string; headerText?: string } = {},
): Page {
  const signOut = options.signOut
    ? `<form method="post" action="/me/sign-out"><input type="hidden" name="csrf" value="${e(options.signOut)}"><button type="submit" class="secondary">Sign out</button></form>`
    : '';
  return {
    status,
    html: `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · Rapport</title><style>${STYLE}</style></head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><p><strong>Rapport</strong>${options.headerText ? ` · ${e(options.headerText)}` : ''}</p>${signOut}</header>
<main id="main">
<h1>${e(title)}</h1>
${body}
</main>
<footer><p>Rapport keeps track of your informational interviews.</p></footer>
</body>
</html>`,
  };
}

/** GET /me/sign-in with a good token: a button, since a GET must change nothing. */
export function signInPage(token: string, next: string | null, binding: string): Page {
  return layout(
    200,
    'Open your week',
    `<p>Your follow-ups, your progress and your upcoming interviews are one click away.</p>
<form method="post" action="/me/sign-in">
<input type="hidden" name="token" value="${e(token)}">
<input type="hidden" name="binding" value="${e(binding)}">
${next ? `<input type="hidden" name="next" value="${e(next)}">` : ''}
<button type="submit">Open my week</button>
</form>`,
  );
}

/** An old but genuine link: offer a fresh one by mail (POST /me/sign-in-link). */
export function expiredLinkPage(token: string): Page {
  return layout(
    400,
    'This link has expired',
    `<p>Links in your digest work for 14 days. We can mail you a fresh link to your week.</p>
<form method="post" action="/me/sign-in-link">
<input type="hidden" name="token" value="${e(token)}">
<button type="submit">Mail me a new link</button>
</form>`,
  );
}

export function invalidLinkPage(): Page {
  return layout(
    400,
    'This link does not work',
    `<p>The link may be incomplete. Open it again from your latest Rapport digest, or sign in through your institution (see <a href="/me">how to get in</a>).</p>`,
  );
}

/** The sign-in form was posted from elsewhere, or the page was open too long. */
export function staleFormPage(): Page {
  return layout(
    403,
    'Please try again',
    `<p>For your safety this sign-in has to start from the link in your digest. Open the link again and press the button.</p>`,
  );
}

export function signedOutPage(): Page {
  return layout(
    200,
    'Signed out',
    `<p>You are signed out. Use the link in your next digest to come back.</p>`,
  );
}

/**
 * GET /me without a session. With `?institution=<slug>` of an institution that has its own
 * provider, the page leads with "Sign in with <institution>".
 */
export function howToSignInPage(institution: { slug: string; name: string } | null = null): Page {
  const provider = institution
    ? `<p><a class="button" href="/me/sign-in/provider?institution=${encodeURIComponent(institution.slug)}">Sign in with ${e(institution.name)}</a></p>
<p>You sign in with your ${e(institution.name)} account; Rapport never sees your password.</p>`
    : '';
  return layout(
    200,
    'Sign in to your week',
    `<p>Your week in Rapport shows your follow-ups, your progress and your upcoming interviews.</p>
${provider}<h2>${institution ? 'Other ways in' : 'How to get in'}</h2>
<ul>
<li>Open the <strong>“Open your week”</strong> link in your latest Rapport digest email. It signs you in for a while; after that, use the link again.</li>
<li>If your institution signs you in to Rapport with its own account, use the sign-in your career office gave you; it brings you here.</li>
</ul>
<p>Sessions end after 30 minutes without activity, and at the latest after 8 hours.</p>`,
  );
}

/** The provider signed in a staff member: this page is the students' own. */
export function staffPage(): Page {
  return layout(
    200,
    'This page is for students',
    `<p>Thank you for signing in. “My week” shows a student their own follow-ups, so there is nothing here for staff accounts.</p>
<p>Please use Rapport for career offices to see your students' progress.</p>`,
  );
}

/** The student declined at their institution's sign-in. */
export function providerDeniedPage(): Page {
  return layout(
    403,
    'Sign-in was cancelled',
    `<p>Your institution did not share your sign-in with Rapport, so you are not signed in. <a href="/me">Back to the sign-in page</a> to try again.</p>`,
  );
}

/** No pending sign-in matches: replayed, from another browser, or too old. */
export function providerStateErrorPage(): Page {
  return layout(
    400,
    'Please start again',
    `<p>This sign-in was already used, has expired, or was started in another browser. For your safety, <a href="/me">start again</a>.</p>`,
  );
}

export function unknownInstitutionPage(): Page {
  return layout(
    404,
    'Institution not found',
    `<p>This institution does not sign in to Rapport with its own accounts. Use the link in your Rapport digest instead (see <a href="/me">how to get in</a>).</p>`,
  );
}

/** The provider could not be reached, or its answer did not verify. */
export function providerFailedPage(): Page {
  return layout(
    502,
    'Sign-in did not work',
    `<p>Your institution's sign-in could not be completed. Please <a href="/me">try again</a> in a moment; if it keeps failing, use the link in your Rapport digest.</p>`,
  );
}

/** The account is not an enrolled student or staff member: the help-desk message, no personal data. */
export function providerNotEnrolledPage(message: string): Page {
  return layout(403, 'We could not find you in Rapport', `<p>${e(message)}</p>`);
}

export function forbiddenPage(): Page {
  return layout(
    403,
    'That did not work',
    `<p>The form was out of date or did not come from this page. <a href="/me">Back to your week</a> and try again.</p>`,
  );
}

export function notEnrolledPage(name: string, csrf: string): Page {
  return layout(
    403,
    'Your program has ended',
    `<p>Hello ${e(name)}. You are no longer enrolled in a Rapport program, so there is nothing to do here now. If you think this is a mistake, please contact your career office.</p>`,
    { signOut: csrf },
  );
}

export function invalidActionPage(): Page {
  return layout(
    400,
    'That step is not known',
    `<p>The step you sent was not recognised. <a href="/me">Back to your week</a>.</p>`,
  );
}

export function refusedActionPage(): Page {
  return layout(
    409,
    'This step could not be recorded',
    `<p>The follow-up may have changed, or what you wrote is too long. <a href="/me">Back to your week</a> to see what is outstanding now.</p>`,
  );
}

function when(instant: string, zone: string, format = "ccc, LLL d 'at' h:mm a"): string {
  return DateTime.fromISO(instant, { zone }).toFormat(format);
}

function itemHtml(item: WeekItem, index: number, zone: string, csrf: string): string {
  const { title, button } = followUpStepCopy(item.kind, item.who ?? 'your contact');
  const id = `item-${index}`;
  const hidden = (name: string, value: string | undefined) =>
    value ? `<input type="hidden" name="${name}" value="${e(value)}">` : '';
  return `<li${item.overdue ? ' class="overdue"' : ''}>
<h3 id="${id}-title" style="font-size:1rem;margin:0">${e(title)}</h3>
<p class="due">${item.overdue ? 'Overdue: was due' : 'Due'} ${e(when(item.dueAt, zone, 'ccc, LLL d'))}</p>
<form class="act" method="post" action="/me/actions">
<input type="hidden" name="csrf" value="${e(csrf)}">
<input type="hidden" name="kind" value="${e(item.kind)}">
${hidden('interviewId', item.interviewId)}${hidden('contactId', item.contactId)}
${stepChoiceFields(item.kind, `${id}-`)}<button type="submit" aria-describedby="${id}-title">${e(button)}</button>
</form>
</li>`;
}

/** The week: what is owed, how far along, what is coming, what happened lately. */
export function weekPage(view: WeekView, csrf: string, pending: boolean): Page {
  const { target } = view;
  const items = view.items.length
    ? `<ul class="items">${view.items.map((item, i) => itemHtml(item, i, view.zone, csrf)).join('\n')}</ul>`
    : `<p>Nothing to follow up on right now. Well done.</p>`;
  const upcoming = view.upcoming.length
    ? `<ul>${view.upcoming
        .map((i) => {
          const place = [
            i.format ? i.format.replace('_', ' ') : null,
            i.location,
            i.meetingLink,
          ].filter((p): p is string => !!p);
          return `<li><strong>${e(i.who ?? 'Interview')}</strong>: <time datetime="${e(i.scheduledFor)}">${e(when(i.scheduledFor, view.zone))}</time>${i.durationMinutes ? `, ${i.durationMinutes} minutes` : ''}${place.length ? ` · ${e(place.join(' · '))}` : ''}</li>`;
        })
        .join('')}</ul>`
    : `<p>No interviews scheduled yet.</p>`;
  const recent = view.recent.length
    ? `<ul>${view.recent
        .map(
          (r) =>
            `<li><time datetime="${e(r.at)}">${e(when(r.at, view.zone, 'LLL d'))}</time>: ${e(r.title)}</li>`,
        )
        .join('')}</ul>`
    : `<p>Nothing recorded yet.</p>`;
  const notice = pending
    ? `<p class="notice" role="status">Your step is saved. It can take a moment to show here; reload the page shortly.</p>`
    : '';
  return layout(
    200,
    'Your week',
    `${notice}<p>Hello ${e(view.studentName)}, here is what is on your list.</p>
<section aria-labelledby="follow-ups"><h2 id="follow-ups">Follow-ups</h2>${items}</section>
<section aria-labelledby="target"><h2 id="target">Your interview target</h2>
<p><label for="target-progress">${target.held} of ${target.target} interviews held</label></p>
<progress id="target-progress" max="${Math.max(target.target, 1)}" value="${Math.min(target.held, Math.max(target.target, 1))}">${target.held} of ${target.target}</progress>
<p>${target.remaining > 0 ? `${target.remaining} more to reach your target.` : 'You reached your target.'}</p></section>
<section aria-labelledby="upcoming"><h2 id="upcoming">Upcoming interviews</h2>${upcoming}</section>
<section aria-labelledby="recent"><h2 id="recent">Recent activity</h2>${recent}</section>
${calendarFeedSection(view.calendarFeed, csrf)}`,
    { signOut: csrf, headerText: view.institutionName },
  );
}
