import { type AdvisorDigest, type DigestItem, type StudentDigest } from './digest-content';
import { href, html, type SafeHtml } from './html';
import { headerText, page, STYLE, textPage } from './mail-layout';

// Templates are plain TypeScript functions over the digest types with the escaping `html`
// builder: no templating engine, so no extra dependency and the compiler checks every field.
// Styles are inline because many mail clients drop <style> blocks. Prettier formats the `html`
// templates as HTML; the whitespace it adds is insignificant and stripped from the output.

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

export interface RenderOptions {
  /** The one-click unsubscribe URL, also linked in the footer. */
  unsubscribeUrl: string;
}

export function renderStudentDigest(
  digest: StudentDigest,
  options: RenderOptions,
): RenderedMessage {
  const summary = studentSummary(digest);
  const subject = headerText(`${digest.institutionName}: your week – ${summary}`);
  const heading = 'Your follow-ups this week';

  const itemHtml = (item: DigestItem) =>
    html`<li style="${STYLE.item}">
      ${item.title}<br />
      <span style="${STYLE.meta}">Due ${item.due}</span
      >${item.overdue ? html` <strong style="${STYLE.overdue}">Overdue</strong>` : ''}<br />
      <a href="${href(item.url)}" style="${STYLE.link}">${item.actionLabel}</a>
    </li>`;
  const body = html`<p style="${STYLE.p}">Hi ${digest.studentName},</p>
    <p style="${STYLE.p}">${summary}.</p>
    ${digest.sections.map(
      (section) =>
        html`<h2 style="${STYLE.h2}">${section.heading}</h2>
          <ul style="${STYLE.list}">
            ${section.items.map(itemHtml)}
          </ul> `,
    )}${
      digest.target
        ? html`<h2 style="${STYLE.h2}">Your interview target</h2>
            <p style="${STYLE.p}">
              <a href="${href(digest.target.url)}" style="${STYLE.link}">${digest.target.text}</a>
            </p> `
        : ''
    }
    <p style="${STYLE.p}">
      <a href="${href(digest.url)}" style="${STYLE.link}">See your week in Rapport</a>
    </p>
    <p style="${STYLE.p}">
      <a href="${href(digest.calendarUrl)}" style="${STYLE.link}"
        >Add your interviews to your calendar</a
      >
    </p>`;

  const text = [
    digest.institutionName,
    heading,
    '',
    `Hi ${digest.studentName},`,
    '',
    `${summary}.`,
    ...digest.sections.flatMap((section) => [
      '',
      section.heading.toUpperCase(),
      ...section.items.flatMap((item) => [
        '',
        `- ${item.title}`,
        `  Due ${item.due}${item.overdue ? ' (OVERDUE)' : ''}`,
        `  ${item.actionLabel}: ${item.url}`,
      ]),
    ]),
    ...(digest.target
      ? ['', 'YOUR INTERVIEW TARGET', '', digest.target.text, digest.target.url]
      : []),
    '',
    `See your week in Rapport: ${digest.url}`,
    `Add your interviews to your calendar: ${digest.calendarUrl}`,
  ];

  return {
    subject,
    html: page(subject, digest.institutionName, heading, body, footerHtml(digest, options)),
    text: textPage(text, footerText(digest, options)),
  };
}

