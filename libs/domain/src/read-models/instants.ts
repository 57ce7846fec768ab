import { normalizeInstant } from '../shared/dates';

/**
 * Small helpers over ISO-8601 UTC instants (`…Z`, normalised by the deciders), which compare
 * correctly as plain strings. Inputs from outside (an `asOf`) go through `normalizeInstant`
 * first, because `…00Z` and `…00.000Z` do not compare correctly as strings.
 */

export const MS_PER_DAY = 86_400_000;

/** The earlier instant, ignoring null (string order; both must be normalised). */
export function minInstant(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

/** The later instant, ignoring null (string order; both must be normalised). */
export function maxInstant(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/** `asOf` from a caller, written the way events write instants. */
export function instant(value: string): string {
  // Stored events already carry canonical UTC instants: skip the parse on the hot path.
  return CANONICAL_UTC.test(value) ? value : normalizeInstant(value);
}

const CANONICAL_UTC = /^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** Fractional days from `from` to `to` (negative when `to` is earlier). */
export function daysFrom(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / MS_PER_DAY;
}

/** Midnight UTC at the start of a `YYYY-MM-DD` calendar date. */
export function startOfDate(date: string): string {
  return `${date}T00:00:00.000Z`;
}

/** Midnight UTC after a `YYYY-MM-DD` date: cohort end dates are inclusive. */
export function endOfDate(date: string): string {
  return new Date(Date.parse(startOfDate(date)) + MS_PER_DAY).toISOString();
}

/** The ISO week an instant falls in (UTC): its Monday and its `YYYY-Www` label. */
export function isoWeekOf(at: string): { weekStart: string; week: string } {
  const day = new Date(Date.parse(at.slice(0, 10) + 'T00:00:00.000Z'));
  const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * MS_PER_DAY);
  const thursday = new Date(monday.getTime() + 3 * MS_PER_DAY);
  const isoYear = thursday.getUTCFullYear();
  const jan4 = new Date(Date.UTC(isoYear, 0, 4));
  const firstMonday = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * MS_PER_DAY;
  const week = 1 + Math.round((monday.getTime() - firstMonday) / (7 * MS_PER_DAY));
  return {
    weekStart: monday.toISOString().slice(0, 10),
    week: `${isoYear}-W${String(week).padStart(2, '0')}`,
  };
}

/** Middle value (mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `count / of`, or null when there is nothing to divide by (shown as "n/a", not 0 %). */
export function ratio(count: number, of: number): number | null {
  return of === 0 ? null : count / of;
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Plain code-unit order: stable across locales and runtimes, unlike localeCompare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
