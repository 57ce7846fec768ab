import {
  calendarFeedUrl,
  signCalendarFeedToken,
  verifyCalendarFeedToken,
  webcalUrl,
} from './calendar-feed';
import { signWeekSignInToken } from './student-links';

const SECRET = 'test-secret-that-is-long-enough';
const subject = { tenantId: 't-1', studentId: 's-1', feedId: 'f-1' };

describe('calendar feed tokens', () => {
  it('round-trips ids and never expires', () => {
    const token = signCalendarFeedToken(subject, SECRET);
    expect(verifyCalendarFeedToken(token, SECRET)).toEqual(subject);
  });

  it('rejects a token of another purpose, another secret or an altered one', () => {
    const week = signWeekSignInToken(
      { tenantId: 't-1', studentId: 's-1', digestId: 'f-1' },
      SECRET,
      new Date(),
    );
    expect(verifyCalendarFeedToken(week, SECRET)).toBeNull();
    const token = signCalendarFeedToken(subject, SECRET);
    expect(verifyCalendarFeedToken(token, 'another-secret-long-enough')).toBeNull();
    const [body, mac] = token.split('.');
    const other = signCalendarFeedToken({ ...subject, feedId: 'f-2' }, SECRET).split('.')[0];
    expect(verifyCalendarFeedToken(`${other}.${mac}`, SECRET)).toBeNull();
    expect(verifyCalendarFeedToken(`${body}.${mac}x`, SECRET)).toBeNull();
  });

  it('puts the token in the path with .ics, and offers the webcal form', () => {
    const url = calendarFeedUrl('https://rapport.example.edu/', 'abc.def');
    expect(url).toBe('https://rapport.example.edu/calendar/abc.def.ics');
    expect(webcalUrl(url)).toBe('webcal://rapport.example.edu/calendar/abc.def.ics');
    expect(webcalUrl('http://localhost:3000/calendar/x.ics')).toBe(
      'webcal://localhost:3000/calendar/x.ics',
    );
  });
});
