import { type DynamicModule, Module } from '@nestjs/common';
import { EventStoreModule } from '@rapport/event-store';
import { APP_CONFIG } from '../app-config.token';
import { eventStoreOptions } from '../app.module';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/app-config';
import { InstitutionModule } from '../institution/institution.module';
import { DigestModule } from '../digest/digest.module';
import { ScheduleModule } from '@nestjs/schedule';
import { WriteModule } from '../write/write.module';
import { StaffModule } from '../staff/staff.module';

/** The write side without HTTP or GraphQL, for operator commands. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig = cliConfig()): DynamicModule {
    return {
      module: CliModule,
      global: true,
      imports: [
        EventStoreModule.forRootAsync({ useFactory: () => eventStoreOptions(config) }),
        AuthModule,
        WriteModule,
        InstitutionModule,
        ScheduleModule.forRoot(),
        DigestModule,
        // Registers how `token --email` finds staff (students come with AuthModule).
        StaffModule,
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}

/** The API's configuration without its background work: a CLI runs one job and exits. */
function cliConfig(): AppConfig {
  const config = loadConfig();
  return { ...config, runProjections: false, digest: { ...config.digest, enabled: false } };
}
