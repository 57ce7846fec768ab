import { calendarFeedSection } from './calendar.pages';

describe('calendar feed section of the week page', () => {
  const feed = {
    url: 'https://rapport.example.edu/calendar/abc.def.ics',
    renewedAt: '2026-10-01T12:00:00.000Z',
  };

  it('offers webcal and https links, and renew and revoke forms carrying the CSRF token', () => {
    const html = calendarFeedSection(feed, 'csrf-1');
    expect(html).toContain('href="webcal://rapport.example.edu/calendar/abc.def.ics"');
    expect(html).toContain('value="https://rapport.example.edu/calendar/abc.def.ics"');
    expect(html).toMatch(
      /<form method="post" action="\/me\/calendar\/renew">\s*<input type="hidden" name="csrf" value="csrf-1">/,
    );
    expect(html).toMatch(
      /<form method="post" action="\/me\/calendar\/revoke">\s*<input type="hidden" name="csrf" value="csrf-1">/,
    );
  });

  it('without a feed offers only to make one', () => {
    const html = calendarFeedSection(null, 'csrf-1');
    expect(html).toContain('action="/me/calendar/renew"');
    expect(html).not.toContain('/me/calendar/revoke');
    expect(html).not.toContain('webcal://');
  });

  it('escapes what it prints', () => {
    const html = calendarFeedSection({ ...feed, url: 'https://x/"><script>' }, '"><b>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('"><b>');
  });
});
