export enum AuthErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
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
}
