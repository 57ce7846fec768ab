import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { InstitutionService } from '../institution/institution.service';
import { runCli } from './cli.util';
import { CliModule } from './cli.module';

const usage =
  'usage: npm run institution:create -- --name "State University" --slug state-u [--time-zone America/Chicago]\n' +
  '  [--issuer https://login.state-u.edu --audience rapport [--email-claim email] [--external-id-claim student_number]]\n' +
  "  --issuer/--audience: the institution's OpenID provider; its people sign in with its tokens";

// Creating an institution (a tenant) is an operator action, not an API call.
runCli(async () => {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      slug: { type: 'string' },
      'time-zone': { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      'email-claim': { type: 'string' },
      'external-id-claim': { type: 'string' },
    },
  });
  if (!values.name || !values.slug) throw new Error(usage);
  const provider =
    values.issuer || values.audience || values['email-claim'] || values['external-id-claim'];
  if (provider && (!values.issuer || !values.audience))
    throw new Error(`an identity provider needs both --issuer and --audience\n${usage}`);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: ['error'],
  });
  try {
    const institution = await app.get(InstitutionService).register({
      name: values.name,
      slug: values.slug,
      timeZone: values['time-zone'],
      identityProvider: provider
        ? {
            issuer: values.issuer!,
            audience: values.audience!,
            emailClaim: values['email-claim'],
            externalIdClaim: values['external-id-claim'],
          }
        : undefined,
    });
    console.log(
      `created ${institution.name} (${institution.slug}), tenant ${institution.tenantId}, time zone ${institution.timeZone}`,
    );
    if (institution.identityProvider)
      console.log(
        `sign-in: tokens of ${institution.identityProvider.issuer} for audience ${institution.identityProvider.audience}`,
      );
    console.log(`admin token: npm run token -- --tenant ${institution.slug} --role admin`);
  } finally {
    await app.close();
  }
});
