import { renderStaffInvitation } from './staff-invitation';

describe('renderStaffInvitation', () => {
  const evil = `<script>alert("x")</script> O'Brien & "Co"`;
  const message = renderStaffInvitation({
    institutionName: 'Northfield <b>University</b>',
    staffName: evil,
    role: 'advisor',
    email: 'maria.lopez@northfield.edu',
    appUrl: 'https://rapport.northfield.edu',
  });

  it('names the institution, the invitee and how to sign in, in both parts', () => {
    expect(message.subject).toBe('Northfield <b>University</b>: you are invited to Rapport');
    for (const part of [message.html, message.text]) {
      expect(part).toContain('as an advisor');
      expect(part).toContain('maria.lopez@northfield.edu');
      expect(part).toMatch(/sign in with your Northfield (&lt;b&gt;|<b>)University/);
    }
    expect(message.html).toContain('href="https://rapport.northfield.edu/"');
    expect(message.text).toContain('Open Rapport: https://rapport.northfield.edu');
    expect(message.text).toContain(`Hi ${evil},`);
  });

  it('escapes names in HTML', () => {
    expect(message.html).not.toContain('<script>');
    expect(message.html).not.toContain('<b>University');
    expect(message.html).toContain('O&#39;Brien &amp; &quot;Co&quot;');
  });

  it('tells an admin what admins do', () => {
    const admin = renderStaffInvitation({
      institutionName: 'Northfield',
      staffName: 'Ann',
      role: 'admin',
      email: 'ann@northfield.edu',
      appUrl: 'https://rapport.northfield.edu',
    });
    expect(admin.text).toContain('as an administrator');
    expect(admin.text).toContain('invite colleagues');
  });

  it('carries no unsubscribe link (it is not a newsletter)', () => {
    expect(message.html.toLowerCase()).not.toContain('unsubscribe');
    expect(message.text.toLowerCase()).not.toContain('unsubscribe');
  });
});
