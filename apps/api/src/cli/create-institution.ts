import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { InstitutionService } from '../institution/institution.service';
import { runCli } from './cli.util';
import { CliModule } from './cli.module';

const usage =
  'usage: npm run institution:create -- --name "State University" --slug state-u [--time-zone America/Chicago]';

// Creating an institution (a tenant) is an operator action, not an API call.
runCli(async () => {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      slug: { type: 'string' },
      'time-zone': { type: 'string' },
    },
  });
  if (!values.name || !values.slug) throw new Error(usage);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: ['error'],
  });
  try {
    const institution = await app.get(InstitutionService).register({
      name: values.name,
      slug: values.slug,
      timeZone: values['time-zone'],
    });
    console.log(
      `created ${institution.name} (${institution.slug}), tenant ${institution.tenantId}, time zone ${institution.timeZone}`,
    );
    console.log(`admin token: npm run token -- --tenant ${institution.slug} --role admin`);
  } finally {
    await app.close();
  }
});
