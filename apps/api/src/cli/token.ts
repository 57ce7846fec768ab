import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Tenants } from '@rapport/event-store';
import { parseArgs } from 'node:util';
import type { Actor, Role } from '../auth/actor';
import { ROLES } from '../auth/actor';
import { TokenService } from '../auth/token.service';
import { loadConfig } from '../config/app-config';
import { PersonMatchers } from '../identity/person-matcher';
import { CliModule } from './cli.module';
import { openCliDatabase, runCli } from './cli.util';

const usage =
  'usage: npm run token -- --tenant <slug> --role admin|advisor|student [--student <id>] [--subject <id>] [--expires 2h]\n' +
  '       npm run token -- --tenant <slug> --email ann@example.edu [--expires 2h]\n' +
  "  --email: for the enrolled student or staff member with this email (their role is Rapport's)\n" +
  '  --expires: how long the token is valid (jose duration); default 30d, capped by JWT_MAX_AGE_SECONDS';

// Prints a development token signed with the same secret the API verifies with.
runCli(async () => {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      role: { type: 'string' },
      student: { type: 'string' },
      subject: { type: 'string' },
      email: { type: 'string' },
      expires: { type: 'string' },
    },
  });
  const role = values.role as Role | undefined;
  if (!values.tenant || (!values.email && !ROLES.includes(role!))) throw new Error(usage);
  if (values.email && (values.role || values.student || values.subject))
    throw new Error(
      '--email finds the person and their role: leave out --role, --student and --subject',
    );
  if (role === 'student' && !values.student)
    throw new Error('a student token needs --student <student id>');
  // Resolving a slug reads the tenant registry across tenants: the worker's job.
  const handle = await openCliDatabase('worker', false);
  const tenant = await new Tenants(handle.database)
    .findBySlug(values.tenant)
    .finally(() => handle.close());
  if (!tenant) throw new Error(`no institution with slug "${values.tenant}"`);
  const actor: Actor = values.email
    ? await personByEmail(tenant.tenantId, values.email)
    : {
        subject:
          values.subject ??
          (role === 'student' ? `user-${values.student}` : `${role}-${values.tenant}`),
        tenantId: tenant.tenantId,
        role: role!,
        studentId: values.student,
      };
  const token = await new TokenService(loadConfig()).sign(actor, values.expires);
  console.log(token);
});

/** Whoever a first sign-in with this verified email would be: every kind of person is asked. */
async function personByEmail(tenantId: string, email: string): Promise<Actor> {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: ['error'],
  });
  try {
    const matches = await app
      .get(PersonMatchers)
      .match(tenantId, { verifiedEmail: email.trim().toLowerCase(), externalId: null });
    if (matches.length === 0)
      throw new Error('no enrolled student or staff member of this institution has that email');
    if (matches.length > 1)
      throw new Error('more than one person of this institution has that email; use --role');
    const [person] = matches;
    return {
      subject: person.role === 'student' ? `user-${person.personId}` : person.personId,
      tenantId,
      role: person.role,
      studentId: person.role === 'student' ? person.personId : undefined,
    };
  } finally {
    await app.close();
  }
}
