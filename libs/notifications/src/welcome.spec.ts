import { renderWelcome, type WelcomeContent } from './welcome';

const content: WelcomeContent = {
  institutionName: 'Northfield <b>University</b>',
  cohortName: 'Fall Explorers',
  studentName: `<script>alert("x")</script> O'Brien & "Co"`,
  interviewTarget: 3,
  interviewStretchTarget: 5,
  meetingMinutes: 30,
  thankYouWindowDays: 3,
  signInUrl: 'https://rapport.example.edu',
};

describe('renderWelcome', () => {
  const message = renderWelcome(content);

  it("states the program's asks and how to sign in, in both parts", () => {
    for (const part of [message.text, message.html]) {
      expect(part).toContain('Talk to 3 to 5 professionals');
      expect(part).toContain('about 30 minutes');
      expect(part).toContain('within 3 days');
      expect(part).toContain('Stay in touch');
      expect(part).toContain('https://rapport.example.edu');
    }
    expect(message.html).toContain('href="https://rapport.example.edu/"');
    expect(message.subject).toBe('Northfield <b>University</b>: welcome to Fall Explorers');
  });

  it('escapes names in HTML and keeps them as typed in text', () => {
    expect(message.html).not.toContain('<script>');
    expect(message.html).not.toContain('<b>University');
    expect(message.html).toContain('&lt;script&gt;');
    expect(message.text).toContain(`Hi ${content.studentName},`);
  });

  it('follows the settings: one target, one day', () => {
    const single = renderWelcome({
      ...content,
      interviewTarget: 6,
      interviewStretchTarget: 5,
      thankYouWindowDays: 1,
      meetingMinutes: 20,
    });
    expect(single.text).toContain('Talk to 6 professionals');
    expect(single.text).toContain('within 1 day of');
    expect(single.text).toContain('about 20 minutes');
  });

  it('carries no unsubscribe link (it is sent once, on enrolment)', () => {
    expect(message.html.toLowerCase()).not.toContain('unsubscribe');
    expect(message.text.toLowerCase()).not.toContain('unsubscribe');
  });
});
