import { escapeHtml, webcalUrl } from '@rapport/notifications';

/**
 * The calendar part of the week page (`id="calendar"`, so `/me#calendar` lands on it): the
 * subscribe links, and plain forms that renew or revoke the feed (POST with the page's CSRF
 * token, so they work without JavaScript). Pure: the week page's routes own sessions and CSRF.
 */
export function calendarFeedSection(
  feed: { url: string; renewedAt: string } | null,
  csrfToken: string,
): string {
  const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(csrfToken)}">`;
  const renewForm = (label: string) =>
    `<form method="post" action="/me/calendar/renew">${csrf}<button type="submit">${label}</button></form>`;
  if (!feed) {
    return `<section id="calendar" aria-labelledby="calendar-heading">
<h2 id="calendar-heading">Your calendar</h2>
<p>See your scheduled interviews and the due dates of your follow-ups in your own calendar app. You get a private link that only you should know; it updates by itself.</p>
${renewForm('Get my calendar link')}
</section>`;
  }
  const url = escapeHtml(feed.url);
  const webcal = escapeHtml(webcalUrl(feed.url));
  const since = escapeHtml(feed.renewedAt.slice(0, 10));
  return `<section id="calendar" aria-labelledby="calendar-heading">
<h2 id="calendar-heading">Your calendar</h2>
<p><a href="${webcal}" rel="noreferrer">Subscribe in your calendar app</a></p>
<p><label for="calendar-url">Or paste this private link into your calendar app:</label><br>
<input id="calendar-url" type="url" readonly value="${url}" size="60"></p>
<p>Keep this link to yourself: anyone who has it can see your interviews. Link made on <time datetime="${escapeHtml(feed.renewedAt)}">${since}</time>.</p>
${renewForm('Make a new link (the old one stops working)')}
<form method="post" action="/me/calendar/revoke">${csrf}<button type="submit">Turn the calendar link off</button></form>
</section>`;
}
