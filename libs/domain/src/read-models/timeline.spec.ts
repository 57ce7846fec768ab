import { type DomainEvent } from '../domain';
import { day, events } from './read-models.fixtures';
import { describeEvent, staffOnlyEventTypes } from './timeline';

const e = events();
const student = { id: 's-1', role: 'student' };

describe('describeEvent', () => {
  it('given interview events, then titles read like an activity feed', () => {
    const titles = [
      e.requested('i-1', 'k-1', day(1)),
      e.held('i-1', 'k-1', day(3)),
      e.thanked('i-1', 'k-1', day(4)),
      e.referrals('i-1', 'k-1', day(4), [{ contactId: 'k-2' }, { contactId: 'k-3' }]),
      e.referrals('i-1', 'k-1', day(5), [{ contactId: 'k-4' }]),
      e.touchpoint('i-1', 'k-1', day(9), 'shared_article'),
    ].map((event) => describeEvent(event, student).title);
    expect(titles).toEqual([
      'Sent an interview request by email',
      'Held the interview (coffee)',
      'Thanked them by email',
      'Received 2 referrals',
      'Received a referral',
      'Stayed in touch: shared an article',
    ]);
  });

  it('given a request, then the entry has its time, type and a detail', () => {
    expect(describeEvent(e.requested('i-1', 'k-1', day(1), 'linkedin'), student)).toEqual({
      at: day(1),
      kind: 'InterviewRequested',
      title: 'Sent an interview request on LinkedIn',
      detail: 'Asked for 30 minutes',
    });
  });

  it('given an advisor recorded it, then the detail says so', () => {
    expect(
      describeEvent(e.held('i-1', 'k-1', day(3), { format: null }), { id: 'a-1', role: 'advisor' }),
    ).toEqual({
      at: day(3),
      kind: 'InterviewHeld',
      title: 'Held the interview',
      detail: 'Recorded by an advisor',
    });
  });

  it('given events with personal data, then none of it appears', () => {
    const note: DomainEvent = {
      type: 'AdvisorNoteAdded',
      data: {
        studentId: 's-1',
        noteId: 'n-1',
        advisorId: 'a-1',
        at: day(1),
        personal: { text: 'Secret' },
      },
    };
    const all = [
      note,
      e.contact('k-1', day(1), { organization: 'Acme', role: 'CTO' }),
      e.enrolled(day(1)),
      e.declined('i-1', 'k-1', day(2)),
      e.requested('i-1', 'k-1', day(1)),
      e.held('i-1', 'k-1', day(3)),
      e.referrals('i-1', 'k-1', day(4), [{ contactId: 'k-2' }]),
    ].map((event) => JSON.stringify(describeEvent(event, null)));
    for (const text of all) {
      for (const secret of [
        'Secret',
        'Acme',
        'CTO',
        'Pat Doe',
        'Ada',
        'ada@uni.edu',
        'Too busy',
        'Hello',
        'Private notes',
        'Sam Roe',
      ]) {
        expect(text).not.toContain(secret);
      }
    }
  });
});

describe('staffOnlyEventTypes', () => {
  it('are the events of the notes staff keep on a student, and nothing else', () => {
    expect(staffOnlyEventTypes).toEqual(
      expect.arrayContaining(['AdvisorNoteAdded', 'AdvisorNoteEdited', 'AdvisorNoteRetracted']),
    );
    for (const type of staffOnlyEventTypes) expect(type).toMatch(/^AdvisorNote/);
  });
});
