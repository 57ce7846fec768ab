import type { NextFunction, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Level, Logger } from 'pino';
import { headerValue } from '../auth/authenticator.service';
import type { RapportRequest } from '../auth/request-context';

const SAFE_ID = /^[\w.:-]{1,128}$/;

/**
 * One JSON line per request when it completes: request id, method, path (never the query
 * string, which carries unsubscribe tokens, nor a calendar feed's token), status, duration,
 * and once known the institution and GraphQL operation. No headers, bodies, variables or user
 * names. A line is built only when its level (info, warn for 4xx, error for 5xx) is written.
 */
export function requestLogging(logger: Logger) {
  return (req: RapportRequest, res: Response, next: NextFunction): void => {
    const given = headerValue(req.headers['x-request-id'] ?? req.headers['x-correlation-id']);
    const id = given && SAFE_ID.test(given) ? given : randomUUID();
    // The request id is also the correlation id recorded on the events it causes.
    req.correlationId = id;
    res.setHeader('X-Request-Id', id);
    // Levels are fixed for the process: with not even errors written, nothing waits for the end.
    if (logger.isLevelEnabled('error')) {
      const started = Date.now();
      const completed = (error?: unknown) => {
        res.off('finish', completed);
        res.off('close', completed);
        res.off('error', completed);
        logCompleted(logger, id, req, res, started, error);
      };
      res.on('finish', completed);
      res.on('close', completed);
      res.on('error', completed);
    }
    next();
  };
}

function logCompleted(
  logger: Logger,
  reqId: string,
  req: RapportRequest,
  res: Response,
  started: number,
  error: unknown,
): void {
  const failed = error !== undefined || res.statusCode >= 500;
  const level: Level = failed ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const line = {
    reqId,
    req: { method: req.method, path: redactedPath(req.originalUrl.split('?')[0]) },
    tenantId: req.actor?.tenantId,
    role: req.actor?.role,
    operationName: req.operationName,
    res: { statusCode: res.statusCode },
    responseTime: Date.now() - started,
  };
  if (failed)
    logger[level](
      { ...line, err: error ?? new Error(`failed with status code ${res.statusCode}`) },
      'request errored',
    );
  else logger[level](line, res.writableEnded ? 'request completed' : 'request aborted');
}

/** A calendar feed's URL is its credential: the log keeps the route, not the token. */
function redactedPath(path: string): string {
  return path.startsWith('/calendar/') ? '/calendar/:token.ics' : path;
}
