import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Tenants } from '@rapport/event-store';
import { parseArgs } from 'node:util';
import { StaffService } from '../staff/staff.service';
import { CliModule } from './cli.module';
import { runCli } from './cli.util';

const usage =
  'usage: npm run staff:invite -- --tenant <slug> --email it@state-u.edu --name "Ann Admin" [--role admin|advisor]\n' +
  '  invites a staff member as the operator (an institution whose admins cannot sign in yet)';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'admin' },
    },
  });
  const role = values.role;
  if (!values.tenant || !values.email || !values.name || (role !== 'admin' && role !== 'advisor'))
    throw new Error(usage);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: ['error'],
  });
  try {
    const tenant = await app.get(Tenants).findBySlug(values.tenant);
    if (!tenant) throw new Error(`no institution with slug "${values.tenant}"`);
    const member = await app
      .get(StaffService)
      .inviteAsOperator(tenant.tenantId, { email: values.email, name: values.name, role });
    console.log(`invited staff member ${member.id} (${role}); the invitation is in the outbox`);
  } finally {
    await app.close();
  }
});
