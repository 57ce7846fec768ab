import {
  type DynamicModule,
  Global,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { AppLogger, createLogger, type LogConfig } from './app-logger';
import { requestLogging } from './request-logging.middleware';

export const PINO_LOGGER = Symbol('PINO_LOGGER');

@Global()
@Module({})
export class LoggingModule implements NestModule {
  static forRoot(config: LogConfig): DynamicModule {
    const logger = createLogger(config);
    return {
      module: LoggingModule,
      providers: [
        { provide: PINO_LOGGER, useValue: logger },
        { provide: AppLogger, useValue: new AppLogger(logger) },
      ],
      exports: [PINO_LOGGER, AppLogger],
    };
  }

  constructor(@Inject(PINO_LOGGER) private readonly logger: Logger) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestLogging(this.logger)).forRoutes('*');
  }
}
