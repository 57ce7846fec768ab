import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { InstitutionService } from '../institution/institution.service';

import { StaffService } from '../staff/staff.service';
import { runCli } from './cli.util';
import { CliModule } from './cli.module';

const usage =
  'usage: npm run institution:create -- --name "State University" --slug state-u [--time-zone America/Chicago]\n' +
  '  [--issuer https://login.state-u.edu --audience rapport [--email-claim email] [--external-id-claim student_number]]\n' +
  '  [--admin-email it@state-u.edu --admin-name "Ann Admin"]\n' +
  "  --issuer/--audience: the institution's OpenID provider; its people sign in with its tokens\n" +
  '  --admin-email/--admin-name: invites the first admin, who signs in with that verified email';

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
      'admin-email': { type: 'string' },
      'admin-name': { type: 'string' },
    },
  });
  if (!values.name || !values.slug) throw new Error(usage);
  if (!values['admin-email'] !== !values['admin-name'])
    throw new Error(`the first admin needs both --admin-email and --admin-name\n${usage}`);
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
    if (values['admin-email']) {
      const admin = await app.get(StaffService).inviteAsOperator(institution.tenantId, {
        email: values['admin-email'],
        name: values['admin-name']!,
        role: 'admin',
      });
      console.log(`first admin invited (staff id ${admin.id}); the invitation is in the outbox`);
    }
    console.log(`admin token: npm run token -- --tenant ${institution.slug} --role admin`);
  } finally {
    await app.close();
  }
});
