import ICAL from 'ical.js';
import { renderCalendarFeed, type CalendarFeedContent } from './calendar-feed.ics';
import { vtimezone } from './vtimezone';

const base: CalendarFeedContent = {
  studentId: 's-1',
  timeZone: 'America/Chicago',
  weekUrl: 'https://rapport.example.edu/me',
  now: new Date('2026-10-01T12:00:00Z'),
  interviews: [],
  followUps: [],
};

function events(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return { calendar, events: calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)) };
}

describe('calendar feed text', () => {
  it('writes interviews in the institution zone with correct instants either side of a DST change', () => {
    const text = renderCalendarFeed({
      ...base,
      interviews: [
        // 10:00 CDT and, after the change on 1 November, 10:00 CST.
        { at: '2026-10-20T15:00:00.000Z', id: 'i-1' },
        { at: '2026-11-10T16:00:00.000Z', id: 'i-2' },
      ].map(({ at, id }) => ({
        interviewId: id,
        status: 'scheduled' as const,
        scheduledFor: at,
        durationMinutes: 30,
        format: 'video' as const,
        location: null,
        meetingLink: 'https://meet.example.com/abc',
        contactName: 'Dana Lee',
        rescheduleCount: 0,
      })),
    });
    expect(text).toContain('DTSTART;TZID=America/Chicago:20261020T100000');
    expect(text).toContain('DTSTART;TZID=America/Chicago:20261110T100000');
    const parsed = events(text);
    expect(parsed.events.map((e) => e.startDate.toJSDate().toISOString())).toEqual([
      '2026-10-20T15:00:00.000Z',
      '2026-11-10T16:00:00.000Z',
    ]);
    expect(parsed.events[0].endDate.toJSDate().toISOString()).toBe('2026-10-20T15:30:00.000Z');
  });

  it("lists a zone's changes at the local time they happen, as the clocks showed before", () => {
    const zone = vtimezone('America/Chicago', 2026, 2026)!;
    expect(zone).toContain(
      'BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0600\r\nTZOFFSETTO:-0500',
    );
    expect(zone).toContain(
      'BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0600',
    );
    expect(zone.match(/BEGIN:(STANDARD|DAYLIGHT)/g)).toHaveLength(3);
  });

  it('states one offset for a zone without changes', () => {
    const zone = vtimezone('Asia/Tokyo', 2026, 2027)!;
    expect(zone.match(/BEGIN:STANDARD/g)).toHaveLength(1);
    expect(zone).toContain('TZOFFSETTO:+0900');
    expect(vtimezone('Mars/Olympus_Mons', 2026, 2027)).toBeNull();
  });
});
