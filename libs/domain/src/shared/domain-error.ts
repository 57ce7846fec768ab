/** The only kinds of rejection the domain knows; the API maps each to one response shape. */
export enum DomainErrorCode {
  VALIDATION = 'VALIDATION',
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  /** The actor may see the aggregate but this change is not theirs to make. */
  FORBIDDEN = 'FORBIDDEN',
}

/**
 * A rejected command. Deciders return it rather than throw, so callers must handle it and
 * specs can compare it like any other value.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The command field at fault (dotted path, e.g. `rows.3.email`), when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }

  static validation(message: string, field?: string): DomainError {
    return new DomainError(DomainErrorCode.VALIDATION, message, field);
  }

  static notFound(message: string, field?: string): DomainError {
    return new DomainError(DomainErrorCode.NOT_FOUND, message, field);
  }

  static alreadyExists(message: string, field?: string): DomainError {
    return new DomainError(DomainErrorCode.ALREADY_EXISTS, message, field);
  }

  static invalidTransition(message: string): DomainError {
    return new DomainError(DomainErrorCode.INVALID_TRANSITION, message);
  }

  static limitExceeded(message: string, field?: string): DomainError {
    return new DomainError(DomainErrorCode.LIMIT_EXCEEDED, message, field);
  }

  static forbidden(message: string): DomainError {
    return new DomainError(DomainErrorCode.FORBIDDEN, message);
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
