import { Tenants } from '@rapport/event-store';
import { parseArgs } from 'node:util';
import type { Role } from '../auth/actor';
import { ROLES } from '../auth/actor';
import { TokenService } from '../auth/token.service';
import { loadConfig } from '../config/app-config';
import { openCliDatabase, runCli } from './cli.util';

const usage =
  'usage: npm run token -- --tenant <slug> --role admin|advisor|student [--student <id>] [--subject <id>] [--expires 2h]\n' +
  '  --expires: how long the token is valid (jose duration); default 30d, capped by JWT_MAX_AGE_SECONDS';

// Prints a development token signed with the same secret the API verifies with.
runCli(async () => {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      role: { type: 'string' },
      student: { type: 'string' },
      subject: { type: 'string' },
      expires: { type: 'string' },
    },
  });
  const role = values.role as Role;
  if (!values.tenant || !ROLES.includes(role)) throw new Error(usage);
  if (role === 'student' && !values.student)
    throw new Error('a student token needs --student <student id>');
  // Resolving a slug reads the tenant registry across tenants: the worker's job.
  const handle = await openCliDatabase('worker', false);
  const tenant = await new Tenants(handle.database)
    .findBySlug(values.tenant)
    .finally(() => handle.close());
  if (!tenant) throw new Error(`no institution with slug "${values.tenant}"`);
  const subject =
    values.subject ?? (role === 'student' ? `user-${values.student}` : `${role}-${values.tenant}`);
  const token = await new TokenService(loadConfig()).sign(
    { subject, tenantId: tenant.tenantId, role, studentId: values.student },
    values.expires,
  );
  console.log(token);
});
