import { DateTime } from 'luxon';

/** Zones change offset at most a few times a year, never twice within a week. */
const STEP_MS = 7 * 86_400_000;

/**
 * An RFC 5545 VTIMEZONE for an IANA zone over the given years, from the zone rules Node ships
 * (ICU), so it is as current as the runtime rather than a copied table. Each offset change in
 * the range is one STANDARD or DAYLIGHT component with an explicit DTSTART (no RRULE to get
 * wrong), preceded by one that states the offset at the start of the range.
 */
export function vtimezone(zone: string, fromYear: number, toYear: number): string | null {
  const start = DateTime.fromObject({ year: fromYear, month: 1, day: 1 }, { zone });
  const end = DateTime.fromObject({ year: toYear + 1, month: 1, day: 1 }, { zone });
  if (!start.isValid || !end.isValid) return null;

  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  const components = [component(start.toMillis(), start.offset, start.offset, zone)];
  for (let t = start.toMillis(), from = offsetAt(t); t < end.toMillis(); t += STEP_MS) {
    const to = offsetAt(t + STEP_MS);
    if (from === to) continue;
    // The first instant with the new offset, to the minute (zone rules change on minutes).
    let low = t;
    let high = t + STEP_MS;
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 120_000) * 60_000;
      if (offsetAt(middle) === from) low = middle;
      else high = middle;
    }
    components.push(component(high, from, to, zone));
    from = to;
  }
  return ['BEGIN:VTIMEZONE', `TZID:${zone}`, ...components, 'END:VTIMEZONE'].join('\r\n');
}

function component(at: number, fromMinutes: number, toMinutes: number, zone: string): string {
  const daylight = DateTime.fromMillis(at, { zone }).isInDST;
  const kind = daylight ? 'DAYLIGHT' : 'STANDARD';
  // DTSTART is the local time of the change as clocks showed it before (RFC 5545, 3.6.5).
  const local = DateTime.fromMillis(at + fromMinutes * 60_000, { zone: 'utc' });
  return [
    `BEGIN:${kind}`,
    `DTSTART:${local.toFormat("yyyyLLdd'T'HHmmss")}`,
    `TZOFFSETFROM:${offset(fromMinutes)}`,
    `TZOFFSETTO:${offset(toMinutes)}`,
    `END:${kind}`,
  ].join('\r\n');
}

function offset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}
