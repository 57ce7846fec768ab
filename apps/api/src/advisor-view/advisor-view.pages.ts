import type { FollowUpItem, FunnelStageName } from '@rapport/domain';
import { escapeHtml as e } from '@rapport/notifications';
import { DateTime } from 'luxon';
import type {
  AdvisorViewer,
  CohortCounts,
  CohortPageView,
  StudentPageView,
} from './advisor-view.service';
import type { Page } from '../common/html-page';

// The week page's palette, for the same contrast (≥ 4.5:1): text #1a1a2e on #fff 17:1, links
// #1d4ed8 on #fff 6.7:1, overdue #9f1239 on #fff 7.9:1, header cells #1a1a2e on #f4f4f5 16:1.
const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a2e;background:#fff;margin:0;line-height:1.5}
header,main,footer{max-width:56rem;margin:0 auto;padding:1rem}
header{border-bottom:1px solid #c7c7d1}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
a{color:#1d4ed8}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
:focus-visible{outline:3px solid #b45309;outline-offset:2px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #c7c7d1;padding:.4rem .6rem;text-align:left;vertical-align:top}
thead th{background:#f4f4f5}
td.num{text-align:right}
.overdue{color:#9f1239;font-weight:600}
.notice{background:#eff6ff;border:1px solid #1d4ed8;border-radius:.5rem;padding:.75rem}
`;

function layout(status: number, title: string, body: string, context?: string): Page {
  return {
    status,
    html: `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(title)} · Rapport</title><style>${STYLE}</style></head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><p><strong>Rapport</strong>${context ? ` · ${e(context)}` : ''} · read-only view from your digest</p></header>
<main id="main">
<h1>${e(title)}</h1>
${body}
</main>
<footer><p>This page is what you may see now; it changes nothing. To record notes or change anything, sign in to your institution's Rapport dashboard.</p></footer>
</body>
</html>`,
  };
}

/** Links within the view keep the digest's token (the page is what it may open now). */
function withToken(path: string, token: string): string {
  return `${path}?token=${encodeURIComponent(token)}`;
}

function homeLink(token: string): string {
  return `<p><a href="${e(withToken('/advisor', token))}">All your cohorts</a></p>`;
}

export function homePage(viewer: AdvisorViewer, cohorts: CohortCounts[], token: string): Page {
  const rows = cohorts
    .map(
      (c) => `<tr>
<th scope="row"><a href="${e(withToken(`/advisor/cohorts/${encodeURIComponent(c.cohortId)}`, token))}">${e(c.name)}</a> <span>(${e(c.term)})</span></th>
<td class="num">${c.students}</td><td class="num">${c.atRisk}</td><td class="num">${c.overdue}</td><td class="num">${c.atTarget}</td>
</tr>`,
    )
    .join('\n');
  const body = cohorts.length
    ? `<table>
<caption>Your cohorts this week</caption>
<thead><tr><th scope="col">Cohort</th><th scope="col">Students</th><th scope="col">At risk</th><th scope="col">Overdue follow-ups</th><th scope="col">At target</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : `<p class="notice">You are not assigned to any active cohort at the moment.</p>`;
  return layout(200, 'Your cohorts', body, viewer.institutionName);
}

export function cohortPage(viewer: AdvisorViewer, cohort: CohortPageView, token: string): Page {
  const student = (id: string) => withToken(`/advisor/students/${encodeURIComponent(id)}`, token);
  const rows = cohort.ranked
    .map(
      (s) => `<tr>
<th scope="row"><a href="${e(student(s.studentId))}">${e(s.name)}</a></th>
<td class="num">${s.risk.score}</td>
<td>${s.risk.reasons.length ? e(s.risk.reasons.join('; ')) : 'None'}</td>
<td class="num${s.overdue > 0 ? ' overdue' : ''}">${s.overdue}</td>
<td class="num">${s.held} of ${s.target}${s.atTarget ? ' (at target)' : ''}</td>
</tr>`,
    )
    .join('\n');
  const students = cohort.ranked.length
    ? `<table>
<caption>Students, highest risk first</caption>
<thead><tr><th scope="col">Student</th><th scope="col">Risk</th><th scope="col">Reasons</th><th scope="col">Overdue follow-ups</th><th scope="col">Interviews held</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : `<p class="notice">No students are enrolled in this cohort now.</p>`;
  const funnel = cohort.dashboard.funnel
    .map(
      (f) =>
        `<tr><th scope="row">${e(FUNNEL_LABELS[f.stage])}</th><td class="num">${f.count}</td></tr>`,
    )
    .join('\n');
  return layout(
    200,
    cohort.name,
    `${homeLink(token)}
<h2>This week</h2>
<ul>
<li>${cohort.students} ${cohort.students === 1 ? 'student' : 'students'}</li>
<li>${cohort.atRisk} at risk</li>
<li>${cohort.overdue} overdue ${cohort.overdue === 1 ? 'follow-up' : 'follow-ups'}</li>
<li>${cohort.atTarget} at their interview target</li>
</ul>
<h2>Students</h2>
${students}
<h2>Outreach funnel</h2>
<table>
<caption>Contacts and interview requests of the cohort's students</caption>
<thead><tr><th scope="col">Stage</th><th scope="col">Count</th></tr></thead>
<tbody>
${funnel}
</tbody>
</table>`,
    viewer.institutionName,
  );
}

const FUNNEL_LABELS: Record<FunnelStageName, string> = {
  contacts: 'Contacts added',
  requested: 'Interviews requested',
  accepted: 'Requests accepted',
  scheduled: 'Interviews scheduled',
  held: 'Interviews held',
  thanked: 'Thank-yous sent',
  referral: 'Interviews with referrals',
};

const FOLLOW_UP_LABELS: Record<FollowUpItem['kind'], string> = {
  thank_you: 'Thank-you after an interview',
  nudge: 'Follow up on a request',
  prepare: 'Prepare for an interview',
  reach_out_to_referral: 'Reach out to a referral',
  stay_in_touch: 'Stay in touch',
  reach_target: 'Reach the interview target',
};

export function studentPage(viewer: AdvisorViewer, view: StudentPageView, token: string): Page {
  const { summary } = view;
  const day = (instant: string) =>
    DateTime.fromISO(instant, { zone: viewer.zone }).toFormat('ccc, LLL d');
  const items = view.followUps
    .map(
      (f) => `<tr>
<th scope="row">${e(FOLLOW_UP_LABELS[f.kind])}${f.kind === 'reach_target' && f.remaining !== undefined ? ` (${f.remaining} to go)` : ''}</th>
<td>${f.who ? e(f.who) : '—'}</td>
<td${f.overdue ? ' class="overdue"' : ''}>${e(day(f.dueAt))}${f.overdue ? ' (overdue)' : ''}</td>
</tr>`,
    )
    .join('\n');
  const followUps = view.followUps.length
    ? `<table>
<caption>Outstanding follow-ups, most urgent first</caption>
<thead><tr><th scope="col">Step</th><th scope="col">With</th><th scope="col">Due</th></tr></thead>
<tbody>
${items}
</tbody>
</table>`
    : `<p>Nothing outstanding.</p>`;
  const stat = (label: string, value: string | number) =>
    `<tr><th scope="row">${e(label)}</th><td class="num">${e(String(value))}</td></tr>`;
  return layout(
    200,
    view.name,
    `${homeLink(token)}
${view.cohortName ? `<p>Cohort: ${e(view.cohortName)}</p>` : ''}
<h2>Risk</h2>
<p>Score ${view.risk.score}${view.risk.reasons.length ? `: ${e(view.risk.reasons.join('; '))}` : ' — nothing to worry about.'}</p>
<h2>Progress</h2>
<table>
<caption>Progress so far</caption>
<tbody>
${stat('Interviews held', `${summary.interviews.held} of ${summary.interviews.target}`)}
${stat('Upcoming interviews', summary.interviews.upcoming)}
${stat('Contacts', summary.contacts.total)}
${stat('Requests sent', summary.requests.sent)}
${stat('Requests awaiting a reply', summary.requests.pending)}
${stat('Thank-yous sent', summary.thankYous.sent)}
${stat('Referrals received', summary.referrals.received)}
</tbody>
</table>
<h2>Follow-ups</h2>
${followUps}`,
    viewer.institutionName,
  );
}

/** Old but genuine: the dashboard is where the current picture lives. */
export function expiredPage(institutionName: string | null): Page {
  const where = institutionName
    ? `your institution's Rapport dashboard (${e(institutionName)})`
    : "your institution's Rapport dashboard";
  return layout(
    400,
    'This link has expired',
    `<p>Links in your advisor digest work for 14 days. To see your cohorts now, sign in to ${where}, or open the links in your latest digest.</p>`,
  );
}

export function invalidPage(): Page {
  return layout(
    400,
    'This link does not work',
    `<p>The link may be incomplete. Open it again from your latest Rapport digest, or sign in to your institution's Rapport dashboard.</p>`,
  );
}

export function deactivatedPage(): Page {
  return layout(
    403,
    'This view is no longer available to you',
    `<p>Your Rapport staff account is not active, so the links in your digest no longer open. If you think this is a mistake, please ask an administrator of your institution.</p>`,
  );
}

export function notYoursPage(): Page {
  return layout(
    403,
    'Not one of your students or cohorts',
    `<p>This page is about a student or cohort you do not advise at the moment — for example, a student who has since left your cohort. The rest of your digest's links still work.</p>`,
  );
}

export function notFoundPage(): Page {
  return layout(
    404,
    'Nothing here',
    `<p>This cohort or student no longer exists. The rest of your digest's links still work.</p>`,
  );
}
