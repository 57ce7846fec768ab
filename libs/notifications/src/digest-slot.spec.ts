import { digestSlot, isoWeekOf, pendingDigestWeek, weekBounds } from './digest-slot';

const LA = 'America/Los_Angeles';
const TOKYO = 'Asia/Tokyo';
const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe('digestSlot', () => {
  describe('Monday 08:00 local around the US DST changes', () => {
    it.each([
      // The week before, the week of and the week after spring forward (Sunday 2026-03-08).
      [LA, '2026-03-04T12:00:00Z', '2026-W10', '2026-03-02T16:00:00.000Z'],
      [LA, '2026-03-11T12:00:00Z', '2026-W11', '2026-03-09T15:00:00.000Z'],
      [TOKYO, '2026-03-04T12:00:00Z', '2026-W10', '2026-03-01T23:00:00.000Z'],
      [TOKYO, '2026-03-11T12:00:00Z', '2026-W11', '2026-03-08T23:00:00.000Z'],
      // Fall back (Sunday 2026-11-01).
      [LA, '2026-10-28T12:00:00Z', '2026-W44', '2026-10-26T15:00:00.000Z'],
      [LA, '2026-11-04T12:00:00Z', '2026-W45', '2026-11-02T16:00:00.000Z'],
      [TOKYO, '2026-10-28T12:00:00Z', '2026-W44', '2026-10-25T23:00:00.000Z'],
      [TOKYO, '2026-11-04T12:00:00Z', '2026-W45', '2026-11-01T23:00:00.000Z'],
    ])('%s at %s: %s slot at %s', (zone, now, week, slotAt) => {
      const slot = digestSlot(at(now), zone, 1, 8);
      expect(slot.week).toBe(week);
      expect(iso(slot.slotAt)).toBe(slotAt);
      expect(slot.due).toBe(true);
    });

    it('is due exactly at the slot and not a millisecond before', () => {
      expect(digestSlot(at('2026-03-09T14:59:59.999Z'), LA, 1, 8).due).toBe(false);
      expect(digestSlot(at('2026-03-09T15:00:00.000Z'), LA, 1, 8).due).toBe(true);
      expect(digestSlot(at('2026-11-02T15:59:59.999Z'), LA, 1, 8).due).toBe(false);
      expect(digestSlot(at('2026-11-02T16:00:00.000Z'), LA, 1, 8).due).toBe(true);
    });
  });

  describe('local hours that do not exist or happen twice', () => {
    it('a skipped hour resolves to the first instant after the gap', () => {
      // Sunday 2026-03-08 02:00 does not exist in Los Angeles; 03:00 PDT follows 01:59 PST.
      expect(iso(digestSlot(at('2026-03-08T20:00:00Z'), LA, 7, 2).slotAt)).toBe(
        '2026-03-08T10:00:00.000Z',
      );
      // Lord Howe moves 30 minutes: 02:00 → 02:30 (+11:00).
      expect(iso(digestSlot(at('2026-10-04T12:00:00Z'), 'Australia/Lord_Howe', 7, 2).slotAt)).toBe(
        '2026-10-03T15:30:00.000Z',
      );
      // Chile skips midnight: Sunday 00:00 → 01:00 (-03:00).
      expect(iso(digestSlot(at('2026-09-06T12:00:00Z'), 'America/Santiago', 7, 0).slotAt)).toBe(
        '2026-09-06T04:00:00.000Z',
      );
    });

    it('an hour that happens twice resolves to its first occurrence', () => {
      // Sunday 2026-11-01 01:00 happens at 08:00Z (PDT) and again at 09:00Z (PST).
      expect(iso(digestSlot(at('2026-11-01T20:00:00Z'), LA, 7, 1).slotAt)).toBe(
        '2026-11-01T08:00:00.000Z',
      );
      expect(digestSlot(at('2026-11-01T08:30:00Z'), LA, 7, 1).due).toBe(true);
    });
  });

  describe('catching up after downtime', () => {
    it('a slot missed while down is still due later the same week', () => {
      // Down from Sunday to Saturday evening local: the Monday slot is still owed.
      const slot = digestSlot(at('2026-03-15T03:00:00Z'), LA, 1, 8);
      expect(slot).toEqual({ week: '2026-W11', slotAt: at('2026-03-09T15:00:00Z'), due: true });
      expect(pendingDigestWeek(at('2026-03-15T03:00:00Z'), LA, 1, 8, '2026-W10')).toBe('2026-W11');
      expect(pendingDigestWeek(at('2026-03-15T03:00:00Z'), LA, 1, 8, '2026-W11')).toBeNull();
    });

    it('the next week is not due until its own slot, whatever ran before', () => {
      const early = at('2026-03-16T14:59:00Z'); // Monday 07:59 PDT
      expect(digestSlot(early, LA, 1, 8)).toMatchObject({ week: '2026-W12', due: false });
      expect(pendingDigestWeek(early, LA, 1, 8, '2026-W10')).toBeNull();
      expect(pendingDigestWeek(early, LA, 1, 8, null)).toBeNull();
      expect(pendingDigestWeek(at('2026-03-16T15:00:00Z'), LA, 1, 8, '2026-W11')).toBe('2026-W12');
    });
  });

  describe('week boundaries (Sunday late, Monday early)', () => {
    it('Los Angeles: Sunday 23:30 local is still last week although UTC is Monday', () => {
      const sunday = at('2026-03-16T06:30:00Z'); // Sunday 2026-03-15 23:30 PDT
      expect(isoWeekOf(sunday, 'UTC')).toBe('2026-W12');
      expect(digestSlot(sunday, LA, 1, 8)).toMatchObject({ week: '2026-W11', due: true });
      const monday = at('2026-03-16T07:30:00Z'); // Monday 00:30 PDT
      expect(digestSlot(monday, LA, 1, 8)).toMatchObject({ week: '2026-W12', due: false });
    });

    it('Tokyo: Monday 00:30 local is the new week although UTC is still Sunday', () => {
      const sunday = at('2026-03-15T14:30:00Z'); // Sunday 23:30 JST
      expect(digestSlot(sunday, TOKYO, 1, 8)).toMatchObject({ week: '2026-W11', due: true });
      const monday = at('2026-03-15T15:30:00Z'); // Monday 00:30 JST
      expect(isoWeekOf(monday, 'UTC')).toBe('2026-W11');
      expect(digestSlot(monday, TOKYO, 1, 8)).toMatchObject({
        week: '2026-W12',
        slotAt: at('2026-03-15T23:00:00Z'),
        due: false,
      });
    });

    it('a Sunday-late slot belongs to the week that ends that Sunday', () => {
      const slot = digestSlot(at('2026-03-10T00:00:00Z'), TOKYO, 7, 23);
      expect(slot).toMatchObject({ week: '2026-W11', due: false });
      expect(iso(slot.slotAt)).toBe('2026-03-15T14:00:00.000Z');
    });

    it('ISO week years differ from calendar years at the turn of the year', () => {
      expect(isoWeekOf(at('2027-01-01T12:00:00Z'), TOKYO)).toBe('2026-W53');
      expect(isoWeekOf(at('2027-01-03T16:00:00Z'), TOKYO)).toBe('2027-W01');
      expect(isoWeekOf(at('2027-01-04T07:00:00Z'), LA)).toBe('2026-W53');
    });
  });

  it('rejects invalid zones, weekdays and hours', () => {
    const now = at('2026-03-11T12:00:00Z');
    expect(() => digestSlot(now, 'Mars/Olympus_Mons', 1, 8)).toThrow(/time zone/);
    expect(() => digestSlot(now, '', 1, 8)).toThrow(/time zone/);
    expect(() => isoWeekOf(now, 'Nowhere')).toThrow(/time zone/);
    expect(() => digestSlot(now, LA, 0, 8)).toThrow(/weekday/);
    expect(() => digestSlot(now, LA, 1, 24)).toThrow(/hour/);
    expect(() => digestSlot(new Date(NaN), LA, 1, 8)).toThrow(/now/);
  });
});

