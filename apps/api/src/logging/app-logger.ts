import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';

export interface LogConfig {
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /** Where JSON lines go: standard output unless a test collects them. */
  destination?: DestinationStream;
}

/** The one pino logger of the process; every line is a JSON object. */
export function createLogger(config: LogConfig): Logger {
  return pino(
    {
      level: config.level,
      base: { service: 'rapport' },
      // Belt and braces: nothing we log carries these, and if it ever does they are removed.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.password'],
        remove: true,
      },
    },
    // Standard output, written synchronously so the last lines before a crash are not lost.
    config.destination ?? pino.destination(1),
  );
}

/** Anything shaped like an email address, wherever it sits in a message or a stack. */
const ADDRESS = /[^\s@<>()"',;:[\]]+@[^\s@<>()"',;:[\]]+\.[a-z]{2,}/gi;

/**
 * The last line of defence of docs/adr/0027: our own messages carry ids only, but an error from
 * a library (a driver, a mail server) may quote an address, so none reaches the log.
 */
export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '<address>');
}

/** Nest's own messages (start-up, errors from our filters) as pino lines. */
export class AppLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, withoutAddresses(String(message)));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error(
      { context, trace: trace === undefined ? undefined : withoutAddresses(trace) },
      withoutAddresses(String(message)),
    );
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, withoutAddresses(String(message)));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, withoutAddresses(String(message)));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, withoutAddresses(String(message)));
  }
}
