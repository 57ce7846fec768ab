import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { ErrorCode, mapKnown } from '../graphql/error-mapping';

const STATUS: Record<string, number> = {
  [ErrorCode.BadUserInput]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotEnrolled]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Timeout]: 503,
  [ErrorCode.Unavailable]: 503,
};

/**
 * HTTP routes (exports, unsubscribe, health) answer errors with the same codes as GraphQL,
 * as `{ error: { code, message } }`. GraphQL errors pass through to Apollo's formatError.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'http') return error;
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      // A stream failed half-way: all that is left is to cut it short.
      response.destroy();
      return;
    }
    if (error instanceof HttpException) {
      // Nest's own exceptions (and terminus's 503 with the health details) keep their body.
      const body = error.getResponse();
      response
        .status(error.getStatus())
        .json(
          typeof body === 'object'
            ? body
            : { error: { code: `HTTP_${error.getStatus()}`, message: body } },
        );
      return;
    }
    const known = mapKnown(error);
    if (known) {
      const code = String(known.extensions.code);
      const retryAfterSeconds = known.extensions.retryAfterSeconds;
      if (typeof retryAfterSeconds === 'number')
        response.setHeader('Retry-After', String(retryAfterSeconds));
      response
        .status(STATUS[code] ?? 400)
        .json({ error: { ...known.extensions, code, message: known.message } });
      return;
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    response
      .status(500)
      .json({ error: { code: ErrorCode.Internal, message: 'Internal server error' } });
  }
}
