export enum AuthErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  /** A valid provider token whose person Rapport cannot find: a help-desk case, not an attack. */
  NotEnrolled = 'NOT_ENROLLED',
}

/** One error class for authentication and authorization; mapped to GraphQL codes in one place. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }

  static unauthenticated(message = 'A valid bearer token is required'): AuthError {
    return new AuthError(AuthErrorCode.Unauthenticated, message);
  }

  static forbidden(message = 'You may not do this'): AuthError {
    return new AuthError(AuthErrorCode.Forbidden, message);
  }

  static notEnrolled(message: string): AuthError {
    return new AuthError(AuthErrorCode.NotEnrolled, message);
  }
}
