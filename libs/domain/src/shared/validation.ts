import { isIsoDate, isIsoInstant } from './dates';
import { DomainError } from './domain-error';

/**
 * Small validators shared by the deciders. Each returns a DomainError to hand back, or
 * undefined when the value is fine; `firstError` picks the first problem in field order.
 */
export type Check = DomainError | undefined;

export function firstError(...checks: Check[]): Check {
  return checks.find((check) => check !== undefined);
}

export const TEXT_LIMITS = {
  /** Names, titles, organisations: one line. */
  short: 200,
  /** Notes, insights, advice: a few pages at most. */
  long: 10_000,
} as const;

// Pragmatic, not RFC 5322: one @, no spaces, a dot in the domain. Mail delivery proves the rest.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isValidEmail(value: string): boolean {
  const email = value.trim();
  return email.length <= 254 && EMAIL_PATTERN.test(email);
}

/** The comparable form of an email: trimmed and lower-cased. */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** An absolute http(s) URL; `URL` parsing is pure. */
export function isValidUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

export function isLinkedInUrl(value: string): boolean {
  if (!isValidUrl(value)) return false;
  const host = new URL(value.trim()).hostname.toLowerCase();
  return host === 'linkedin.com' || host.endsWith('.linkedin.com');
}

/**
 * The runtime's canonical spelling of an IANA time zone (`america/chicago` becomes
 * `America/Chicago`), or null when it is unknown. `Intl` lookups are pure.
 */
export function canonicalTimeZone(value: string): string | null {
  if (value.trim() === '' || value !== value.trim()) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export function isValidTimeZone(value: string): boolean {
  return canonicalTimeZone(value) !== null;
}

export function requireText(
  value: string | undefined,
  field: string,
  label: string,
  maxLength: number = TEXT_LIMITS.short,
): Check {
  if (value === undefined || value.trim() === '') {
    return DomainError.validation(`${label} is required`, field);
  }
  return optionalText(value, field, label, maxLength);
}

export function optionalText(
  value: string | null | undefined,
  field: string,
  label: string,
  maxLength: number = TEXT_LIMITS.short,
): Check {
  if (value === undefined || value === null) return undefined;
  if (value.length > maxLength) {
    return DomainError.validation(`${label} must be at most ${maxLength} characters`, field);
  }
  return undefined;
}

export function optionalEmail(value: string | null | undefined, field: string): Check {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  return isValidEmail(value)
    ? undefined
    : DomainError.validation('This is not a valid email address', field);
}

export function requireEmail(value: string | undefined, field: string): Check {
  if (value === undefined || value.trim() === '') {
    return DomainError.validation('An email address is required', field);
  }
  return optionalEmail(value, field);
}

/** Longer than any link a person pastes; inputs check shape only, so the bound lives here. */
export const URL_MAX_LENGTH = 2_000;

export function optionalUrl(
  value: string | null | undefined,
  field: string,
  label: string,
  maxLength = URL_MAX_LENGTH,
): Check {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  if (value.length > maxLength)
    return DomainError.validation(`${label} must be at most ${maxLength} characters`, field);
  return isValidUrl(value)
    ? undefined
    : DomainError.validation(`${label} must be an absolute http(s) URL`, field);
}

export function requireInstant(value: string, field: string, label: string): Check {
  return isIsoInstant(value)
    ? undefined
    : DomainError.validation(
        `${label} must be an ISO-8601 date-time with a time zone offset, e.g. 2025-03-01T09:00:00Z`,
        field,
      );
}

export function requireDate(value: string, field: string, label: string): Check {
  return isIsoDate(value)
    ? undefined
    : DomainError.validation(`${label} must be a calendar date written YYYY-MM-DD`, field);
}

export function requireIntegerInRange(
  value: number,
  field: string,
  label: string,
  min: number,
  max: number,
): Check {
  return Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : DomainError.validation(`${label} must be a whole number from ${min} to ${max}`, field);
}

export function requireOneOf<T extends string>(
  value: string,
  allowed: readonly T[],
  field: string,
  label: string,
): Check {
  return (allowed as readonly string[]).includes(value)
    ? undefined
    : DomainError.validation(`${label} must be one of: ${allowed.join(', ')}`, field);
}

/** Ids are opaque to the domain; they only must be present and short enough to key a stream. */
export function requireId(value: string | undefined, field: string, label: string): Check {
  if (value === undefined || value.trim() === '') {
    return DomainError.validation(`${label} is required`, field);
  }
  if (value.length > 100 || /\s/.test(value)) {
    return DomainError.validation(`${label} must be at most 100 characters without spaces`, field);
  }
  return undefined;
}

/** Empty or whitespace-only optional text is stored as absent rather than as "". */
export function trimmedOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
