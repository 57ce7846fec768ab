import { renderSignInLink } from './sign-in-link';

describe('renderSignInLink', () => {
  const signInUrl = 'https://rapport.example.edu/me/sign-in?token=abc.def';
  const message = renderSignInLink({
    institutionName: 'Northfield <b>University</b>',
    studentName: `<script>alert("x")</script> O'Brien`,
    signInUrl,
  });

  it('carries the sign-in link and how long it works in both parts', () => {
    expect(message.subject).toBe('Northfield <b>University</b>: your sign-in link');
    expect(message.html).toContain(`href="${signInUrl}"`);
    expect(message.text).toContain(`See your week in Rapport: ${signInUrl}`);
    for (const part of [message.html, message.text]) expect(part).toContain('24 hours');
  });

  it('escapes names in HTML and has no unsubscribe link (it is asked for, not a newsletter)', () => {
    expect(message.html).not.toMatch(/<script|<b>/);
    expect(message.text).toContain(`Hi <script>alert("x")</script> O'Brien,`);
    expect(message.html + message.text).not.toMatch(/unsubscribe/i);
  });
});
