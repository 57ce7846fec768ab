import { unwrapResolverError } from '@apollo/server/errors';
import { Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@rapport/domain';
import {
  ConcurrencyError,
  EventStoreError,
  EventStoreErrorCode,
  InvalidTenantIdError,
} from '@rapport/event-store';
import type { GraphQLFormattedError } from 'graphql';
import { QueryRunnerAlreadyReleasedError } from 'typeorm';
import { AuthError } from '../auth/auth.errors';
import { InputValidationError } from '../common/input-validation.error';
import { RateLimitError } from '../rate-limit/rate-limit.errors';

/** The codes clients see in `extensions.code`. */
export enum ErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  /** Forbidden because a valid sign-in matched no enrolled student or staff member. */
  NotEnrolled = 'NOT_ENROLLED',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  RateLimited = 'RATE_LIMITED',
  Timeout = 'TIMEOUT',
  Unavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_SERVER_ERROR',
}

// Errors that graphql-js and Apollo raise before any resolver runs already carry a safe code.
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  ErrorCode.RateLimited,
]);

// Every other domain rejection is a problem with the input.
const DOMAIN_ERROR_CODES: Partial<Record<DomainErrorCode, ErrorCode>> = {
  [DomainErrorCode.NOT_FOUND]: ErrorCode.NotFound,
  [DomainErrorCode.FORBIDDEN]: ErrorCode.Forbidden,
};

const logger = new Logger('GraphQL');

/** The one place that turns any error into what a client may see. Never a stack, never SQL. */
export function formatGraphqlError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const mapped = mapKnown(original);
  if (mapped)
    return {
      message: mapped.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: mapped.extensions,
    };
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PASS_THROUGH.has(code)) {
    return {
      message: withoutLimits(formatted.message),
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code, ...retryAfter(formatted.extensions) },
    };
  }
  logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  return {
    message: 'Internal server error',
    path: formatted.path,
    extensions: { code: ErrorCode.Internal },
  };
}

/** The client-safe description of a known error, or null for anything unexpected. */
export function mapKnown(
  error: unknown,
): { message: string; extensions: Record<string, unknown> } | null {
  if (error instanceof AuthError)
    return { message: error.message, extensions: { code: error.code } };
  if (error instanceof InputValidationError) {
    return {
      message: error.message,
      extensions: { code: ErrorCode.BadUserInput, fields: error.problems },
    };
  }
  if (error instanceof DomainError) {
    const code = DOMAIN_ERROR_CODES[error.code] ?? ErrorCode.BadUserInput;
    return {
      message: error.message,
      extensions: {
        code,
        reason: error.code,
        ...(error.field ? { field: inputField(error.field) } : {}),
      },
    };
  }
  if (error instanceof ConcurrencyError) {
    return {
      message: `This record changed meanwhile (you expected version ${String(error.expected)}, it is now ${error.actual}); reload and try again`,
      extensions: {
        code: ErrorCode.Conflict,
        expectedVersion: error.expected,
        actualVersion: error.actual,
      },
    };
  }
  if (error instanceof EventStoreError) {
    const code =
      error.code === EventStoreErrorCode.EventIdReused
        ? ErrorCode.Conflict
        : ErrorCode.BadUserInput;
    return { message: error.message, extensions: { code } };
  }
  if (error instanceof InvalidTenantIdError)
    return { message: 'Unknown institution', extensions: { code: ErrorCode.NotFound } };
  if (error instanceof RateLimitError) {
    return {
      message: error.message,
      extensions: { code: ErrorCode.RateLimited, retryAfterSeconds: error.retryAfterSeconds },
    };
  }
  if (isDatabaseUnreachable(error)) {
    return {
      message: 'The database is unreachable; nothing was changed, try again shortly',
      extensions: { code: ErrorCode.Unavailable },
    };
  }
  if (isStatementTimeout(error)) {
    return {
      message: 'The database took too long to answer; nothing was changed, try again',
      extensions: { code: ErrorCode.Timeout },
    };
  }
  return null;
}

/** PostgreSQL cancelled the statement after DATABASE_STATEMENT_TIMEOUT_MS. */
function isStatementTimeout(error: unknown): boolean {
  return errorCodeOf(error) === '57014';
}

// Connection refused or reset, server shutting down or not accepting connections, too many
// connections, the backend terminated, or the database closed to connections.
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '3D000',
]);

function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = errorCodeOf(error);
  if (code && UNREACHABLE.has(code)) return true;
  // TypeORM releases a query runner whose connection died; our transactions never do.
  if (error instanceof QueryRunnerAlreadyReleasedError) return true;
  return /Connection terminated|connection is not accepting|not currently accepting connections/i.test(
    error.message,
  );
}

/** The SQLSTATE or socket error code of a driver error, TypeORM-wrapped or not. */
function errorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const driverError = (error as { driverError?: { code?: unknown } }).driverError;
  const code = (error as { code?: unknown }).code ?? driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

function retryAfter(extensions: GraphQLFormattedError['extensions']): Record<string, unknown> {
  const seconds = extensions?.retryAfterSeconds;
  return typeof seconds === 'number' ? { retryAfterSeconds: seconds } : {};
}

/** graphql-js names its token limit in the message; clients are not told the limits. */
function withoutLimits(message: string): string {
  return /more tha[nt] \d+ tokens/.test(message)
    ? 'Syntax Error: the document is too large.'
    : message;
}

/**
 * The input field a domain error names: inputs are flat, while events keep personal data under
 * `personal` (docs/adr/0024), so `personal.message` is the input's `message`.
 */
function inputField(field: string): string {
  return field.startsWith('personal.') ? field.slice('personal.'.length) : field;
}
