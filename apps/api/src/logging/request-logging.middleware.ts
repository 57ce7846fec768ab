import type { NextFunction, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { headerValue } from '../auth/authenticator.service';
import type { RapportRequest } from '../auth/request-context';

const SAFE_ID = /^[\w.:-]{1,128}$/;

/**
 * One JSON line per request when it completes: request id, method, path (never the query
 * string, which carries unsubscribe tokens, nor a calendar feed's token), status, duration,
 * and once known the institution and GraphQL operation. No headers, bodies, variables or user
 * names.
 */
export function requestLogging(logger: Logger) {
  const middleware = pinoHttp<RapportRequest, Response>({
    logger,
    genReqId: (req, res) => {
      const given = headerValue(req.headers['x-request-id'] ?? req.headers['x-correlation-id']);
      const id = given && SAFE_ID.test(given) ? given : randomUUID();
      // The request id is also the correlation id recorded on the events it causes.
      req.correlationId = id;
      res.setHeader('X-Request-Id', id);
      return id;
    },
    quietReqLogger: true,
    serializers: {
      req: (req: { method: string; url: string }) => ({
        method: req.method,
        path: redactedPath(req.url.split('?')[0]),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (req) => ({
      tenantId: req.actor?.tenantId,
      role: req.actor?.role,
      operationName: req.operationName,
    }),
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
  return (req: RapportRequest, res: Response, next: NextFunction) => middleware(req, res, next);
}

/** A calendar feed's URL is its credential: the log keeps the route, not the token. */
function redactedPath(path: string): string {
  return path.startsWith('/calendar/') ? '/calendar/:token.ics' : path;
}
