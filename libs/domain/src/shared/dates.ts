/**
 * Pure date arithmetic on ISO-8601 strings. Instants are parsed, never read from the clock:
 * `now` always arrives as an argument. Results are normalised to UTC (`...Z`) so that events
 * and read models can compare them as plain strings.
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

// Date-time with an explicit offset: a bare local time would mean different instants per server.
const INSTANT_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for an ISO-8601 date-time with a `Z` or `±hh:mm` offset that names a real instant. */
export function isIsoInstant(value: string): boolean {
  return INSTANT_PATTERN.test(value) && !Number.isNaN(Date.parse(value));
}

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2025-02-30). */
export function isIsoDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return (
    parsed.getUTCFullYear() === year &&
    parsed.getUTCMonth() === month - 1 &&
    parsed.getUTCDate() === day
  );
}

export function toEpochMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO-8601 instant: ${instant}`);
  return ms;
}

/** The same instant written in UTC with milliseconds, e.g. `2025-03-01T09:00:00.000Z`. */
export function normalizeInstant(instant: string): string {
  return new Date(toEpochMs(instant)).toISOString();
}

/** Adds whole days as 24-hour spans (due dates need no calendar or DST awareness). */
export function addDays(instant: string, days: number): string {
  return new Date(toEpochMs(instant) + days * MS_PER_DAY).toISOString();
}

export function addMinutes(instant: string, minutes: number): string {
  return new Date(toEpochMs(instant) + minutes * MS_PER_MINUTE).toISOString();
}

/** Negative when `a` is earlier than `b`, zero when equal, positive when later. */
export function compareInstants(a: string, b: string): number {
  return toEpochMs(a) - toEpochMs(b);
}

export function isBefore(a: string, b: string): boolean {
  return compareInstants(a, b) < 0;
}

export function isAfter(a: string, b: string): boolean {
  return compareInstants(a, b) > 0;
}

/** The latest of the given instants, ignoring null/undefined; null when none is given. */
export function latestInstant(...instants: (string | null | undefined)[]): string | null {
  let latest: string | null = null;
  for (const instant of instants) {
    if (instant && (latest === null || isAfter(instant, latest))) latest = instant;
  }
  return latest;
}

/** Whole days from `from` to `to` (rounded down; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.floor((toEpochMs(to) - toEpochMs(from)) / MS_PER_DAY);
}
