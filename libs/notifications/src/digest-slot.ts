import { DateTime, IANAZone } from 'luxon';

/** When an institution's weekly digest is due, in its own time zone. */
export interface DigestSlot {
  /** ISO week of the local date at `now`, e.g. `2026-W48`: the key a run is recorded under. */
  week: string;
  /** The UTC instant of the local weekday + hour in that ISO week. */
  slotAt: Date;
  /** `now >= slotAt`: stays true for the rest of the week so a missed slot is caught up. */
  due: boolean;
}

const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * The digest slot of the ISO week `now` falls in (local to `zone`). A local hour skipped by a
 * spring-forward change resolves to the first instant after the gap; an hour that happens twice
 * (fall-back) resolves to its first occurrence.
 */
export function digestSlot(now: Date, zone: string, weekday: number, hour: number): DigestSlot {
  assertInstant(now, 'now');
  assertInt(weekday, 1, 7, 'weekday');
  assertInt(hour, 0, 23, 'hour');
  const tz = ianaZone(zone);
  const local = DateTime.fromJSDate(now, { zone: tz });
  const monday = local.startOf('day').minus({ days: local.weekday - 1 });
  const day = monday.plus({ days: weekday - 1 });
  const slotAt = resolveLocal(tz, day.year, day.month, day.day, hour);
  return { week: weekKey(local), slotAt, due: now.getTime() >= slotAt.getTime() };
}

/**
 * The week whose digest should run now, or null: due this week and not yet run. Only the
 * current week is ever returned, so after a long outage at most one digest goes out, and a
 * week the app was down for entirely is skipped rather than sent late.
 */
export function pendingDigestWeek(
  now: Date,
  zone: string,
  weekday: number,
  hour: number,
  lastRunWeek: string | null | undefined,
): string | null {
  const slot = digestSlot(now, zone, weekday, hour);
  return slot.due && slot.week !== lastRunWeek ? slot.week : null;
}

/** ISO week (`YYYY-Www`) of the calendar date `date` has in `zone`. */
export function isoWeekOf(date: Date, zone: string): string {
  assertInstant(date, 'date');
  return weekKey(DateTime.fromJSDate(date, { zone: ianaZone(zone) }));
}

/**
 * The instants a local ISO week spans in `zone`: from Monday 00:00 (inclusive) to the next
 * Monday 00:00 (exclusive). A midnight skipped by a DST change starts at the end of the gap.
 */
export function weekBounds(week: string, zone: string): { start: Date; end: Date } {
  const match = WEEK_PATTERN.exec(week);
  const tz = ianaZone(zone);
  const monday = match
    ? DateTime.fromObject(
        { weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 },
        { zone: 'UTC' },
      )
    : null;
  // luxon accepts W53 of a 52-week year by rolling over; the round trip rejects it.
  if (!monday?.isValid || weekKey(monday) !== week) {
    throw new RangeError(`Invalid ISO week: ${JSON.stringify(week)}`);
  }
  const next = monday.plus({ days: 7 });
  return {
    start: resolveLocal(tz, monday.year, monday.month, monday.day, 0),
    end: resolveLocal(tz, next.year, next.month, next.day, 0),
  };
}

function weekKey(local: DateTime): string {
  return `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
}

/**
 * The first instant at which the wall clock in `zone` reads the given local time, or, when it
 * never does (a DST gap), the first instant after it. Done by hand rather than with luxon's
 * gap shifting so zones with unusual transitions (30-minute shifts, changes at midnight)
 * follow the same rule.
 */
function resolveLocal(
  zone: IANAZone,
  year: number,
  month: number,
  day: number,
  hour: number,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour);
  // Offsets in effect around the wall time: any valid reading uses one of them.
  const candidates = new Set([zone.offset(wall - MS_PER_DAY), zone.offset(wall + MS_PER_DAY)]);
  const valid = [...candidates]
    .map((offset) => wall - offset * MS_PER_MINUTE)
    .filter((t) => zone.offset(t) * MS_PER_MINUTE + t === wall)
    .sort((a, b) => a - b);
  if (valid.length > 0) return new Date(valid[0]);

  // A gap: find the transition, the first instant whose local reading is at or past `wall`.
  // Before it the clock reads earlier than `wall`, after it later (the offset grew).
  const localAt = (t: number) => t + zone.offset(t) * MS_PER_MINUTE;
  let lo = wall - Math.max(...candidates) * MS_PER_MINUTE;
  let hi = wall - Math.min(...candidates) * MS_PER_MINUTE;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localAt(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

function ianaZone(zone: string): IANAZone {
  if (typeof zone !== 'string' || !IANAZone.isValidZone(zone)) {
    throw new RangeError(`Invalid IANA time zone: ${JSON.stringify(zone)}`);
  }
  return IANAZone.create(zone);
}

function assertInstant(date: Date, name: string): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError(`${name} must be a valid Date`);
  }
}

function assertInt(value: number, min: number, max: number, name: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
