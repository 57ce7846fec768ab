import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';
import { demoBanner } from './demo/demo-banner';
import { DemoSeedService } from './demo/demo-seed.service';
import { AppLogger } from './logging/app-logger';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(AppLogger));
  // SIGTERM/SIGINT: stop listening, let in-flight requests and the current projection batch
  // finish, close the pool, exit 0. A shutdown stuck past the deadline exits 1.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref());
  }
  await app.listen(config.port);
  const url = `http://localhost:${config.port}/graphql`;
  // loadConfig never sets seedDemo in production: an institution's database gets no demo data.
  const tokens = config.seedDemo ? await app.get(DemoSeedService).seedIfEmpty() : null;
  if (tokens) console.log(demoBanner(url, tokens));
  Logger.log(`GraphQL ready at ${url}`, 'Rapport');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'Rapport');
  process.exit(1);
});