export function renderAdvisorDigest(
  digest: AdvisorDigest,
  options: RenderOptions,
): RenderedMessage {
  const summary = advisorSummary(digest);
  const subject = headerText(`${digest.institutionName}: your cohorts this week – ${summary}`);
  const heading = 'Your cohorts this week';
  const greeting = digest.advisorName ? `Hi ${digest.advisorName},` : 'Hello,';

  const body = html`<p style="${STYLE.p}">${greeting}</p>
    <p style="${STYLE.p}">${summary}.</p>
    ${digest.cohorts.map(
      (cohort) =>
        html`<h2 style="${STYLE.h2}">
            <a href="${href(cohort.url)}" style="${STYLE.link}">${cohort.name}</a>
          </h2>
          <p style="${STYLE.p}">
            ${plural(cohort.studentCount, 'student')} ·
            ${plural(cohort.overdueTotal, 'overdue follow-up')}
          </p>
          ${
            cohort.atRisk.length > 0
              ? html`<h3 style="${STYLE.h3}">Students at risk</h3>
                  <ul style="${STYLE.list}">
                    ${cohort.atRisk.map(
                      (s) =>
                        html`<li style="${STYLE.item}">
                          <a href="${href(s.url)}" style="${STYLE.link}">${s.name}</a>
                          <span style="${STYLE.meta}">(risk ${s.riskScore})</span>${
                            s.reasons.length > 0
                              ? html`<br /><span style="${STYLE.meta}"
                                    >${s.reasons.join('; ')}</span
                                  >`
                              : ''
                          }
                        </li> `,
                    )}
                  </ul> `
              : ''
          }${
            cohort.atTarget.length > 0
              ? html`<h3 style="${STYLE.h3}">Reached their target</h3>
                  <ul style="${STYLE.list}">
                    ${cohort.atTarget.map(
                      (s) =>
                        html`<li style="${STYLE.item}">
                          <a href="${href(s.url)}" style="${STYLE.link}">${s.name}</a>
                        </li> `,
                    )}
                  </ul> `
              : ''
          }`,
    )}
    <p style="${STYLE.p}"><a href="${href(digest.url)}" style="${STYLE.link}">Open Rapport</a></p>`;

  const text = [
    digest.institutionName,
    heading,
    '',
    greeting,
    '',
    `${summary}.`,
    ...digest.cohorts.flatMap((cohort) => [
      '',
      cohort.name.toUpperCase(),
      `${plural(cohort.studentCount, 'student')} · ${plural(cohort.overdueTotal, 'overdue follow-up')}`,
      cohort.url,
      ...(cohort.atRisk.length > 0
        ? [
            '',
            'Students at risk:',
            ...cohort.atRisk.flatMap((s) => [
              `- ${s.name} (risk ${s.riskScore})${s.reasons.length > 0 ? `: ${s.reasons.join('; ')}` : ''}`,
              `  ${s.url}`,
            ]),
          ]
        : []),
      ...(cohort.atTarget.length > 0
        ? ['', 'Reached their target:', ...cohort.atTarget.map((s) => `- ${s.name}  ${s.url}`)]
        : []),
    ]),
    '',
    `Open Rapport: ${digest.url}`,
  ];

  return {
    subject,
    html: page(subject, digest.institutionName, heading, body, footerHtml(digest, options)),
    text: textPage(text, footerText(digest, options)),
  };
}

function studentSummary(digest: StudentDigest): string {
  if (digest.itemCount === 0) return digest.target?.text ?? 'nothing outstanding';
  const overdue = digest.overdueCount > 0 ? `, ${digest.overdueCount} overdue` : '';
  return `${plural(digest.itemCount, 'follow-up')}${overdue}`;
}

function advisorSummary(digest: AdvisorDigest): string {
  const parts = [
    `${plural(digest.atRiskCount, 'student')} at risk`,
    plural(digest.overdueTotal, 'overdue follow-up'),
  ];
  const reached = digest.cohorts.reduce((n, c) => n + c.atTarget.length, 0);
  if (reached > 0) parts.push(`${reached} reached their target`);
  return parts.join(', ');
}

function footerHtml(digest: StudentDigest | AdvisorDigest, options: RenderOptions): SafeHtml {
  return html`<footer style="${STYLE.footer}">
    <p style="${STYLE.p}">
      You get this weekly email from ${digest.institutionName} through Rapport.
    </p>
    <p style="margin:0;">
      <a href="${href(options.unsubscribeUrl)}" style="${STYLE.link}"
        >Unsubscribe from these weekly emails</a
      >
    </p>
  </footer>`;
}

function footerText(digest: StudentDigest | AdvisorDigest, options: RenderOptions): string[] {
  return [
    '-- ',
    `You get this weekly email from ${digest.institutionName} through Rapport.`,
    `Unsubscribe: ${options.unsubscribeUrl}`,
  ];
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