describe('weekBounds', () => {
  it('spans local Monday midnight to the next, across a DST change', () => {
    expect(weekBounds('2026-W10', LA)).toEqual({
      start: at('2026-03-02T08:00:00Z'),
      end: at('2026-03-09T07:00:00Z'),
    });
    expect(weekBounds('2026-W53', TOKYO)).toEqual({
      start: at('2026-12-27T15:00:00Z'),
      end: at('2027-01-03T15:00:00Z'),
    });
  });

  it('round-trips with isoWeekOf and digestSlot', () => {
    const { start, end } = weekBounds('2026-W45', LA);
    expect(isoWeekOf(start, LA)).toBe('2026-W45');
    expect(isoWeekOf(new Date(end.getTime() - 1), LA)).toBe('2026-W45');
    expect(isoWeekOf(end, LA)).toBe('2026-W46');
    const slot = digestSlot(start, LA, 3, 17);
    expect(slot.slotAt >= start && slot.slotAt < end).toBe(true);
  });

  it('rejects malformed and non-existent weeks and invalid zones', () => {
    expect(() => weekBounds('2025-W53', LA)).toThrow(/ISO week/);
    expect(() => weekBounds('2026-W00', LA)).toThrow(/ISO week/);
    expect(() => weekBounds('2026-W1', LA)).toThrow(/ISO week/);
    expect(() => weekBounds('2026-W10', 'Not/AZone')).toThrow(/time zone/);
  });
});
