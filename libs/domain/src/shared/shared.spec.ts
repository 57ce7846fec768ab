import {
  addDays,
  daysBetween,
  isIsoDate,
  isIsoInstant,
  latestInstant,
  normalizeInstant,
} from './dates';
import {
  canonicalTimeZone,
  isLinkedInUrl,
  isValidEmail,
  isValidTimeZone,
  isValidUrl,
  optionalUrl,
  URL_MAX_LENGTH,
} from './validation';

describe('dates', () => {
  it('recognises instants only with an offset', () => {
    expect(isIsoInstant('2025-03-01T09:00:00Z')).toBe(true);
    expect(isIsoInstant('2025-03-01T09:00:00.123+01:00')).toBe(true);
    expect(isIsoInstant('2025-03-01T09:00:00')).toBe(false);
    expect(isIsoInstant('2025-13-01T09:00:00Z')).toBe(false);
  });

  it('recognises real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-2-1')).toBe(false);
  });

  it('does day arithmetic in UTC', () => {
    expect(addDays('2025-03-01T09:00:00+01:00', 3)).toBe('2025-03-04T08:00:00.000Z');
    expect(addDays('2025-03-04T08:00:00Z', -3)).toBe('2025-03-01T08:00:00.000Z');
    expect(normalizeInstant('2025-03-01T09:00:00+01:00')).toBe('2025-03-01T08:00:00.000Z');
    expect(daysBetween('2025-03-01T00:00:00Z', '2025-03-08T12:00:00Z')).toBe(7);
    expect(latestInstant(null, '2025-03-01T00:00:00Z', '2025-03-01T01:00:00+02:00')).toBe(
      '2025-03-01T00:00:00Z',
    );
  });
});

describe('validation', () => {
  it('checks emails pragmatically', () => {
    expect(isValidEmail(' ada@example.edu ')).toBe(true);
    expect(isValidEmail('ada@example')).toBe(false);
    expect(isValidEmail('ada lovelace@example.edu')).toBe(false);
  });

  it('checks urls', () => {
    expect(isValidUrl('https://meet.example.com/x')).toBe(true);
    expect(isValidUrl('javascript:alert(1)')).toBe(false);
    expect(isLinkedInUrl('https://www.linkedin.com/in/ada')).toBe(true);
    expect(isLinkedInUrl('https://linkedin.com.evil.io/in/ada')).toBe(false);
    // Inputs check shape only: the length bound of a link is the domain's.
    const at = (n: number) => `https://meet.example.com/${'x'.repeat(n - 25)}`;
    expect(optionalUrl(at(URL_MAX_LENGTH), 'link', 'The link')).toBeUndefined();
    expect(optionalUrl(at(URL_MAX_LENGTH + 1), 'link', 'The link')).toMatchObject({
      field: 'link',
      message: `The link must be at most ${URL_MAX_LENGTH} characters`,
    });
  });

  it('checks IANA time zones', () => {
    expect(isValidTimeZone('America/Chicago')).toBe(true);
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(isValidTimeZone('Mars/Base')).toBe(false);
    expect(isValidTimeZone(' UTC')).toBe(false);
  });
});
